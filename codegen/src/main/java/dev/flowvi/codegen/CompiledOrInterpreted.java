package dev.flowvi.codegen;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The one place that decides between a compiled kernel and the interpreted engine, following
 * {@link CodegenMode}: in {@code auto} a failure falls back with one warning per topology, in
 * {@code strict} it is rethrown, and {@code off} never compiles.
 */
public final class CompiledOrInterpreted {
  private static final Logger LOG = Logger.getLogger(CompiledOrInterpreted.class.getName());
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private CompiledOrInterpreted() {}

  public static <T> T choose(
      KernelCache cache, String key, Supplier<GeneratedSource> generator,
      Function<CompiledClass, T> instantiate, Supplier<T> interpreted) {
    return choose(CodegenMode.fromSystemProperty(), cache, key, generator, instantiate, interpreted);
  }

  public static <T> T choose(
      CodegenMode mode, KernelCache cache, String key, Supplier<GeneratedSource> generator,
      Function<CompiledClass, T> instantiate, Supplier<T> interpreted) {
    if (mode == CodegenMode.OFF) {
      return interpreted.get();
    }
    try {
      return instantiate.apply(cache.get(key, generator));
    } catch (RuntimeException | LinkageError e) {
      if (mode == CodegenMode.STRICT) {
        throw e instanceof CodegenException ? (CodegenException) e
            : new CodegenException("compiled kernel for topology " + key + " failed: " + e, e);
      }
      if (WARNED.add(key)) {
        LOG.warning("FlowVI could not compile a kernel for topology " + key
            + "; using the interpreted engine instead (" + e.getMessage() + ")");
      }
      return interpreted.get();
    }
  }

  /** Whether a fallback warning was logged for {@code key} (for tests and reports). */
  public static boolean fellBack(String key) {
    return WARNED.contains(key);
  }
}
