package dev.flowvi.bench;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.target.LogDensity;

/**
 * An independent Gaussian target N(μ_j, σ_j²) per coordinate, unnormalised: the cheapest
 * realistic target, so an ELBO step against it measures the flow's own cost.
 */
final class GaussianTarget implements LogDensity {
  private final double[] loc;
  private final double[] precision;

  private GaussianTarget(double[] loc, double[] precision) {
    this.loc = loc;
    this.precision = precision;
  }

  /** Coordinate j has mean 0.1·j and standard deviation 1 + 0.05·j, so no two coordinates match. */
  static GaussianTarget spread(int dim) {
    Checks.positive("dim", dim);
    double[] loc = new double[dim];
    double[] precision = new double[dim];
    for (int j = 0; j < dim; j++) {
      loc[j] = 0.1 * j;
      double sd = 1.0 + 0.05 * j;
      precision[j] = 1.0 / (sd * sd);
    }
    return new GaussianTarget(loc, precision);
  }

  @Override
  public int dim() {
    return loc.length;
  }

  @Override
  public void logDensity(double[] z, int n, double[] logp) {
    java.util.Arrays.fill(logp, 0, n, 0.0);
    for (int j = 0; j < loc.length; j++) {
      double m = loc[j];
      double p = precision[j];
      for (int i = 0; i < n; i++) {
        double u = z[j * n + i] - m;
        logp[i] -= 0.5 * p * u * u;
      }
    }
  }

  @Override
  public void logDensityAndGradient(double[] z, int n, double[] logp, double[] grad) {
    java.util.Arrays.fill(logp, 0, n, 0.0);
    for (int j = 0; j < loc.length; j++) {
      double m = loc[j];
      double p = precision[j];
      for (int i = 0; i < n; i++) {
        double u = z[j * n + i] - m;
        logp[i] -= 0.5 * p * u * u;
        grad[j * n + i] = -p * u;
      }
    }
  }
}
