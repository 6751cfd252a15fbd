package dev.flowvi.engine.train;

import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.target.LogDensity;

/**
 * Test-scope curved 2-D target, normalised: z₁ ~ N(0, 1), z₂ | z₁ ~ N(z₁², 0.5²). Its moments
 * are known: E z₂ = 1, Var z₂ = Var z₁² + 0.25 = 2.25, Cov(z₁, z₂) = E z₁³ = 0.
 */
final class BananaTarget implements LogDensity {
  static final double SIGMA = 0.5;
  private static final double LOG_NORM = -Math.log(2 * Math.PI * SIGMA);

  @Override
  public int dim() {
    return 2;
  }

  @Override
  public void logDensity(double[] z, int n, double[] logp) {
    for (int i = 0; i < n; i++) {
      double a = z[i];
      double r = (z[n + i] - a * a) / SIGMA;
      logp[i] = LOG_NORM - 0.5 * a * a - 0.5 * r * r;
    }
  }

  @Override
  public void logDensityAndGradient(double[] z, int n, double[] logp, double[] grad) {
    logDensity(z, n, logp);
    for (int i = 0; i < n; i++) {
      double a = z[i];
      double r = (z[n + i] - a * a) / SIGMA;
      grad[i] = -a + 2 * a * r / SIGMA;
      grad[n + i] = -r / SIGMA;
    }
  }

  /** Exact draws, feature-major. */
  static double[] sample(int n, long seed) {
    RandomStream rng = RandomStream.of(seed);
    double[] z = new double[2 * n];
    for (int i = 0; i < n; i++) {
      double a = rng.nextGaussian();
      z[i] = a;
      z[n + i] = a * a + SIGMA * rng.nextGaussian();
    }
    return z;
  }
}
