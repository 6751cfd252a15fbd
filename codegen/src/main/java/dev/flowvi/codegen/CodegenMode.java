package dev.flowvi.codegen;

import java.util.Locale;

/**
 * How FlowVI treats generated kernels, from the system property {@code flowvi.codegen}.
 *
 * <ul>
 *   <li>{@code auto} (default): compile, and on any failure fall back to the interpreted path with
 *       one logged warning per topology.
 *   <li>{@code off}: always use the interpreted path (the CLI's {@code --interpreted}).
 *   <li>{@code strict}: compile, and fail loudly instead of falling back; tests run in this mode so
 *       that a fallback cannot hide a code-generation bug.
 * </ul>
 */
public enum CodegenMode {
  AUTO,
  OFF,
  STRICT;

  public static final String PROPERTY = "flowvi.codegen";

  /** The mode named by the system property, read on every call so tests can switch it. */
  public static CodegenMode fromSystemProperty() {
    String value = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
    switch (value) {
      case "auto":
        return AUTO;
      case "off":
        return OFF;
      case "strict":
        return STRICT;
      default:
        throw new IllegalArgumentException(
            "system property " + PROPERTY + " is '" + value + "', expected auto, off or strict");
    }
  }
}
