package dev.flowvi.codegen;

import java.util.Locale;

/**
 * Builds Java source with consistent indentation and exact literals. Generators describe code as
 * blocks and statements; this class owns the formatting, so that no generator concatenates
 * braces by hand and every double constant round-trips exactly.
 */
public final class SourceWriter {
  private final StringBuilder out = new StringBuilder(4096);
  private int depth;

  /** Emits one statement or declaration line. */
  public SourceWriter line(String code) {
    for (int i = 0; i < depth; i++) {
      out.append("  ");
    }
    out.append(code).append('\n');
    return this;
  }

  /** Opens a block: {@code header {}. */
  public SourceWriter open(String header) {
    line(header + " {");
    depth++;
    return this;
  }

  /** Closes the innermost block. */
  public SourceWriter close() {
    if (depth == 0) {
      throw new IllegalStateException("close() without a matching open()");
    }
    depth--;
    return line("}");
  }

  public SourceWriter blank() {
    out.append('\n');
    return this;
  }

  /** A double literal that parses back to exactly {@code v} (hex form for finite values). */
  public static String literal(double v) {
    if (Double.isNaN(v)) {
      return "Double.NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "Double.POSITIVE_INFINITY" : "Double.NEGATIVE_INFINITY";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return Double.toHexString(v);
  }

  /** The length of the text so far: a mark for {@link #takeFrom}. */
  public int mark() {
    return out.length();
  }

  /**
   * Removes and returns the text written since {@code mark}, which must hold only closed blocks
   * (a generator rewrites it and puts it back with {@link #raw}, or drops it).
   */
  public String takeFrom(int mark) {
    if (mark < 0 || mark > out.length()) {
      throw new IllegalArgumentException("mark " + mark + " is outside the text (length " + out.length() + ")");
    }
    String text = out.substring(mark);
    out.setLength(mark);
    return text;
  }

  /** Appends text that is already formatted: whole lines, as {@link #takeFrom} returned them. */
  public SourceWriter raw(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("raw text must end with a line break");
    }
    out.append(text);
    return this;
  }

  public int depth() {
    return depth;
  }

  /** The finished source; every block must be closed. */
  public String build() {
    if (depth != 0) {
      throw new IllegalStateException(depth + " block(s) left open");
    }
    return out.toString();
  }
}
