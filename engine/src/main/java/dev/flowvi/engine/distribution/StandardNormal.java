package dev.flowvi.engine.distribution;

import dev.flowvi.engine.random.RandomStream;

/** The standard normal N(0, I) on ℝ^dim; it has no parameters. */
public final class StandardNormal extends FactorisedDistribution {
  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2.0 * Math.PI);

  private StandardNormal(int dim) {
    super(dim);
  }

  public static StandardNormal of(int dim) {
    return new StandardNormal(dim);
  }

  @Override
  public int parameterCount() {
    return 0;
  }

  @Override
  public void initialise(double[] params, int offset, RandomStream rng) {
    // Nothing to initialise.
  }

  @Override
  void sampleAt(double[] params, int offset, RandomStream rng, double[] x, int xOff, int n) {
    rng.fillGaussian(x, xOff, dim() * n);
  }

  @Override
  void addLogProb(double[] params, int offset, double[] x, int xOff, double[] logp, int n) {
    double constant = dim() * HALF_LOG_TWO_PI;
    for (int i = 0; i < n; i++) {
      logp[i] -= constant;
    }
    for (int j = 0; j < dim(); j++) {
      int base = xOff + j * n;
      for (int i = 0; i < n; i++) {
        double v = x[base + i];
        logp[i] -= 0.5 * v * v;
      }
    }
  }

  @Override
  void logProbBackwardAt(
      double[] params, int offset, double[] x, int xOff, double[] gradLogp, double[] gradX, double[] gradParams, int n) {
    if (gradX == null) {
      return;
    }
    for (int j = 0; j < dim(); j++) {
      int base = xOff + j * n;
      for (int i = 0; i < n; i++) {
        gradX[base + i] = -gradLogp[i] * x[base + i];
      }
    }
  }

  @Override
  void sampleBackwardAt(double[] params, int offset, double[] x, int xOff, double[] gradX, double[] gradParams, int n) {
    // No parameters: the draws do not depend on anything trainable.
  }

  @Override
  public String toString() {
    return "StandardNormal(dim=" + dim() + ")";
  }
}
