package dev.flowvi.engine.distribution;

import dev.flowvi.engine.random.RandomStream;

/**
 * Independent Cauchy coordinates with trainable loc and scale γ = softplus(raw) (parameter layout
 * and gradients in {@link LocationScaleDistribution}): the Student t with one degree of freedom,
 * without its Gamma draws.
 *
 * <p>Standard density: log f(z) = −log π − log(1 + z²), score ψ(z) = −2z/(1 + z²), written as
 * −2/(1/z + z) so that z·ψ(z) → −2 stays finite far out. Draws are tan(π(u − ½)) with u uniform on
 * (0, 1).
 */
public final class Cauchy extends LocationScaleDistribution {
  private static final double LOG_PI = Math.log(Math.PI);

  private Cauchy(double[] loc, double[] scale) {
    super(loc, scale);
  }

  /** Initial loc and scale per coordinate; every scale must be finite and &gt; 0. */
  public static Cauchy of(double[] loc, double[] scale) {
    return new Cauchy(loc, scale);
  }

  /** The same initial loc and scale for all dim coordinates. */
  public static Cauchy of(int dim, double loc, double scale) {
    return new Cauchy(filled(dim, loc), filled(dim, scale));
  }

  @Override
  double standardLogDensity(double z) {
    double a = Math.abs(z);
    // Far out, z² would overflow: log(1 + z²) = 2 log|z| + log1p(1/z²).
    return -LOG_PI - (a < 1e100 ? Math.log1p(z * z) : 2 * Math.log(a) + Math.log1p(1 / a / a));
  }

  @Override
  double standardScore(double z) {
    return z == 0 ? 0.0 : -2 / (1 / z + z);
  }

  @Override
  double standardSample(RandomStream rng) {
    return Math.tan(Math.PI * (rng.nextOpenDouble() - 0.5));
  }
}
