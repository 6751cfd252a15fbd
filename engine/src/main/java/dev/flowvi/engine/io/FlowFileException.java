package dev.flowvi.engine.io;

/** A .fvi file that cannot be read: names the file, the line and what is wrong. */
public final class FlowFileException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  FlowFileException(String file, int line, String problem) {
    super(file + (line > 0 ? ":" + line : "") + ": " + problem);
  }
}
