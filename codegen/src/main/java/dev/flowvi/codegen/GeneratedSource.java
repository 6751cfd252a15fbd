package dev.flowvi.codegen;

import java.util.Objects;

/**
 * One generated compilation unit: a fully qualified class name, its Java source (in the subset
 * Janino accepts) and the topology key it was generated for.
 */
public final class GeneratedSource {
  private final String key;
  private final String className;
  private final String source;

  private GeneratedSource(String key, String className, String source) {
    this.key = Objects.requireNonNull(key, "key");
    this.className = Objects.requireNonNull(className, "className");
    this.source = Objects.requireNonNull(source, "source");
  }

  public static GeneratedSource of(String key, String className, String source) {
    return new GeneratedSource(key, className, source);
  }

  /** The topology key: equal keys must generate equal sources. */
  public String key() {
    return key;
  }

  public String className() {
    return className;
  }

  public String source() {
    return source;
  }

  /** The simple class name, for file names. */
  public String simpleName() {
    int dot = className.lastIndexOf('.');
    return dot < 0 ? className : className.substring(dot + 1);
  }
}
