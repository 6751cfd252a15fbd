package dev.flowvi.engine.distribution;

import dev.flowvi.engine.random.RandomStream;

/**
 * Independent Gumbel (maximum) coordinates with trainable loc and scale β = softplus(raw)
 * (parameter layout and gradients in {@link LocationScaleDistribution}): skewed to the right, with
 * a doubly exponential left tail.
 *
 * <p>Standard density: log f(z) = −(z + e^(−z)), score ψ(z) = e^(−z) − 1. Far in the left tail
 * (z below about −709) e^(−z) overflows: the log density is then −∞ and the score +∞, the true
 * limits. Draws are −log(−log u) with u uniform on (0, 1).
 */
public final class Gumbel extends LocationScaleDistribution {

  private Gumbel(double[] loc, double[] scale) {
    super(loc, scale);
  }

  /** Initial loc and scale per coordinate; every scale must be finite and &gt; 0. */
  public static Gumbel of(double[] loc, double[] scale) {
    return new Gumbel(loc, scale);
  }

  /** The same initial loc and scale for all dim coordinates. */
  public static Gumbel of(int dim, double loc, double scale) {
    return new Gumbel(filled(dim, loc), filled(dim, scale));
  }

  @Override
  double standardLogDensity(double z) {
    return -(z + Math.exp(-z));
  }

  @Override
  double standardScore(double z) {
    return Math.expm1(-z);
  }

  @Override
  double standardSample(RandomStream rng) {
    return -Math.log(-Math.log(rng.nextOpenDouble()));
  }
}
