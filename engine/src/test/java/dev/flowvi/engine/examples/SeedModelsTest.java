package dev.flowvi.engine.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.model.GradientCheck;
import dev.flowvi.engine.model.ModelLogDensity;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.target.LogDensity;
import org.junit.jupiter.api.Test;
import dev.flowvi.engine.kernel.VectorSupport;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The builder's M1 and M2 against the independent hand-written posteriors: values and gradients to
 * 1e-10 relative at random points (both sum the same terms over rows in a different order, so they
 * differ only by round-off, ~1e-13 relative for 10^4 rows), and finite-difference gradient checks.
 */
class SeedModelsTest {
  private static final double AGREEMENT = 1e-10;

  @Test
  void m1BuilderMatchesHandWrittenUnconstrained() {
    DataTable data = M1Data.generate(11);
    ModelLogDensity built = SeedModels.m1().bind(data);
    M1LogPosterior hand = M1LogPosterior.of(data, M1LogPosterior.Parameterisation.UNCONSTRAINED);
    assertArrayEquals(new String[] {"m1", "m2", "c2", "w1"}, built.coordinateNames());
    assertArrayEquals(hand.coordinateNames(), built.coordinateNames());
    assertAgree(hand, built, randomPoints(4, 16, 1.5, 5));
  }

  @Test
  void m2BuilderMatchesHandWritten() {
    DataTable data = M2Data.generate(12);
    ModelLogDensity built = SeedModels.m2().bind(data);
    M2LogPosterior hand = M2LogPosterior.of(data);
    assertEquals(26, built.dim());
    assertArrayEquals(hand.coordinateNames(), built.coordinateNames());
    assertArrayEquals(M2LogPosterior.parameterNames(), built.parameterNames());
    assertAgree(hand, built, m2Points(8, 6));
  }

  @Test
  void handWrittenVectorSweepMatchesScalar() {
    assumeTrue(VectorSupport.enabled(), "vector kernels are not in use: " + VectorSupport.describe());
    // 10^4 + 3 rows: full tiles, a partial tile and rows that do not fill a vector.
    M2LogPosterior vector = M2LogPosterior.of(M2Data.generate(18, 10_003));
    assertAgree(vector.withScalarRows(), vector, m2Points(6, 19));
  }

  /**
   * M1's vector row sweep against its scalar reference, on 403 rows (full vectors and a scalar tail),
   * in both parameterisations, to 1e-12 relative: lanewise EXP/LOG are within 1 ulp per row and the
   * lanes sum in another order, a few ulp on 400 same-signed terms (≈ 1e-15 relative).
   */
  @Test
  void m1VectorSweepMatchesScalar() {
    assumeTrue(VectorSupport.enabled(), "vector kernels are not in use: " + VectorSupport.describe());
    DataTable data = M1Data.generate(17, 403);
    M1LogPosterior unconstrained = M1LogPosterior.of(data, M1LogPosterior.Parameterisation.UNCONSTRAINED);
    assertAgree(unconstrained.withScalarRows(), unconstrained, randomPoints(4, 12, 1.5, 21), 1e-12);
    M1LogPosterior cube = M1LogPosterior.of(data, M1LogPosterior.Parameterisation.UNIT_CUBE);
    assertAgree(cube.withScalarRows(), cube, unitCubePoints(12, 22), 1e-12);
  }

  @Test
  void m1ScalarSweepGradientMatchesFiniteDifferences() {
    M1LogPosterior scalar = M1LogPosterior.of(M1Data.generate(19, 403), M1LogPosterior.Parameterisation.UNCONSTRAINED).withScalarRows();
    GradientCheck.assertGradient(scalar, randomPoints(4, 4, 1.5, 23), 4, 1e-6);
  }

  /** Points inside the unit cube, away from its faces. */
  static double[] unitCubePoints(int n, long seed) {
    RandomStream rng = RandomStream.of(seed);
    double[] z = new double[4 * n];
    for (int k = 0; k < z.length; k++) {
      z[k] = 0.1 + 0.8 * rng.nextDouble();
    }
    return z;
  }

  @Test
  void handWrittenGradientsMatchFiniteDifferences() {
    DataTable m1 = M1Data.generate(13);
    GradientCheck.assertGradient(M1LogPosterior.of(m1, M1LogPosterior.Parameterisation.UNCONSTRAINED), randomPoints(4, 4, 1.5, 7), 4, 1e-6);
    double[] cube = randomPoints(4, 4, 0, 8);
    RandomStream rng = RandomStream.of(9);
    for (int k = 0; k < cube.length; k++) {
      cube[k] = 0.1 + 0.8 * rng.nextDouble();
    }
    GradientCheck.assertGradient(M1LogPosterior.of(m1, M1LogPosterior.Parameterisation.UNIT_CUBE), cube, 4, 1e-6);
    GradientCheck.assertGradient(M2LogPosterior.of(M2Data.generate(14, 2000)), m2Points(2, 10), 2, 1e-6);
  }

