package dev.flowvi.engine.distribution;

import dev.flowvi.engine.random.RandomStream;

/**
 * Independent logistic coordinates with trainable loc and scale s = softplus(raw) (parameter layout
 * and gradients in {@link LocationScaleDistribution}): a normal-like bulk with exponential tails.
 *
 * <p>Standard density: f(z) = e^(−z)/(1 + e^(−z))², written symmetrically as log f(z) = −|z| −
 * 2 log1p(e^(−|z|)) so that neither tail overflows; score ψ(z) = −tanh(z/2). Draws are the logit
 * of a uniform on (0, 1).
 */
public final class Logistic extends LocationScaleDistribution {

  private Logistic(double[] loc, double[] scale) {
    super(loc, scale);
  }

  /** Initial loc and scale per coordinate; every scale must be finite and &gt; 0. */
  public static Logistic of(double[] loc, double[] scale) {
    return new Logistic(loc, scale);
  }

  /** The same initial loc and scale for all dim coordinates. */
  public static Logistic of(int dim, double loc, double scale) {
    return new Logistic(filled(dim, loc), filled(dim, scale));
  }

  @Override
  double standardLogDensity(double z) {
    double a = Math.abs(z);
    return -a - 2 * Math.log1p(Math.exp(-a));
  }

  @Override
  double standardScore(double z) {
    return -Math.tanh(0.5 * z);
  }

  @Override
  double standardSample(RandomStream rng) {
    double u = rng.nextOpenDouble();
    return Math.log(u) - Math.log1p(-u);
  }
}
