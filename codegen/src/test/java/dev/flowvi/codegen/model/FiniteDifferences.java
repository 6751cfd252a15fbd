package dev.flowvi.codegen.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.target.LogDensity;

/**
 * Gradient check by the five-point central stencil f'(x) ≈ [8(f(x+h) − f(x−h)) − (f(x+2h) − f(x−2h))]/(12h),
 * whose truncation error is O(h⁴ f⁽⁵⁾). With h = 1e-4·max(1, |x|) that is far below the round-off
 * term, about ε·|f|/h, which the tolerance adds to the relative bound on the analytic value.
 */
final class FiniteDifferences {
  private FiniteDifferences() {}

  static void assertGradient(LogDensity density, double[] z, int n, double relTol) {
    int d = density.dim();
    double[] logp = new double[n];
    double[] grad = new double[d * n];
    density.logDensityAndGradient(z, n, logp, grad);
    double[] point = new double[d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        for (int k = 0; k < d; k++) {
          point[k] = z[k * n + i];
        }
        double h = 1e-4 * Math.max(1, Math.abs(point[j]));
        double fd = (8 * (at(density, point, j, h) - at(density, point, j, -h))
            - (at(density, point, j, 2 * h) - at(density, point, j, -2 * h))) / (12 * h);
        double g = grad[j * n + i];
        double tol = relTol * Math.max(1, Math.abs(g)) + 50 * Math.ulp(Math.abs(logp[i])) / h;
        assertTrue(Math.abs(fd - g) <= tol, "point " + i + ", " + density.coordinateNames()[j] + ": analytic " + g
            + ", finite difference " + fd + ", tolerance " + tol);
      }
    }
  }

  private static double at(LogDensity density, double[] point, int j, double step) {
    double[] p = point.clone();
    p[j] += step;
    double[] v = new double[1];
    density.logDensity(p, 1, v);
    return v[0];
  }
}
