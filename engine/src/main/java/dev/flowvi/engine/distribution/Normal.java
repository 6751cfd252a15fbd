package dev.flowvi.engine.distribution;

import dev.flowvi.engine.random.RandomStream;

/**
 * Independent normals N(loc_j, s_j²) with trainable loc and scale s_j = softplus(raw_j); see
 * {@link LocationScaleDistribution} for the parameter layout and gradients.
 */
public final class Normal extends LocationScaleDistribution {
  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2.0 * Math.PI);

  private Normal(double[] loc, double[] scale) {
    super(loc, scale);
  }

  /** Initial loc and scale per coordinate; every scale must be finite and &gt; 0. */
  public static Normal of(double[] loc, double[] scale) {
    return new Normal(loc, scale);
  }

  /** The same initial loc and scale for all dim coordinates. */
  public static Normal of(int dim, double loc, double scale) {
    return new Normal(filled(dim, loc), filled(dim, scale));
  }

  @Override
  double standardLogDensity(double z) {
    return -0.5 * z * z - HALF_LOG_TWO_PI;
  }

  @Override
  double standardScore(double z) {
    return -z;
  }

  @Override
  double standardSample(RandomStream rng) {
    return rng.nextGaussian();
  }
}
