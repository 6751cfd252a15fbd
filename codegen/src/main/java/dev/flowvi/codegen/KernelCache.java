package dev.flowvi.codegen;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * A bounded, thread-safe cache of compiled classes keyed by topology.
 *
 * <p>Concurrent requests for one key compile it once: the first caller runs the compilation, the
 * others wait for its result. The least recently used entry is evicted beyond {@link
 * #maxEntries()}, so a long-running service that sees many topologies cannot grow without bound.
 * A failed compilation is not cached, so that a later request can try again.
 */
public final class KernelCache {
  private final int maxEntries;
  private final KernelCompiler compiler;
  private final Map<String, FutureTask<CompiledClass>> entries;
  private long compilations;

  public KernelCache(KernelCompiler compiler, int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries is " + maxEntries + ", expected at least 1");
    }
    this.compiler = compiler;
    this.maxEntries = maxEntries;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, FutureTask<CompiledClass>> eldest) {
        return size() > KernelCache.this.maxEntries;
      }
    };
  }

  private static final KernelCache SHARED = new KernelCache(KernelCompiler.forEngine(), 256);

  /** The process-wide cache used by the flow and model compilers. */
  public static KernelCache shared() {
    return SHARED;
  }

  public int maxEntries() {
    return maxEntries;
  }

  /** Number of classes compiled so far (cache misses that ran). */
  public synchronized long compilations() {
    return compilations;
  }

  public synchronized int size() {
    return entries.size();
  }

  public synchronized boolean contains(String key) {
    return entries.containsKey(key);
  }

  /**
   * The compiled class for {@code key}, generating and compiling it on a miss.
   *
   * @throws CodegenException if generation or compilation fails
   */
  public CompiledClass get(String key, Supplier<GeneratedSource> generator) {
    FutureTask<CompiledClass> task;
    boolean owner = false;
    synchronized (this) {
      task = entries.get(key);
      if (task == null) {
        task = new FutureTask<>(() -> {
          GeneratedSource source = generator.get();
          if (!key.equals(source.key())) {
            throw new CodegenException("generator for key " + key + " produced a source for key " + source.key());
          }
          return compiler.compile(source);
        });
        entries.put(key, task);
        compilations++;
        owner = true;
      }
    }
    if (owner) {
      task.run();
    }
    try {
      return task.get();
    } catch (ExecutionException e) {
      synchronized (this) {
        entries.remove(key, task);
      }
      Throwable cause = e.getCause();
      if (cause instanceof CodegenException) {
        throw (CodegenException) cause;
      }
      throw new CodegenException("code generation for topology " + key + " failed: " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CodegenException("interrupted while waiting for topology " + key + " to compile", e);
    }
  }

  public synchronized void clear() {
    entries.clear();
  }
}
