package dev.flowvi.validation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.examples.M1Data;
import dev.flowvi.engine.examples.M1LogPosterior;
import dev.flowvi.engine.examples.M2Data;
import dev.flowvi.engine.examples.M2LogPosterior;
import dev.flowvi.engine.random.RandomStream;
import org.junit.jupiter.api.Test;

/**
 * The user-facing GradientCheck on the seed's two hand-written log posteriors, as a user would run
 * it on their own model. Log densities here are of order 10³, so the finite-difference round-off
 * is about ε·10³/h ≈ 4e-8 absolute; with the floor of 1 that bounds the error well below 1e-6.
 */
class SeedModelGradientTest {
  @Test
  void m1InBothParameterisations() {
    for (M1LogPosterior.Parameterisation param : M1LogPosterior.Parameterisation.values()) {
      M1LogPosterior m1 = M1LogPosterior.of(M1Data.generate(1), param);
      int n = 4;
      double[] z = new double[m1.dim() * n];
      RandomStream rng = RandomStream.of(2);
      for (int k = 0; k < z.length; k++) {
        // Inside the unit cube for UNIT_CUBE, near the origin for UNCONSTRAINED.
        z[k] = param == M1LogPosterior.Parameterisation.UNIT_CUBE ? 0.2 + 0.6 * rng.nextDouble() : 0.5 * rng.nextGaussian();
      }
      GradientCheck.Result r = GradientCheck.logDensity(m1, z, n);
      assertTrue(r.passed(1e-6), r.toString());
    }
  }

  @Test
  void m2NearItsTrueValues() {
    M2LogPosterior m2 = M2LogPosterior.of(M2Data.generate(3, 300));
    double[] truth = new double[M2LogPosterior.DIM];
    int k = 0;
    for (int c = 0; c < 3; c++) {
      truth[k++] = M2Data.A[c][0];
      truth[k++] = M2Data.A[c][1];
      truth[k++] = M2Data.A[c][2];
      truth[k++] = M2Data.B[c][0];
      truth[k++] = M2Data.B[c][1];
      truth[k++] = M2Data.LOG_E[c];
      truth[k++] = M2Data.PHI[c];
    }
    truth[k++] = Math.log(M2Data.SIGMA);
    truth[k] = Math.log(M2Data.SIGMA_E);
    int n = 2;
    double[] z = new double[M2LogPosterior.DIM * n];
    RandomStream rng = RandomStream.of(4);
    for (int j = 0; j < M2LogPosterior.DIM; j++) {
      for (int i = 0; i < n; i++) {
        z[j * n + i] = truth[j] + 0.05 * rng.nextGaussian();
      }
    }
    GradientCheck.Result r = GradientCheck.logDensity(m2, z, n);
    assertTrue(r.passed(1e-6), r.toString());
  }
}
