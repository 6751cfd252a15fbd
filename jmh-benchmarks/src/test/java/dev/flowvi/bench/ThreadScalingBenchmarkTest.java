package dev.flowvi.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * One and two threads do the same sums in the same order (each chunk has its own stream and
 * gradient, reduced in chunk order), so the loss and gradient agree; on the vector path to
 * 1e-12 relative, since vector EXP/LOG are not bit-stable across JIT tiers.
 */
class ThreadScalingBenchmarkTest {

  private static ThreadScalingBenchmark state(String workload, int threads) {
    ThreadScalingBenchmark b = new ThreadScalingBenchmark();
    b.workload = workload;
    b.threads = threads;
    b.setUp();
    return b;
  }

  @Test
  void oneAndTwoThreadsAgree() throws Exception {
    ThreadScalingBenchmark one = state("maf26", 1);
    ThreadScalingBenchmark two = state("maf26", 2);
    try {
      double a = one.elboStep();
      double b = two.elboStep();
      assertTrue(Double.isFinite(a), "loss " + a);
      assertEquals(a, b, 1e-12 * Math.abs(a));
      double scale = 0;
      for (double g : one.grad) {
        scale = Math.max(scale, Math.abs(g));
      }
      assertTrue(scale > 0, "gradient is zero");
      assertArrayEquals(one.grad, two.grad, 1e-12 * scale);
    } finally {
      one.tearDown();
      two.tearDown();
    }
  }

  @Test
  void otherThreadCountsAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> state("maf26", 3));
    assertTrue(e.getMessage().contains("threads is 3"), e.getMessage());
  }
}
