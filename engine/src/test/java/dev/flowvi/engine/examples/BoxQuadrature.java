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
}
