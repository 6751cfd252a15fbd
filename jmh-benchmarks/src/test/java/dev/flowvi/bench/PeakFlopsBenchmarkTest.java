package dev.flowvi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flowvi.engine.kernel.VectorSupport;
import org.junit.jupiter.api.Test;

/**
 * The chains compute what they claim: the scalar chains match a plain one-chain-at-a-time loop,
 * and every vector lane runs the same chain, so the vector sum is lanes × the scalar sum (to
 * 1e-12 relative: the lane reduction adds in another order).
 */
class PeakFlopsBenchmarkTest {

  private static double reference(double start) {
    double sum = 0;
    for (int c = 0; c < FmaChains.CHAINS; c++) {
      double a = start + c;
      for (int i = 0; i < FmaChains.ITERATIONS; i++) {
        a = Math.fma(a, FmaChains.M, FmaChains.C);
      }
      sum += a;
    }
    return sum;
  }

  @Test
  void scalarChainsMatchAReferenceLoop() {
    PeakFlopsBenchmark b = new PeakFlopsBenchmark();
    double ref = reference(b.start);
    assertEquals(ref, b.scalarFma(), 1e-12 * Math.abs(ref));
    assertEquals(2L * 12 * 1024, PeakFlopsBenchmark.scalarFlopsPerOp());
  }

  @Test
  void vectorChainsRunTheSameChainInEveryLane() {
    assumeTrue(VectorSupport.enabled(), "vector kernels are not enabled in this JVM");
    PeakFlopsBenchmark b = new PeakFlopsBenchmark();
    int lanes = VectorFmaChains.lanes();
    double ref = lanes * reference(b.start);
    assertEquals(ref, b.vectorFma(), 1e-12 * Math.abs(ref));
    assertEquals(lanes * PeakFlopsBenchmark.scalarFlopsPerOp(), PeakFlopsBenchmark.vectorFlopsPerOp());
  }
}
