package dev.flowvi.engine.random;

import dev.flowvi.engine.core.Checks;

/**
 * Gamma(shape, 1) draws by the squeeze-and-reject method of Marsaglia and Tsang (2000, "A simple
 * method for generating gamma variables"), driven by a {@link RandomStream}.
 *
 * <p>For shape a ≥ 1 it draws d·v with d = a − 1/3 and v = (1 + c·z)³, c = 1/√(9d), z standard
 * normal, accepting with the paper's squeeze u &lt; 1 − 0.0331 z⁴ or the exact test
 * log u &lt; z²/2 + d(1 − v + log v). For a &lt; 1 it uses the paper's boost
 * Gamma(a) = Gamma(a + 1)·U^{1/a}, taken in log space by {@link #sampleLog} so that tiny shapes do
 * not underflow to 0.
 *
 * <p>Immutable; the number of uniforms and normals consumed depends only on the stream, so a
 * stream with a fixed seed gives the same draws whatever the caller's other parameters are.
 */
public final class GammaSampler {
  private final double shape;
  private final boolean boosted;
  private final double d;
  private final double c;

  private GammaSampler(double shape) {
    this.shape = shape;
    this.boosted = shape < 1;
    this.d = (boosted ? shape + 1 : shape) - 1.0 / 3.0;
    this.c = 1.0 / Math.sqrt(9.0 * d);
  }

  /** A sampler of Gamma(shape, scale 1); shape must be finite and &gt; 0. */
  public static GammaSampler of(double shape) {
    return new GammaSampler(Checks.positive("shape", shape));
  }

  public double shape() {
    return shape;
  }

  /** One Gamma(shape, 1) draw; may underflow to 0 for shapes far below 1 (use {@link #sampleLog}). */
  public double sample(RandomStream rng) {
    return boosted ? Math.exp(sampleLog(rng)) : marsagliaTsang(rng);
  }

  /** The logarithm of one Gamma(shape, 1) draw, finite for every shape &gt; 0. */
  public double sampleLog(RandomStream rng) {
    double logG = Math.log(marsagliaTsang(rng));
    if (boosted) {
      logG += Math.log(rng.nextOpenDouble()) / shape;
    }
    return logG;
  }

  /** A draw of Gamma(a') with a' = shape (or shape + 1 when boosted), a' ≥ 1. */
  private double marsagliaTsang(RandomStream rng) {
    while (true) {
      double z = rng.nextGaussian();
      double t = 1.0 + c * z;
      if (t <= 0) {
        continue;
      }
      double v = t * t * t;
      double u = rng.nextOpenDouble();
      double z2 = z * z;
      if (u < 1.0 - 0.0331 * z2 * z2) {
        return d * v;
      }
      if (Math.log(u) < 0.5 * z2 + d * (1.0 - v + Math.log(v))) {
        return d * v;
      }
    }
  }
}
