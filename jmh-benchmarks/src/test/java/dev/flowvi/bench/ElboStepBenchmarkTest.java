package dev.flowvi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The benchmark is also a test: every workload's state is set up and one step runs; the loss and
 * every gradient entry must be finite, the gradient must not vanish, and a second state with the
 * same seeds must give the same loss (to 1e-12 relative: the vector EXP/LOG are within 1 ulp but
 * not bit-stable across JIT tiers).
 */
class ElboStepBenchmarkTest {

  private static ElboStepBenchmark state(String workload) {
    ElboStepBenchmark b = new ElboStepBenchmark();
    b.workload = workload;
    b.setUp();
    return b;
  }

  @Test
  void everyWorkloadTakesAFiniteReproducibleStep() {
    for (String w : new String[] {"m1", "maf26", "m2"}) {
      ElboStepBenchmark a = state(w);
      double loss = a.elboStep();
      assertTrue(Double.isFinite(loss), w + " loss " + loss);
      assertEquals(ElboStepBenchmark.SAMPLES, a.totals.kept() + a.totals.dropped(), w + " samples");
      double norm = 0;
      for (int k = 0; k < a.grad.length; k++) {
        assertTrue(Double.isFinite(a.grad[k]), w + " grad " + k + " = " + a.grad[k]);
        norm += a.grad[k] * a.grad[k];
      }
      assertTrue(norm > 0, w + " gradient is zero");
      double again = state(w).elboStep();
      assertEquals(loss, again, 1e-12 * Math.abs(loss), w + " same seeds, same loss");
    }
  }

  /**
   * A compiled workload takes the interpreted one's step: same seeds, so the same draws, and the
   * loss and gradient agree to round-off (codegen's 1e-12 relative bound, loosened to 1e-9 for the
   * gradient, a sum of 500 samples' terms of either sign).
   */
  @Test
  void compiledWorkloadsTakeTheInterpretedStep() {
    for (String w : new String[] {"m1", "maf26"}) {
      ElboStepBenchmark interpreted = state(w);
      ElboStepBenchmark compiled = state(w + "-compiled");
      double loss = interpreted.elboStep();
      assertEquals(loss, compiled.elboStep(), 1e-12 * Math.abs(loss), w + " loss");
      double scale = 0;
      for (double g : interpreted.grad) {
        scale = Math.max(scale, Math.abs(g));
      }
      for (int k = 0; k < interpreted.grad.length; k++) {
        assertEquals(interpreted.grad[k], compiled.grad[k], 1e-9 * scale, w + " grad " + k);
      }
    }
  }

  @Test
  void gaussianTargetHasTheAnalyticGradient() {
    GaussianTarget t = GaussianTarget.spread(3);
    double[] z = {0.5, -1.0, 2.0, 0.3, 0.1, 0.0}; // 3 coordinates x 2 points
    double[] logp = new double[2];
    double[] grad = new double[6];
    t.logDensityAndGradient(z, 2, logp, grad);
    // Point 0 is (0.5, 2.0, 0.1): loc (0, 0.1, 0.2), sd (1, 1.05, 1.1).
    double expected = -0.5 * (0.25 + 1.9 * 1.9 / (1.05 * 1.05) + 0.01 / (1.1 * 1.1));
    assertEquals(expected, logp[0], 1e-15);
    assertEquals(-1.9 / (1.05 * 1.05), grad[2], 1e-15);
    double[] only = new double[2];
    t.logDensity(z, 2, only);
    assertEquals(logp[1], only[1], 0.0);
  }

  @Test
  void unknownWorkloadIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> state("m3"));
    assertTrue(e.getMessage().contains("m3"), e.getMessage());
  }
}