  @Test
  void builderGradientsMatchFiniteDifferences() {
    GradientCheck.assertGradient(SeedModels.m1().bind(M1Data.generate(15)), randomPoints(4, 3, 1.5, 11), 3, 1e-6);
    GradientCheck.assertGradient(SeedModels.m2().bind(M2Data.generate(16, 2000)), m2Points(2, 12), 2, 1e-6);
  }

  @Test
  void drawsComeBackConstrainedWithNames() {
    ModelLogDensity m2 = SeedModels.m2().bind(M2Data.generate(20, 500));
    String[] names = m2.parameterNames();
    assertEquals(27, names.length);
    assertEquals("w_b", names[26]);
    double[] truth = new double[27];
    double[] means = M2LogPosterior.priorMeans();
    System.arraycopy(means, 0, truth, 0, 23);
    System.arraycopy(M2Data.WEIGHTS, 0, truth, 23, 4);
    double[] u = m2.model().unconstrain(truth);
    int n = 2;
    double[] z = new double[26 * n];
    for (int j = 0; j < 26; j++) {
      z[j * n] = u[j];
      z[j * n + 1] = 0;
    }
    double[] x = new double[27 * n];
    m2.constrain(z, n, x);
    for (int j = 0; j < 27; j++) {
      assertEquals(truth[j], x[j * n], 1e-12, names[j]);
    }
    // At u = 0 the stick-breaking puts the weights at the simplex centre.
    for (int j = 23; j < 27; j++) {
      assertEquals(0.25, x[j * n + 1], 1e-15, names[j]);
    }
  }

  @Test
  void unitCubeAndUnconstrainedDescribeTheSamePosterior() {
    // At u and z = logistic(u), log p_cube(z) + log|dz/du| = log p_free(u).
    DataTable data = M1Data.generate(17);
    LogDensity cube = M1LogPosterior.of(data, M1LogPosterior.Parameterisation.UNIT_CUBE);
    LogDensity free = M1LogPosterior.of(data, M1LogPosterior.Parameterisation.UNCONSTRAINED);
    double[] u = {0.3, -0.4, 0.2, 0.5};
    double[] z = new double[4];
    double logJ = 0;
    for (int j = 0; j < 4; j++) {
      double s = 1 / (1 + Math.exp(-u[j]));
      z[j] = s;
      logJ += Math.log(s * (1 - s));
    }
    double[] a = new double[1];
    double[] b = new double[1];
    cube.logDensity(z, 1, a);
    free.logDensity(u, 1, b);
    assertEquals(b[0], a[0] + logJ, 1e-10 * Math.abs(b[0]));
    cube.logDensity(new double[] {0.5, 0.5, 1.2, 0.5}, 1, a);
    assertEquals(Double.NEGATIVE_INFINITY, a[0], "outside the unit cube");
  }

  static void assertAgree(LogDensity reference, LogDensity candidate, double[] z) {
    assertAgree(reference, candidate, z, AGREEMENT);
  }

  static void assertAgree(LogDensity reference, LogDensity candidate, double[] z, double tolerance) {
    int d = reference.dim();
    int n = z.length / d;
    double[] lpRef = new double[n];
    double[] gRef = new double[d * n];
    double[] lp = new double[n];
    double[] g = new double[d * n];
    reference.logDensityAndGradient(z, n, lpRef, gRef);
    candidate.logDensityAndGradient(z, n, lp, g);
    double[] lpOnly = new double[n];
    candidate.logDensity(z, n, lpOnly);
    for (int i = 0; i < n; i++) {
      assertTrue(Double.isFinite(lpRef[i]), "reference log density at point " + i + " is " + lpRef[i]);
      assertEquals(lpRef[i], lp[i], tolerance * Math.abs(lpRef[i]), "log density at point " + i);
      assertEquals(lp[i], lpOnly[i], 1e-12 * Math.abs(lp[i]), "value without gradient at point " + i);
      double scale = 0;
      for (int j = 0; j < d; j++) {
        scale = Math.max(scale, Math.abs(gRef[j * n + i]));
      }
      for (int j = 0; j < d; j++) {
        assertEquals(gRef[j * n + i], g[j * n + i], tolerance * Math.max(1, scale),
            "gradient coordinate " + reference.coordinateNames()[j] + " at point " + i);
      }
    }
  }

  static double[] randomPoints(int d, int n, double sd, long seed) {
    RandomStream rng = RandomStream.of(seed);
    double[] z = new double[d * n];
    for (int k = 0; k < z.length; k++) {
      z[k] = sd * rng.nextGaussian();
    }
    return z;
  }

  /** Points near the prior means (where the likelihood is not negligible), free simplex coordinates N(0, 1). */
  static double[] m2Points(int n, long seed) {
    RandomStream rng = RandomStream.of(seed);
    double[] means = M2LogPosterior.priorMeans();
    double[] z = new double[26 * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 26; j++) {
        z[j * n + i] = j < 23 ? means[j] + 0.05 * rng.nextGaussian() : rng.nextGaussian();
      }
    }
    return z;
  }
}
