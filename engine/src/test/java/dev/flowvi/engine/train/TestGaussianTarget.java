package dev.flowvi.engine.train;

import dev.flowvi.engine.target.LogDensity;

/** Test-scope Gaussian target N(mean, cov), normalised, with analytic gradient −P(z − m). */
final class TestGaussianTarget implements LogDensity {
  final int d;
  final double[] mean;
  final double[][] cov;
  final double[][] precision;
  final double logNorm;

  TestGaussianTarget(double[] mean, double[][] cov) {
    this.d = mean.length;
    this.mean = mean.clone();
    this.cov = cov;
    this.precision = Linear.inverse(cov);
    this.logNorm = -0.5 * d * Math.log(2 * Math.PI) - 0.5 * Linear.logDet(cov);
  }

  @Override
  public int dim() {
    return d;
  }

  @Override
  public void logDensity(double[] z, int n, double[] logp) {
    logDensityAndGradient(z, n, logp, new double[d * n]);
  }

  @Override
  public void logDensityAndGradient(double[] z, int n, double[] logp, double[] grad) {
    double[] u = new double[d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        u[j] = z[j * n + i] - mean[j];
      }
      double q = 0;
      for (int j = 0; j < d; j++) {
        double pu = 0;
        for (int k = 0; k < d; k++) {
          pu += precision[j][k] * u[k];
        }
        q += u[j] * pu;
        grad[j * n + i] = -pu;
      }
      logp[i] = logNorm - 0.5 * q;
    }
  }
}
