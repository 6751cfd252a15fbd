package dev.flowvi.engine.model;

/** A model file that does not parse: the message names the source, the line, the column and what was expected. */
public final class ModelSyntaxException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String source;
  private final int line;
  private final int column;

  ModelSyntaxException(String source, int line, int column, String message) {
    super(source + ":" + line + ":" + column + ": " + message);
    this.source = source;
    this.line = line;
    this.column = column;
  }

  public String source() {
    return source;
  }

  /** 1-based line. */
  public int line() {
    return line;
  }

  /** 1-based column. */
  public int column() {
    return column;
  }
}
