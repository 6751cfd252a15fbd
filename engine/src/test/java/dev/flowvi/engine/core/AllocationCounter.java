package dev.flowvi.engine.core;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

/** The JVM's per-thread allocation counter for allocation tests, which are skipped where it is missing or off. */
public final class AllocationCounter {
  private AllocationCounter() {}

  /** The counter; skips the calling test when this JVM has none or has it switched off. */
  public static com.sun.management.ThreadMXBean bean() {
    java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter on this JVM");
    com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) mx;
    assumeTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled(), "allocation counter off");
    return bean;
  }

  /**
   * The bytes this thread allocates in {@code window} calls of {@code round} once warm: Vector API
   * code boxes until C2 has compiled it (DESIGN.md: cold vector code), so allocation claims are
   * about steady state. Runs {@code warm} calls and then a measured window, up to {@code attempts}
   * times, stopping at the first window under {@code limit} bytes; returns that window's bytes, or
   * the last window's.
   */
  public static long warmWindow(com.sun.management.ThreadMXBean bean, Runnable round, int warm, int window, int attempts,
      long limit) {
    long tid = Thread.currentThread().getId();
    long bytes = Long.MAX_VALUE;
    for (int attempt = 0; attempt < attempts && bytes >= limit; attempt++) {
      for (int k = 0; k < warm; k++) {
        round.run();
      }
      long before = bean.getThreadAllocatedBytes(tid);
      for (int k = 0; k < window; k++) {
        round.run();
      }
      bytes = bean.getThreadAllocatedBytes(tid) - before;
    }
    return bytes;
  }

  /**
   * As {@link #warmWindow}, but counting every live thread (pool workers included): the bytes
   * allocated in the window by the threads alive at its end, a thread born during it counted whole.
   */
  public static long warmWindowAllThreads(com.sun.management.ThreadMXBean bean, Runnable round, int warm, int window,
      int attempts, long limit) {
    long bytes = Long.MAX_VALUE;
    for (int attempt = 0; attempt < attempts && bytes >= limit; attempt++) {
      for (int k = 0; k < warm; k++) {
        round.run();
      }
      Map<Long, Long> before = allocatedPerThread(bean);
      for (int k = 0; k < window; k++) {
        round.run();
      }
      bytes = allocatedSince(bean, before);
    }
    return bytes;
  }

  /** Bytes allocated so far by each live thread, by thread id. */
  public static Map<Long, Long> allocatedPerThread(com.sun.management.ThreadMXBean bean) {
    Map<Long, Long> bytes = new HashMap<>();
    for (long id : bean.getAllThreadIds()) {
      bytes.put(id, Math.max(0, bean.getThreadAllocatedBytes(id)));
    }
    return bytes;
  }

  /**
   * Bytes allocated since {@code before} by the threads alive now, a thread born since counted
   * whole: a plain difference of sums would let a retired worker's total hide a new one's work.
   */
  public static long allocatedSince(com.sun.management.ThreadMXBean bean, Map<Long, Long> before) {
    long sum = 0;
    for (Map.Entry<Long, Long> now : allocatedPerThread(bean).entrySet()) {
      sum += now.getValue() - before.getOrDefault(now.getKey(), 0L);
    }
    return sum;
  }
}
