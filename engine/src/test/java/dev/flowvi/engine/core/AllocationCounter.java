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
}
