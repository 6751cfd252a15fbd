package dev.flowvi.engine.examples;

import dev.flowvi.engine.target.LogDensity;

/**
 * Reference posterior moments by deterministic quadrature: a tensor-product Gauss–Legendre rule
 * over the box u ∈ [−w, w]^d of whitened coordinates z = centre + L u, where L is the Cholesky
 * factor of the Laplace covariance at the mode. Whitening aligns the box with the posterior's
 * correlations, so a modest number of nodes per axis suffices. Logs are shifted by their maximum
 * before exponentiating. Exponentially convergent for smooth integrands whose mass lies well
 * inside the box; {@link #edgeMass} reports the density on the box's faces so a caller can check.
 */
final class BoxQuadrature {
  final double[] mean;
  final double[][] covariance;
  /** Largest density at the centre of a face of the box, relative to the density at the centre. */
  final double edgeMass;

  private BoxQuadrature(double[] mean, double[][] covariance, double edgeMass) {
    this.mean = mean;
    this.covariance = covariance;
    this.edgeMass = edgeMass;
  }

  /** The mode and the Laplace covariance (−Hessian⁻¹) there. */
  static final class Laplace {
    final double[] mode;
    final double[][] covariance;

    Laplace(double[] mode, double[][] covariance) {
      this.mode = mode;
      this.covariance = covariance;
    }

