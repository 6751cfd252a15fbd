package dev.flowvi.engine.examples;

import dev.flowvi.engine.target.LogDensity;

/**
 * Reference posterior moments by deterministic quadrature: a tensor-product Gauss–Legendre rule
 * over a box, with the unnormalised density's logs shifted by their maximum before exponentiating.
 * Exponentially convergent for smooth integrands whose mass lies well inside the box; {@link
 * #edgeMass} reports how much density sits on the box's faces so a caller can check that.
 */
final class BoxQuadrature {
  final double[] mean;
  final double[][] covariance;
  /** Largest density on any face of the box relative to the largest density inside it. */
  final double edgeMass;

  private BoxQuadrature(double[] mean, double[][] covariance, double edgeMass) {
    this.mean = mean;
    this.covariance = covariance;
    this.edgeMass = edgeMass;
  }

  /** Gauss–Legendre nodes and weights on [−1, 1] by Newton's method on P_n (Golub–Welsch free). */
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

  /** Moments of the density over the box [lo, hi] with {@code points} nodes per coordinate. */
  static BoxQuadrature moments(LogDensity density, double[] lo, double[] hi, int points) {
    int d = lo.length;
    double[][] rule = gaussLegendre(points);
    long total = 1;
    for (int j = 0; j < d; j++) {
      total *= points;
    }
    int batch = (int) Math.min(total, 4096);
    double[] z = new double[d * batch];
    double[] logp = new double[batch];
    double[] logw = new double[(int) total];
    double[][] coords = new double[d][(int) total];
    int[] idx = new int[d];
    double edge = Double.NEGATIVE_INFINITY;
    for (long start = 0; start < total; start += batch) {
      int m = (int) Math.min(batch, total - start);
      for (int s = 0; s < m; s++) {
        long code = start + s;
        double lw = 0;
        for (int j = 0; j < d; j++) {
          idx[j] = (int) (code % points);
          code /= points;
          double half = 0.5 * (hi[j] - lo[j]);
          double v = lo[j] + half * (rule[0][idx[j]] + 1);
          coords[j][(int) (start + s)] = v;
          z[j * m + s] = v;
          lw += Math.log(rule[1][idx[j]] * half);
        }
        logw[(int) (start + s)] = lw;
      }
      density.logDensity(z, m, logp);
      for (int s = 0; s < m; s++) {
        logw[(int) (start + s)] += logp[s];
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
    edge = edgeDensity(density, lo, hi, mean);
    return new BoxQuadrature(mean, cov, edge);
  }

  /**
   * Density at the centre of each face (the mean's other coordinates), relative to the density at
   * the mean: a near-Gaussian posterior has its largest face density there.
   */
  private static double edgeDensity(LogDensity density, double[] lo, double[] hi, double[] mean) {
    int d = lo.length;
    double[] z = new double[d];
    double[] lp = new double[1];
    density.logDensity(mean.clone(), 1, lp);
    double centre = lp[0];
    double worst = 0;
    for (int j = 0; j < d; j++) {
      for (double face : new double[] {lo[j], hi[j]}) {
        System.arraycopy(mean, 0, z, 0, d);
        z[j] = face;
        density.logDensity(z.clone(), 1, lp);
        worst = Math.max(worst, Math.exp(lp[0] - centre));
      }
    }
    return worst;
  }
  /**
   * The box mode ± {@code sds} Laplace standard deviations: Newton's method on the analytic
   * gradient, with the Hessian from central differences of that gradient (step 1e-5 of the
   * coordinate scale), started at {@code start}. Returns {lo, hi}.
   */
  static double[][] laplaceBox(LogDensity density, double[] start, double sds) {
    int d = start.length;
    double[] x = start.clone();
    double[][] h = new double[d][d];
    for (int iter = 0; iter < 100; iter++) {
      double[] g = gradient(density, x);
      h = hessian(density, x);
      double[] step = solve(h, g);
      double size = 0;
      for (int j = 0; j < d; j++) {
        x[j] -= step[j];
        size = Math.max(size, Math.abs(step[j]) / Math.max(1e-300, Math.sqrt(-1 / h[j][j])));
      }
      if (size < 1e-10) {
        break;
      }
    }
    h = hessian(density, x);
    double[][] lo = new double[2][d];
    for (int j = 0; j < d; j++) {
      double[] e = new double[d];
      e[j] = 1;
      double var = -solve(h, e)[j];
      lo[0][j] = x[j] - sds * Math.sqrt(var);
      lo[1][j] = x[j] + sds * Math.sqrt(var);
    }
    return lo;
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
