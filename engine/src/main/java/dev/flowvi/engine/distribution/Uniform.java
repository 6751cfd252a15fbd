package dev.flowvi.engine.distribution;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.random.RandomStream;

/**
 * Independent uniforms on [lo_j, hi_j], with no trainable parameters. The log density is
 * −Σ log(hi_j − lo_j) inside the box and −∞ outside (NaN for a NaN coordinate); its gradient with
 * respect to x is 0 everywhere.
 */
public final class Uniform extends FactorisedDistribution {
  private final double[] lo;
  private final double[] hi;
  private final double logVolume;

  private Uniform(double[] lo, double[] hi) {
    super(checkedDim(lo, hi));
    this.lo = lo.clone();
    this.hi = hi.clone();
    double v = 0;
    for (int j = 0; j < lo.length; j++) {
      Checks.interval("[lo, hi] of coordinate " + j, lo[j], hi[j]);
      double width = hi[j] - lo[j];
      if (Double.isInfinite(width)) {
        throw new IllegalArgumentException(
            "[lo, hi] of coordinate " + j + " is (" + lo[j] + ", " + hi[j] + "), expected a width hi − lo that is finite in double");
      }
      v += Math.log(width);
    }
    this.logVolume = v;
  }

  private static int checkedDim(double[] lo, double[] hi) {
    if (lo == null || hi == null) {
      throw new IllegalArgumentException("lo and hi must not be null");
    }
    if (lo.length != hi.length) {
      throw new IllegalArgumentException("hi has length " + hi.length + ", expected " + lo.length + " to match lo");
    }
    return lo.length;
  }

  /** Bounds per coordinate; each interval must be finite with lo &lt; hi. */
  public static Uniform of(double[] lo, double[] hi) {
    return new Uniform(lo, hi);
  }

  /** The same interval [lo, hi] for all dim coordinates. */
  public static Uniform of(int dim, double lo, double hi) {
    return new Uniform(LocationScaleDistribution.filled(dim, lo), LocationScaleDistribution.filled(dim, hi));
  }

  public double lo(int j) {
    return lo[j];
  }

  public double hi(int j) {
    return hi[j];
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
    for (int j = 0; j < dim(); j++) {
      double a = lo[j];
      double w = hi[j] - lo[j];
      int base = xOff + j * n;
      for (int i = 0; i < n; i++) {
        // nextDouble() < 1, but a + w·u can round up to hi: clamp keeps draws in the support.
        x[base + i] = Math.min(a + w * rng.nextDouble(), hi[j]);
      }
    }
  }

  @Override
  void addLogProb(double[] params, int offset, double[] x, int xOff, double[] logp, int n) {
    for (int i = 0; i < n; i++) {
      logp[i] -= logVolume;
    }
    for (int j = 0; j < dim(); j++) {
      double a = lo[j];
      double b = hi[j];
      int base = xOff + j * n;
      for (int i = 0; i < n; i++) {
        double v = x[base + i];
        if (!(v >= a && v <= b)) {
          logp[i] += Double.isNaN(v) ? Double.NaN : Double.NEGATIVE_INFINITY;
        }
      }
    }
  }

  @Override
  void logProbBackwardAt(
      double[] params, int offset, double[] x, int xOff, double[] gradLogp, double[] gradX, double[] gradParams, int n) {
    if (gradX != null) {
      java.util.Arrays.fill(gradX, xOff, xOff + dim() * n, 0.0);
    }
  }

  @Override
  void sampleBackwardAt(double[] params, int offset, double[] x, int xOff, double[] gradX, double[] gradParams, int n) {
    // No parameters.
  }

  @Override
  public String toString() {
    return "Uniform(dim=" + dim() + ")";
  }
}
