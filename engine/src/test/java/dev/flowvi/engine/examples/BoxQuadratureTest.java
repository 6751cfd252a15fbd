package dev.flowvi.engine.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.target.LogDensity;
import org.junit.jupiter.api.Test;

/** The reference quadrature reproduces known Gaussian moments, so it can stand as ground truth. */
class BoxQuadratureTest {
  @Test
  void nodesAndWeightsIntegratePolynomialsExactly() {
    double[][] r = BoxQuadrature.gaussLegendre(10);
    double s0 = 0;
    double s18 = 0;
    for (int i = 0; i < 10; i++) {
      s0 += r[1][i];
      s18 += r[1][i] * Math.pow(r[0][i], 18);
    }
    assertEquals(2.0, s0, 1e-14);
    assertEquals(2.0 / 19, s18, 1e-14, "degree 18 ≤ 2n − 1 is exact");
  }

  /** 3×3 inverse by the adjugate. */
  static double[][] inverse3(double[][] a) {
    double[][] inv = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        int r0 = (j + 1) % 3;
        int r1 = (j + 2) % 3;
        int c0 = (i + 1) % 3;
        int c1 = (i + 2) % 3;
        inv[i][j] = a[r0][c0] * a[r1][c1] - a[r0][c1] * a[r1][c0];
      }
    }
    double det = a[0][0] * inv[0][0] + a[0][1] * inv[1][0] + a[0][2] * inv[2][0];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        inv[i][j] /= det;
      }
    }
    return inv;
  }

  /**
   * A correlated 3-D Gaussian on the whitened ±8 box with 32 nodes per axis: mean and covariance to 1e-9
   * (Gauss–Legendre converges geometrically for this entire integrand; the truncated mass beyond
   * 8 sd is about 1e-15).
   */
  @Test
  void correlatedGaussianMomentsAreRecovered() {
    double[] m = {0.3, -1.0, 2.0};
    double[][] c = {{0.04, 0.01, 0.0}, {0.01, 0.09, -0.02}, {0.0, -0.02, 0.25}};
    double[][] p = inverse3(c);
    LogDensity g = new LogDensity() {
      @Override
      public int dim() {
        return 3;
      }

      @Override
      public void logDensity(double[] z, int n, double[] logp) {
        for (int i = 0; i < n; i++) {
          double q = 0;
          for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
              q += (z[a * n + i] - m[a]) * p[a][b] * (z[b * n + i] - m[b]);
            }
          }
          logp[i] = -0.5 * q + 7.0;
        }
      }

      @Override
      public void logDensityAndGradient(double[] z, int n, double[] logp, double[] grad) {
        logDensity(z, n, logp);
        for (int i = 0; i < n; i++) {
          for (int a = 0; a < 3; a++) {
            double s = 0;
            for (int b = 0; b < 3; b++) {
              s -= p[a][b] * (z[b * n + i] - m[b]);
            }
            grad[a * n + i] = s;
          }
        }
      }
    };
    // The Laplace approximation of a Gaussian is exact (Newton converges in one step).
    BoxQuadrature.Laplace laplace = BoxQuadrature.laplace(g, new double[] {0, 0, 0});
    for (int a = 0; a < 3; a++) {
      assertEquals(m[a], laplace.mode[a], 1e-9);
      for (int b = 0; b < 3; b++) {
        assertEquals(c[a][b], laplace.covariance[a][b], 1e-6 * c[a][a]);
      }
    }
    BoxQuadrature q = BoxQuadrature.moments(g, laplace.mode, laplace.cholesky(), 8, 32);
    for (int a = 0; a < 3; a++) {
      assertEquals(m[a], q.mean[a], 1e-9);
      for (int b = 0; b < 3; b++) {
        assertEquals(c[a][b], q.covariance[a][b], 1e-9, "cov " + a + "," + b);
      }
    }
    assertTrue(q.edgeMass < 1e-12, "edge " + q.edgeMass);
  }
}
