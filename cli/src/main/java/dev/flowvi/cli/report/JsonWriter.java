package dev.flowvi.cli.report;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A minimal streaming JSON writer (RFC 8259) for reports, so the CLI needs no JSON library.
 *
 * <p>Objects and arrays nest; commas and two-space indentation are handled here. JSON has no
 * NaN or infinity, so non-finite doubles are written as {@code null}: a reader then sees "no
 * value" rather than failing to parse.
 */
public final class JsonWriter {
  private final StringBuilder out = new StringBuilder();
  /** Per open container: true once it has a first element (so the next one needs a comma). */
  private final Deque<Boolean> hasElement = new ArrayDeque<>();
  private final Deque<Character> closers = new ArrayDeque<>();
  private boolean afterName;

  public JsonWriter beginObject() {
    return open('{', '}');
  }

  public JsonWriter endObject() {
    return close('}');
  }

  public JsonWriter beginArray() {
    return open('[', ']');
  }

  public JsonWriter endArray() {
    return close(']');
  }

  /** The key of the next value; only inside an object. */
  public JsonWriter name(String key) {
    if (closers.isEmpty() || closers.peek() != '}' || afterName) {
      throw new IllegalStateException("name('" + key + "') is only allowed directly inside an object");
    }
    separate();
    quote(key);
    out.append(": ");
    afterName = true;
    return this;
  }

  public JsonWriter value(String s) {
    beforeValue();
    if (s == null) {
      out.append("null");
    } else {
      quote(s);
    }
    return this;
  }

  public JsonWriter value(double v) {
    beforeValue();
    out.append(Double.isFinite(v) ? Double.toString(v) : "null");
    return this;
  }

  public JsonWriter value(long v) {
    beforeValue();
    out.append(v);
    return this;
  }

  public JsonWriter value(boolean v) {
    beforeValue();
    out.append(v);
    return this;
  }

  public JsonWriter field(String key, String v) {
    return name(key).value(v);
  }

  public JsonWriter field(String key, double v) {
    return name(key).value(v);
  }

  public JsonWriter field(String key, long v) {
    return name(key).value(v);
  }

  public JsonWriter field(String key, boolean v) {
    return name(key).value(v);
  }

  /** The finished document; every container must be closed. */
  @Override
  public String toString() {
    if (!closers.isEmpty()) {
      throw new IllegalStateException("JSON document has " + closers.size() + " unclosed container(s)");
    }
    return out.toString() + "\n";
  }

  private JsonWriter open(char opener, char closer) {
    beforeValue();
    out.append(opener);
    closers.push(closer);
    hasElement.push(false);
    return this;
  }

  private JsonWriter close(char closer) {
    if (closers.isEmpty() || closers.peek() != closer || afterName) {
      throw new IllegalStateException("'" + closer + "' does not close the open container");
    }
    closers.pop();
    boolean any = hasElement.pop();
    if (any) {
      newline();
    }
    out.append(closer);
    return this;
  }

  private void beforeValue() {
    if (afterName) {
      afterName = false;
      return;
    }
    if (closers.isEmpty()) {
      if (out.length() > 0) {
        throw new IllegalStateException("a JSON document holds exactly one top-level value");
      }
      return;
    }
    if (closers.peek() == '}') {
      throw new IllegalStateException("a value inside an object needs a name first");
    }
    separate();
  }

  private void separate() {
    if (hasElement.peek()) {
      out.append(',');
    }
    hasElement.pop();
    hasElement.push(true);
    newline();
  }

  private void newline() {
    out.append('\n');
    for (int i = 0; i < closers.size(); i++) {
      out.append("  ");
    }
  }

  private void quote(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
