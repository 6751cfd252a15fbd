package dev.flowvi.validation.reference;

import dev.flowvi.engine.target.LogDensity;

/** Test target: log p̃(x) = −½ (x − μ)ᵀ P (x − μ) for a dense precision matrix P (row-major). */
public final class GaussianTarget implements LogDensity {
  private final double[] mean;
  private final double[] precision;
  private final int dim;

  GaussianTarget(double[] mean, double[] precision) {
    this.mean = mean.clone();
    this.precision = precision.clone();
    this.dim = mean.length;
  }

  /** Independent coordinates with the given means and standard deviations. */
  public static GaussianTarget independent(double[] mean, double[] sd) {
    int d = mean.length;
    double[] p = new double[d * d];
    for (int j = 0; j < d; j++) {
      p[j * d + j] = 1 / (sd[j] * sd[j]);
    }
    return new GaussianTarget(mean, p);
  }

  /** Two coordinates with sds s1, s2 and correlation rho. */
  public static GaussianTarget correlated(double m1, double m2, double s1, double s2, double rho) {
    double det = s1 * s1 * s2 * s2 * (1 - rho * rho);
    double[] p = {s2 * s2 / det, -rho * s1 * s2 / det, -rho * s1 * s2 / det, s1 * s1 / det};
    return new GaussianTarget(new double[] {m1, m2}, p);
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public void logDensity(double[] z, int n, double[] logp) {
    logDensityAndGradient(z, n, logp, new double[dim * n]);
  }

  @Override
  public void logDensityAndGradient(double[] z, int n, double[] logp, double[] grad) {
    for (int i = 0; i < n; i++) {
      double lp = 0;
      for (int a = 0; a < dim; a++) {
        double g = 0;
        for (int b = 0; b < dim; b++) {
          g -= precision[a * dim + b] * (z[b * n + i] - mean[b]);
        }
        grad[a * n + i] = g;
        lp += 0.5 * g * (z[a * n + i] - mean[a]);
      }
      logp[i] = lp;
    }
  }
}
