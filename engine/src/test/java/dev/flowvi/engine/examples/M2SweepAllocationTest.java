package dev.flowvi.engine.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flowvi.engine.core.AllocationCounter;
import dev.flowvi.engine.kernel.VectorSupport;
import org.junit.jupiter.api.Test;

/**
 * The hand-written M2 gradient's vector row sweep does not box its lanes in steady state. Each
 * point allocates its own small arrays (the 23 sufficient parameters, 31 accumulators, the 26
 * gradient entries: under 1 KB); a vector that crosses a call C2 did not inline is boxed once per
 * 8 rows, about 400 KB per point over 10^4 rows, which is what this test catches (bound 4 KB).
 */
class M2SweepAllocationTest {
  @Test
  void gradientSweepDoesNotBox() {
    assumeTrue(VectorSupport.enabled(), "vector kernels are not in use: " + VectorSupport.describe());
    com.sun.management.ThreadMXBean bean = AllocationCounter.bean();
    M2LogPosterior target = M2LogPosterior.of(M2Data.generate(1));
    int n = 8;
    int dim = target.dim();
    double[] z = new double[dim * n];
    double[] means = M2LogPosterior.priorMeans();
    for (int j = 0; j < dim; j++) {
      for (int i = 0; i < n; i++) {
        z[j * n + i] = (j < means.length ? means[j] : 0.0) + 0.01 * i;
      }
    }
    double[] logp = new double[n];
    double[] grad = new double[dim * n];
    // Warm rounds until C2 has the sweep (a clean window ends the loop early).
    long bytes = AllocationCounter.warmWindow(bean, () -> target.logDensityAndGradient(z, n, logp, grad), 20, 10, 60,
        4096L * 10 * n);
    double perPoint = bytes / (10.0 * n);
    assertTrue(perPoint < 4096, "the M2 gradient allocated " + perPoint + " bytes per point in steady state");
  }
}
