package dev.flowvi.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flowvi.engine.examples.M2Data;
import dev.flowvi.engine.examples.SeedModels;
import dev.flowvi.engine.kernel.VectorSupport;
import dev.flowvi.engine.random.RandomStream;
import org.junit.jupiter.api.Test;

/**
 * The vector kernels against the scalar reference, and results independent of the thread count.
 *
 * <p>Vector EXP/LOG are within 1 ulp of StrictMath, so each row term differs by a few ulp; summed
 * over 10^4 rows of same-signed log densities the total differs by ~1e-15 relative, and 1e-12 is a
 * safe bound. Gradient components are compared relative to the largest component of the point.
 */
class KernelAgreementTest {

  @Test
  void vectorKernelsMatchScalarReference() {
    assumeTrue(VectorSupport.enabled(), "vector kernels are not in use in this JVM: " + VectorSupport.describe());
    ModelLogDensity vector = SeedModels.m2().bind(M2Data.generate(61, 4000));
    assertEquals("VectorRowKernels", ModelLogDensity.defaultKernels().getClass().getSimpleName());
    ModelLogDensity scalar = vector.withScalarKernels();
    compare(vector, scalar, points(26, 6, 62), 1e-12);
    RandomStream rng = RandomStream.of(63);
    for (int g = 0; g < 10; g++) {
      ModelLogDensity random = RandomGraphTest.randomModel(rng).bind(RandomGraphTest.data(rng));
      double[] z = points(random.dim(), 3, 64 + g);
      double[] lp = new double[3];
      random.logDensity(z, 3, lp);
      if (Double.isFinite(lp[0] + lp[1] + lp[2])) {
        compare(random, random.withScalarKernels(), z, 1e-12);
      }
    }
  }

  @Test
  void resultsDoNotDependOnTheThreadCount() {
    // Each sample is evaluated independently, so on the scalar path the parallel batch is bit-identical.
    ModelLogDensity scalar = SeedModels.m2().bind(M2Data.generate(65, 2000)).withScalarKernels();
    int n = 40;
    double[] z = points(26, n, 66);
    double[] lp1 = new double[n];
    double[] g1 = new double[26 * n];
    double[] lp2 = new double[n];
    double[] g2 = new double[26 * n];
    scalar.sequential().logDensityAndGradient(z, n, lp1, g1);
    scalar.logDensityAndGradient(z, n, lp2, g2);
    assertArrayEquals(lp1, lp2);
    assertArrayEquals(g1, g2);
  }

  private static void compare(ModelLogDensity a, ModelLogDensity b, double[] z, double tol) {
    int d = a.dim();
    int n = z.length / d;
    double[] la = new double[n];
    double[] lb = new double[n];
    double[] ga = new double[d * n];
    double[] gb = new double[d * n];
    a.logDensityAndGradient(z, n, la, ga);
    b.logDensityAndGradient(z, n, lb, gb);
    for (int i = 0; i < n; i++) {
      assertEquals(lb[i], la[i], tol * Math.abs(lb[i]), "log density at point " + i);
      double scale = 1;
      for (int j = 0; j < d; j++) {
        scale = Math.max(scale, Math.abs(gb[j * n + i]));
      }
      for (int j = 0; j < d; j++) {
        assertEquals(gb[j * n + i], ga[j * n + i], tol * scale, "gradient " + j + " at point " + i);
      }
    }
  }

  private static double[] points(int d, int n, long seed) {
    RandomStream rng = RandomStream.of(seed);
    double[] z = new double[d * n];
    for (int k = 0; k < z.length; k++) {
      z[k] = 0.3 * rng.nextGaussian();
    }
    return z;
  }
}
