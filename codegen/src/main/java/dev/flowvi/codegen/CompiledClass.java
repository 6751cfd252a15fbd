package dev.flowvi.codegen;

import java.util.Map;

/** A class compiled by Janino, with its generated source and bytecode sizes for inspection. */
public final class CompiledClass {
  private final GeneratedSource source;
  private final Class<?> type;
  private final Map<String, Integer> methodSizes;
  private final long compileNanos;
  private final boolean fromStore;

  CompiledClass(GeneratedSource source, Class<?> type, Map<String, Integer> methodSizes, long compileNanos, boolean fromStore) {
    this.source = source;
    this.type = type;
    this.methodSizes = Map.copyOf(methodSizes);
    this.compileNanos = compileNanos;
    this.fromStore = fromStore;
  }

  public GeneratedSource source() {
    return source;
  }

  public Class<?> type() {
    return type;
  }

  /** Bytecode length of each method (name + descriptor). */
  public Map<String, Integer> methodSizes() {
    return methodSizes;
  }

  public int largestMethodSize() {
    int max = 0;
    for (int s : methodSizes.values()) {
      max = Math.max(max, s);
    }
    return max;
  }

  /** Time to compile the class, or to read it back from a {@link BytecodeStore}, and load it. */
  public long compileNanos() {
    return compileNanos;
  }

  /** Whether the bytecode came from a {@link BytecodeStore} rather than from Janino. */
  public boolean fromStore() {
    return fromStore;
  }

  /** A new instance through the public no-argument constructor, cast to {@code type}. */
  public <T> T newInstance(Class<T> iface) {
    try {
      return iface.cast(type.getDeclaredConstructor().newInstance());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("generated class " + type.getName() + " cannot be instantiated: " + e, e);
    }
  }
}
