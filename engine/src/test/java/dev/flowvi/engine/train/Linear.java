package dev.flowvi.engine.train;

/** Small dense linear algebra for test reference values (Cholesky based). */
final class Linear {
  private Linear() {}

  static double[][] cholesky(double[][] a) {
    int n = a.length;
    double[][] l = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i][j];
        for (int k = 0; k < j; k++) {
          s -= l[i][k] * l[j][k];
        }
        if (i == j) {
          if (!(s > 0)) {
            throw new IllegalArgumentException("matrix is not positive definite");
          }
          l[i][i] = Math.sqrt(s);
        } else {
          l[i][j] = s / l[j][j];
        }
      }
    }
    return l;
  }

  static double logDet(double[][] a) {
    double[][] l = cholesky(a);
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += 2 * Math.log(l[i][i]);
    }
    return s;
  }

  static double[][] inverse(double[][] a) {
    int n = a.length;
    double[][] l = cholesky(a);
    double[][] inv = new double[n][n];
    for (int c = 0; c < n; c++) {
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        double s = i == c ? 1 : 0;
        for (int k = 0; k < i; k++) {
          s -= l[i][k] * y[k];
        }
        y[i] = s / l[i][i];
      }
      for (int i = n - 1; i >= 0; i--) {
        double s = y[i];
        for (int k = i + 1; k < n; k++) {
          s -= l[k][i] * inv[k][c];
        }
        inv[i][c] = s / l[i][i];
      }
    }
    return inv;
  }

  static double[][] multiply(double[][] a, double[][] b) {
    int n = a.length;
    int m = b[0].length;
    double[][] c = new double[n][m];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        double s = 0;
        for (int k = 0; k < b.length; k++) {
          s += a[i][k] * b[k][j];
        }
        c[i][j] = s;
      }
    }
    return c;
  }

  /**
   * KL(N(m1, S1) ‖ N(m2, S2)) = ½[tr(S2⁻¹S1) + (m2−m1)ᵀS2⁻¹(m2−m1) − d + log det S2 − log det S1].
   */
  static double gaussianKl(double[] m1, double[][] s1, double[] m2, double[][] s2) {
    int d = m1.length;
    double[][] p2 = inverse(s2);
    double tr = 0;
    double[][] ps = multiply(p2, s1);
    for (int i = 0; i < d; i++) {
      tr += ps[i][i];
    }
    double quad = 0;
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        quad += (m2[i] - m1[i]) * p2[i][j] * (m2[j] - m1[j]);
      }
    }
    return 0.5 * (tr + quad - d + logDet(s2) - logDet(s1));
  }
}
