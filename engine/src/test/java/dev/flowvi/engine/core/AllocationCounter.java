package dev.flowvi.engine.core;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;

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
}
