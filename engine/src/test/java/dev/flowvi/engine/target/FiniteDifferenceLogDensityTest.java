package dev.flowvi.engine.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Central differences with h = cbrt(ε)·max(1, |z|) have error ≈ h²|f'''|/6 + ε|f|/h, about 1e-10
 * for the O(1)-scaled Rosenbrock-like function below at |z| ≤ 2; the tolerance 1e-7·(1 + |g|)
 * leaves three orders of margin and still catches a wrong step or a missing factor 2.
 */
class FiniteDifferenceLogDensityTest {
  /** log p̃(a, b) = −(1 − a)² − 5(b − a²)², a smoothed Rosenbrock ridge. */
  private static double f(double a, double b) {
    return -(1 - a) * (1 - a) - 5 * (b - a * a) * (b - a * a);
  }

  private static final double[] Z = {-1.5, 0.3, 1.9, 0.0, 2.0, -0.7, 1.1, 0.2};

  @Test
  void pointwiseGradientMatchesTheAnalyticGradient() {
    FiniteDifferenceLogDensity fd = FiniteDifferenceLogDensity.ofPoint(2, z -> f(z[0], z[1]));
    int n = 4;
    double[] logp = new double[n];
    double[] grad = new double[2 * n];
    fd.logDensityAndGradient(Z, n, logp, grad);
    for (int i = 0; i < n; i++) {
      double a = Z[i];
      double b = Z[n + i];
      assertEquals(f(a, b), logp[i], 0.0);
      double ga = 2 * (1 - a) + 20 * a * (b - a * a);
      double gb = -10 * (b - a * a);
      assertEquals(ga, grad[i], 1e-7 * (1 + Math.abs(ga)), "d/da at point " + i);
      assertEquals(gb, grad[n + i], 1e-7 * (1 + Math.abs(gb)), "d/db at point " + i);
    }
  }

  @Test
  void batchedAndPointwiseFormsAgreeExactly() {
    FiniteDifferenceLogDensity point = FiniteDifferenceLogDensity.ofPoint(2, z -> f(z[0], z[1]));
    FiniteDifferenceLogDensity batch = FiniteDifferenceLogDensity.ofBatch(2, (z, n, out) -> {
      for (int i = 0; i < n; i++) {
        out[i] = f(z[i], z[n + i]);
      }
    });
    double[] g1 = new double[8];
    double[] g2 = new double[8];
    point.logDensityAndGradient(Z, 4, new double[4], g1);
    batch.logDensityAndGradient(Z, 4, new double[4], g2);
    for (int k = 0; k < 8; k++) {
      assertEquals(g1[k], g2[k], 0.0);
    }
  }

  @Test
  void nonFiniteNeighbourGivesNonFiniteGradient() {
    FiniteDifferenceLogDensity fd = FiniteDifferenceLogDensity.ofPoint(1, z -> z[0] > 1 ? Double.NEGATIVE_INFINITY : -z[0] * z[0]);
    double[] grad = new double[1];
    fd.logDensityAndGradient(new double[] {1.0}, 1, new double[1], grad);
    assertTrue(!Double.isFinite(grad[0]), "got " + grad[0]);
  }

  @Test
  void badArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> FiniteDifferenceLogDensity.ofPoint(0, z -> 0));
    assertThrows(IllegalArgumentException.class, () -> FiniteDifferenceLogDensity.ofPoint(2, null));
    FiniteDifferenceLogDensity fd = FiniteDifferenceLogDensity.ofPoint(2, z -> 0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> fd.logDensityAndGradient(new double[3], 2, new double[2], new double[4]));
    assertTrue(e.getMessage().startsWith("z has length 3"), e.getMessage());
  }
}
