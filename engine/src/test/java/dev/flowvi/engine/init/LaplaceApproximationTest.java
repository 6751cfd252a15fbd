package dev.flowvi.engine.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.target.LogDensity;
import org.junit.jupiter.api.Test;

class LaplaceApproximationTest {

  /** log p = −½ (u − μ)ᵀ P (u − μ), batched feature-major. */
  static LogDensity quadratic(double[] mu, double[][] p) {
    int dim = mu.length;
    return new LogDensity() {
      @Override
      public int dim() {
        return dim;
      }

      @Override
      public void logDensity(double[] z, int n, double[] out) {
        logDensityAndGradient(z, n, out, new double[dim * n]);
      }

      @Override
      public void logDensityAndGradient(double[] z, int n, double[] out, double[] grad) {
        for (int i = 0; i < n; i++) {
          double q = 0;
          for (int a = 0; a < dim; a++) {
            double g = 0;
            for (int b = 0; b < dim; b++) {
              g -= p[a][b] * (z[b * n + i] - mu[b]);
            }
            grad[a * n + i] = g;
            q += 0.5 * g * (z[a * n + i] - mu[a]);
          }
          out[i] = q;
        }
      }
    };
  }

  /**
   * A correlated Gaussian (ρ = 0.9 between the first two coordinates, sds 0.01 to 3): the gradient
   * is linear, so central differences are exact up to round-off (about ε/h ≈ 1e-11 relative,
   * times the condition number of P, here below 1e6): L Lᵀ equals the covariance to 1e-6 relative.
   */
  @Test
  void recoversTheFullCovarianceOfACorrelatedGaussian() {
    double[] sd = {0.01, 0.04, 3.0};
    double[][] corr = {{1, 0.9, 0}, {0.9, 1, -0.3}, {0, -0.3, 1}};
    double[][] cov = new double[3][3];
    for (int a = 0; a < 3; a++) {
      for (int b = 0; b < 3; b++) {
        cov[a][b] = corr[a][b] * sd[a] * sd[b];
      }
    }
    double[][] precision = invert(cov);
    double[] mu = {1.5, -0.8, 12.0};
    LaplaceApproximation laplace = LaplaceApproximation.at(quadratic(mu, precision), mu);
    assertTrue(laplace.isFullCovariance());
    double[][] l = laplace.covarianceFactor();
    for (int a = 0; a < 3; a++) {
      for (int b = 0; b < 3; b++) {
        double s = 0;
        for (int k = 0; k < 3; k++) {
          s += l[a][k] * l[b][k];
        }
        assertEquals(cov[a][b], s, 1e-6 * sd[a] * sd[b], "covariance " + a + "," + b);
        if (b > a) {
          assertEquals(0.0, l[a][b], 0.0, "L is lower-triangular");
        }
      }
      assertEquals(sd[a], laplace.marginalSds()[a], 1e-6 * sd[a], "marginal sd " + a);
    }
  }

  /** At a saddle the precision is not positive definite: the diagonal fallback, flat direction at the cap. */
  @Test
  void aSaddleFallsBackToTheClampedDiagonal() {
    double[][] p = {{4.0, 0.0}, {0.0, -1.0}};
    LaplaceApproximation laplace = LaplaceApproximation.at(quadratic(new double[2], p), new double[2]);
    assertFalse(laplace.isFullCovariance());
    double[][] l = laplace.covarianceFactor();
    assertEquals(0.5, l[0][0], 1e-9);
    assertEquals(LaplaceApproximation.MAX_SCALE, l[1][1], 0.0);
    assertEquals(0.0, l[1][0], 0.0);
  }

  @Test
  void badInputNamesTheArgument() {
    LogDensity g = quadratic(new double[2], new double[][] {{1, 0}, {0, 1}});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LaplaceApproximation.at(g, new double[3]));
    assertTrue(e.getMessage().contains("mode"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LaplaceApproximation.at(g, new double[] {0, Double.NaN}));
    assertTrue(e.getMessage().contains("mode[1]"), e.getMessage());
  }

  static double[][] invert(double[][] a) {
    int n = a.length;
    double[][] m = new double[n][2 * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], 0, m[i], 0, n);
      m[i][n + i] = 1;
    }
    for (int c = 0; c < n; c++) {
      int piv = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) {
          piv = r;
        }
      }
      double[] t = m[c];
      m[c] = m[piv];
      m[piv] = t;
      double d = m[c][c];
      for (int k = 0; k < 2 * n; k++) {
        m[c][k] /= d;
      }
      for (int r = 0; r < n; r++) {
        if (r != c) {
          double f = m[r][c];
          for (int k = 0; k < 2 * n; k++) {
            m[r][k] -= f * m[c][k];
          }
        }
      }
    }
    double[][] inv = new double[n][n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(m[i], n, inv[i], 0, n);
    }
    return inv;
  }
}
