package dev.flowvi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Every factory's state sets up at small dimensions and both benchmarks run: log q is finite, the
 * ELBO gradient is finite and not zero, and the points drawn score their own log q through the
 * log-density pass (to 1e-8 relative: the two directions round differently).
 */
class FlowBenchmarkTest {

  @Test
  void everyFactoryRunsBothBenchmarks() {
    for (String f : new String[] {"maf", "coupling", "bnaf", "planar", "triangularSpline"}) {
      for (int dim : new int[] {2, 8}) {
        FlowBenchmark b = new FlowBenchmark();
        b.factory = f;
        b.dim = dim;
        b.setUp();
        b.sampleAndLogProb();
        double[] scored = new double[FlowBenchmark.POINTS];
        b.flow.logProb(b.params, 0, b.z, null, scored, FlowBenchmark.POINTS, b.flow.newWorkspace(FlowBenchmark.POINTS));
        for (int i = 0; i < FlowBenchmark.POINTS; i += 50) {
          assertTrue(Double.isFinite(b.logq[i]), f + " D=" + dim + " log q " + b.logq[i]);
          assertEquals(b.logq[i], scored[i], 1e-8 * Math.max(1, Math.abs(scored[i])), f + " D=" + dim + " point " + i);
        }
        assertTrue(Double.isFinite(b.elboGradient()), f + " D=" + dim + " loss");
        double norm = 0;
        for (double g : b.grad) {
          assertTrue(Double.isFinite(g), f + " D=" + dim + " gradient " + g);
          norm += g * g;
        }
        assertTrue(norm > 0, f + " D=" + dim + " gradient is zero");
      }
    }
  }

  @Test
  void unknownFactoryIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FlowBenchmark.flow("glow", 2));
    assertTrue(e.getMessage().contains("glow"), e.getMessage());
  }
}
