package dev.flowvi.engine.core;

/** A failure caught on another thread (a worker, a background compile), rethrown as the caller's own. */
public final class Unchecked {
  private Unchecked() {}

  /**
   * {@code failure} itself when it is a RuntimeException; an Error is thrown from here as it is;
   * anything else comes back wrapped in an IllegalStateException that says {@code what} failed.
   * Use as {@code throw Unchecked.of(cause, "...")}.
   */
  public static RuntimeException of(Throwable failure, String what) {
    if (failure instanceof Error) {
      throw (Error) failure;
    }
    if (failure instanceof RuntimeException) {
      return (RuntimeException) failure;
    }
    return new IllegalStateException(what + ": " + failure, failure);
  }
}
