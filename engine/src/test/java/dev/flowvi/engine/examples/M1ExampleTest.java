package dev.flowvi.engine.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.diagnostics.ParetoSmoothedImportanceSampling;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.train.TrainingListener;
import dev.flowvi.engine.train.TrainingResult;
import org.junit.jupiter.api.Test;

/**
 * The seed's M1 recipe end to end, against reference posterior moments computed by deterministic
 * quadrature: Gauss–Legendre, 18 nodes per axis, over the ±6 box of whitened Laplace coordinates
 * around the mode (found by Newton from the generating values). The box holds all but ~1e-9 of a
 * Gaussian's mass, and its face densities are checked below 1e-6 of the centre's; 14 → 18 nodes
 * changed the standard deviations by under 0.5%, so the reference is good to far better than the
 * tolerances below.
 *
 * <p>What the recipe achieves (training seed 1, 100 + 200 steps, about 30 s on one core): the
 * global mode with means within 0.15 posterior sd (required: 0.35) and sds at 0.90, 0.93, 1.08 and
 * 0.52 of the reference for m1, m2, c2, w1. The seed's two {@code fit_to_key_based_loss} calls each
 * start a fresh Adam; continuing one Adam state across both stages instead (an earlier port) left the
 * ELBO 19 nats lower and w1's sd at 0.03 of the reference, which the lower sd bound rejects. FlowJAX
 * 19.1.2 on the same data (seed 0 of six reaches the global mode) gives sds at 0.75, 0.18, 0.27 and
 * 0.81 with final loss 883.2 against FlowVI's 870.7, so the lower bound (0.4) is set by what
 * reverse-KL VI with this recipe can be held to, not by FlowJAX. Training seeds 0 and 3 end in
 * local modes, as a single-start fit of a mixture can (FlowJAX: five of its six seeds did).
 */
class M1ExampleTest {
  private static final double[] TRUTH_IN_CUBE = {
    (M1Data.M1 + 10) / 20, (M1Data.M2 + 10) / 20, (M1Data.C2 + 50) / 100, M1Data.W1
  };

  private static final long SEED = 1;
  private static final double MEAN_TOL = 0.35;
  private static final double SD_HIGH = 1.2;
  private static final double SD_LOW = 0.4;

  @Test
  void seedRecipeRecoversThePosteriorMeans() {
    M1LogPosterior posterior = M1Example.target(M1Data.generate(M1Example.DATA_SEED));
    BoxQuadrature.Laplace laplace = BoxQuadrature.laplace(posterior, TRUTH_IN_CUBE);
    BoxQuadrature reference = BoxQuadrature.moments(posterior, laplace.mode, laplace.cholesky(), 6, 18);
    assertTrue(reference.edgeMass < 1e-6, "the box must hold the posterior: face density " + reference.edgeMass);

    TrainingResult result = M1Example.run(SEED, 1, TrainingListener.none());
    assertEquals(200, result.steps());
    assertEquals(0, result.skippedSteps());
    TransformedDistribution flow = M1Example.flow();
    int n = 20_000;
    double[] z = new double[M1Example.DIM * n];
    double[] logq = new double[n];
    flow.sampleAndLogProb(result.params(), 0, RandomStream.of(11), null, z, logq, n, flow.newWorkspace(n));
    double[] logp = new double[n];
    posterior.logDensity(z, n, logp);
    ParetoSmoothedImportanceSampling psis = ParetoSmoothedImportanceSampling.of(logp, logq, n);
    StringBuilder seen = new StringBuilder();
    for (int j = 0; j < M1Example.DIM; j++) {
      double mean = 0;
      for (int i = 0; i < n; i++) {
        mean += z[j * n + i];
      }
      mean /= n;
      double var = 0;
      for (int i = 0; i < n; i++) {
        var += (z[j * n + i] - mean) * (z[j * n + i] - mean);
      }
      double sd = Math.sqrt(var / (n - 1));
      double sdRef = Math.sqrt(reference.covariance[j][j]);
      seen.append(String.format(java.util.Locale.ROOT, " %s: mean %.6f (ref %.6f, %.2f sd), sd %.3g (ref %.3g)",
          posterior.coordinateNames()[j], mean, reference.mean[j], (mean - reference.mean[j]) / sdRef, sd, sdRef));
      assertEquals(reference.mean[j], mean, MEAN_TOL * sdRef, "posterior mean of " + posterior.coordinateNames()[j] + ";" + seen);
      assertTrue(sd < SD_HIGH * sdRef, "posterior sd of " + posterior.coordinateNames()[j] + ";" + seen);
      assertTrue(sd > SD_LOW * sdRef, "posterior sd of " + posterior.coordinateNames()[j] + " collapsed;" + seen);
    }
    // w1's sd is still half the reference, so the importance weights stay heavy-tailed (k-hat about
    // 0.82 for this seed): PSIS must say the fit cannot be trusted as is.
    assertFalse(psis.reliable(), "k-hat " + psis.khat() + " should flag the under-dispersed fit;" + seen);
  }
}
