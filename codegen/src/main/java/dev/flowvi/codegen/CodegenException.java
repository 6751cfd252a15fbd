package dev.flowvi.codegen;

/** Code generation or compilation failed; callers in {@link CodegenMode#AUTO} fall back. */
public final class CodegenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CodegenException(String message, Throwable cause) {
    super(message, cause);
  }

  public CodegenException(String message) {
    super(message);
  }
}
