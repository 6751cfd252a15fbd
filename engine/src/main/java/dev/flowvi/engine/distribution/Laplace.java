package dev.flowvi.engine.distribution;

import dev.flowvi.engine.random.RandomStream;

/**
 * Independent Laplace coordinates with trainable loc and scale b = softplus(raw) (parameter layout
 * and gradients in {@link LocationScaleDistribution}): exponential tails, heavier than a normal's,
 * lighter than a Student t's.
 *
 * <p>Standard density: log f(z) = −|z| − log 2, score ψ(z) = −sign(z) (0 at the kink). Draws invert
 * the CDF: z = log(2u) for u &lt; ½, −log(2(1 − u)) above, with u uniform on (0, 1).
 */
public final class Laplace extends LocationScaleDistribution {
  private static final double LOG_TWO = Math.log(2.0);

  private Laplace(double[] loc, double[] scale) {
    super(loc, scale);
  }

  /** Initial loc and scale per coordinate; every scale must be finite and &gt; 0. */
  public static Laplace of(double[] loc, double[] scale) {
    return new Laplace(loc, scale);
  }

  /** The same initial loc and scale for all dim coordinates. */
  public static Laplace of(int dim, double loc, double scale) {
    return new Laplace(filled(dim, loc), filled(dim, scale));
  }

  @Override
  double standardLogDensity(double z) {
    return -Math.abs(z) - LOG_TWO;
  }

  @Override
  double standardScore(double z) {
    return -Math.signum(z);
  }

  @Override
  double standardSample(RandomStream rng) {
    double u = rng.nextOpenDouble();
    return u < 0.5 ? Math.log(2 * u) : -Math.log(2 * (1 - u));
  }
}