    /** Lower Cholesky factor of the covariance. */
    double[][] cholesky() {
      int n = mode.length;
      double[][] l = new double[n][n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j <= i; j++) {
          double s = covariance[i][j];
          for (int k = 0; k < j; k++) {
            s -= l[i][k] * l[j][k];
          }
          l[i][j] = i == j ? Math.sqrt(s) : s / l[j][j];
        }
      }
      return l;
    }
  }

  /** Gauss–Legendre nodes and weights on [−1, 1] by Newton's method on P_n. */
  static double[][] gaussLegendre(int n) {
    double[] x = new double[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      double z = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
      double dp = 0;
      for (int iter = 0; iter < 100; iter++) {
        double p0 = 1;
        double p1 = z;
        for (int k = 2; k <= n; k++) {
          double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
          p0 = p1;
          p1 = p2;
        }
        dp = n * (z * p1 - p0) / (z * z - 1);
        double dz = p1 / dp;
        z -= dz;
        if (Math.abs(dz) < 1e-16) {
          break;
        }
      }
      x[i] = z;
      w[i] = 2 / ((1 - z * z) * dp * dp);
    }
    return new double[][] {x, w};
  }

  /** Moments over z = centre + L u, u ∈ [−halfWidth, halfWidth]^d, with {@code points} nodes per axis. */
  static BoxQuadrature moments(LogDensity density, double[] centre, double[][] l, double halfWidth, int points) {
    int d = centre.length;
    double[][] rule = gaussLegendre(points);
    int total = 1;
    for (int j = 0; j < d; j++) {
      total = Math.multiplyExact(total, points);
    }
    int batch = Math.min(total, 4096);
    double[] z = new double[d * batch];
    double[] logp = new double[batch];
    double[] logw = new double[total];
    double[][] coords = new double[d][total];
    double[] u = new double[d];
    for (int start = 0; start < total; start += batch) {
      int m = Math.min(batch, total - start);
      for (int s = 0; s < m; s++) {
        int code = start + s;
        double lw = 0;
        for (int j = 0; j < d; j++) {
          int idx = code % points;
          code /= points;
          u[j] = halfWidth * rule[0][idx];
          lw += Math.log(rule[1][idx]);
        }
        for (int j = 0; j < d; j++) {
          double v = centre[j];
          for (int k = 0; k <= j; k++) {
            v += l[j][k] * u[k];
          }
          coords[j][start + s] = v;
          z[j * m + s] = v;
        }
        logw[start + s] = lw;
      }
      density.logDensity(z, m, logp);
      for (int s = 0; s < m; s++) {
        logw[start + s] += logp[s];
      }
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double v : logw) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double[] mean = new double[d];
    for (int k = 0; k < total; k++) {
      double w = Math.exp(logw[k] - max);
      sum += w;
      for (int j = 0; j < d; j++) {
        mean[j] += w * coords[j][k];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= sum;
    }
    double[][] cov = new double[d][d];
    for (int k = 0; k < total; k++) {
      double w = Math.exp(logw[k] - max) / sum;
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) {
          cov[a][b] += w * (coords[a][k] - mean[a]) * (coords[b][k] - mean[b]);
        }
      }
    }
    return new BoxQuadrature(mean, cov, edgeDensity(density, centre, l, halfWidth));
  }

  /** Density at the centre of each face of the whitened box, relative to the density at its centre. */
  private static double edgeDensity(LogDensity density, double[] centre, double[][] l, double halfWidth) {
    int d = centre.length;
    double[] lp = new double[1];
    density.logDensity(centre.clone(), 1, lp);
    double middle = lp[0];
    double worst = 0;
    for (int j = 0; j < d; j++) {
      for (double sign : new double[] {-1, 1}) {
        double[] z = new double[d];
        for (int i = 0; i < d; i++) {
          z[i] = centre[i] + l[i][j] * sign * halfWidth;
        }
        density.logDensity(z, 1, lp);
        worst = Math.max(worst, Math.exp(lp[0] - middle));
      }
    }
    return worst;
  }

  /**
   * Newton's method on the analytic gradient from {@code start}, with the Hessian from central
   * differences of that gradient (step 1e-5 of the coordinate's scale); returns the mode and the
   * Laplace covariance.
   */
  static Laplace laplace(LogDensity density, double[] start) {
    int d = start.length;
    double[] x = start.clone();
    for (int iter = 0; iter < 100; iter++) {
      double[] g = gradient(density, x);
      double[][] h = hessian(density, x);
      double[] step = solve(h, g);
      double size = 0;
      for (int j = 0; j < d; j++) {
        x[j] -= step[j];
        size = Math.max(size, Math.abs(step[j]) * Math.sqrt(Math.abs(h[j][j])));
      }
      if (size < 1e-10) {
        break;
      }
    }
    double[][] h = hessian(density, x);
    double[][] cov = new double[d][d];
    for (int j = 0; j < d; j++) {
      double[] e = new double[d];
      e[j] = -1;
      double[] col = solve(h, e);
      for (int i = 0; i < d; i++) {
        cov[i][j] = col[i];
      }
    }
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < i; j++) {
        double m = 0.5 * (cov[i][j] + cov[j][i]);
        cov[i][j] = m;
        cov[j][i] = m;
      }
    }
    return new Laplace(x, cov);
  }

  private static double[] gradient(LogDensity density, double[] x) {
    double[] g = new double[x.length];
    density.logDensityAndGradient(x.clone(), 1, new double[1], g);
    return g;
  }

  private static double[][] hessian(LogDensity density, double[] x) {
    int d = x.length;
    double[][] h = new double[d][d];
    for (int j = 0; j < d; j++) {
      double step = 1e-5 * Math.max(1e-3, Math.abs(x[j]));
      double[] up = x.clone();
      double[] down = x.clone();
      up[j] += step;
      down[j] -= step;
      double[] gu = gradient(density, up);
      double[] gd = gradient(density, down);
      for (int k = 0; k < d; k++) {
        h[k][j] = (gu[k] - gd[k]) / (2 * step);
      }
    }
    for (int j = 0; j < d; j++) {
      for (int k = 0; k < j; k++) {
        double m = 0.5 * (h[j][k] + h[k][j]);
        h[j][k] = m;
        h[k][j] = m;
      }
    }
    return h;
  }

  /** Gaussian elimination with partial pivoting. */
  private static double[] solve(double[][] a0, double[] b0) {
    int n = b0.length;
    double[][] a = new double[n][];
    for (int i = 0; i < n; i++) {
      a[i] = a0[i].clone();
    }
    double[] b = b0.clone();
    for (int c = 0; c < n; c++) {
      int p = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(a[r][c]) > Math.abs(a[p][c])) {
          p = r;
        }
      }
      double[] t = a[c];
      a[c] = a[p];
      a[p] = t;
      double tb = b[c];
      b[c] = b[p];
      b[p] = tb;
      for (int r = c + 1; r < n; r++) {
        double f = a[r][c] / a[c][c];
        for (int k = c; k < n; k++) {
          a[r][k] -= f * a[c][k];
        }
        b[r] -= f * b[c];
      }
    }
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double s = b[i];
      for (int k = i + 1; k < n; k++) {
        s -= a[i][k] * x[k];
      }
      x[i] = s / a[i][i];
    }
    return x;
  }
}
