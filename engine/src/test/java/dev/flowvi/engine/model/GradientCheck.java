package dev.flowvi.engine.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.target.LogDensity;

/**
 * Finite-difference gradient checks for batched log densities. Central differences with
 * Richardson extrapolation, D = (4·D(h/2) − D(h))/3, have truncation error O(h⁴); with
 * h = 1e-5·max(1, |z|) (small enough for the sharply peaked seed posteriors, whose curvature
 * reaches 1e6 in unit-cube coordinates) that is below the round-off term ε·|f|/h, which the tolerance includes.
 */
public final class GradientCheck {
  private GradientCheck() {}

  /** Asserts that the analytic gradient of {@code density} at each point of {@code z} matches. */
  public static void assertGradient(LogDensity density, double[] z, int n, double relTol) {
    int d = density.dim();
    double[] logp = new double[n];
    double[] grad = new double[d * n];
    density.logDensityAndGradient(z, n, logp, grad);
    double[] one = new double[d];
    double[] v = new double[1];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        for (int k = 0; k < d; k++) {
          one[k] = z[k * n + i];
        }
        double h = 1e-5 * Math.max(1, Math.abs(one[j]));
        double d1 = central(density, one, j, h, v);
        double d2 = central(density, one, j, h / 2, v);
        double fd = (4 * d2 - d1) / 3;
        double g = grad[j * n + i];
        double roundOff = 100 * Math.ulp(1.0) * Math.abs(logp[i]) / h;
        double tol = relTol * Math.max(1, Math.abs(g)) + roundOff;
        assertTrue(Math.abs(fd - g) <= tol, "point " + i + ", coordinate " + density.coordinateNames()[j]
            + ": analytic " + g + ", finite difference " + fd + " (tolerance " + tol + ")");
      }
    }
  }

  private static double central(LogDensity density, double[] point, int j, double h, double[] v) {
    double[] p = point.clone();
    p[j] = point[j] + h;
    density.logDensity(p, 1, v);
    double up = v[0];
    p[j] = point[j] - h;
    density.logDensity(p, 1, v);
    return (up - v[0]) / (2 * h);
  }
}
