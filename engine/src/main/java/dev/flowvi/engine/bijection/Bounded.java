package dev.flowvi.engine.bijection;

import dev.flowvi.engine.core.Checks;

/**
 * Maps ℝ onto an open interval per coordinate: y_j = lo_j + (hi_j − lo_j)·σ(x_j), an affine map
 * after a sigmoid. The inverse x = log(y − lo) − log(hi − y) is finite strictly inside (lo, hi)
 * and ±∞ on the bounds, which the forward map reaches by rounding for |x| beyond about 37.
 * Used to put unconstrained flow draws onto a box, such as the prior boxes of the seed's M1.
 */
public final class Bounded extends ElementwiseMap {
  private final double[] lo;
  private final double[] hi;
  private final double[] logWidth;

  private Bounded(double[] lo, double[] hi) {
    super(lo.length);
    this.lo = lo.clone();
    this.hi = hi.clone();
    this.logWidth = new double[lo.length];
    for (int j = 0; j < lo.length; j++) {
      Checks.interval("interval of coordinate " + j, lo[j], hi[j]);
      logWidth[j] = Math.log(hi[j] - lo[j]);
    }
  }

  /** The same interval (lo, hi) on each of {@code dim} coordinates. */
  public static Bounded of(int dim, double lo, double hi) {
    Checks.positive("dim", dim);
    Checks.interval("interval", lo, hi);
    double[] l = new double[dim];
    double[] h = new double[dim];
    java.util.Arrays.fill(l, lo);
    java.util.Arrays.fill(h, hi);
    return new Bounded(l, h);
  }

  /** Interval (lo[j], hi[j]) on coordinate j. */
  public static Bounded of(double[] lo, double[] hi) {
    if (lo == null || hi == null || lo.length == 0 || lo.length != hi.length) {
      throw new IllegalArgumentException("lo and hi have lengths " + (lo == null ? "null" : lo.length) + " and "
          + (hi == null ? "null" : hi.length) + ", expected equal lengths of at least 1");
    }
    return new Bounded(lo, hi);
  }

  public double lower(int j) {
    return lo[j];
  }

  public double upper(int j) {
    return hi[j];
  }

  @Override
  double forwardValue(int j, double x) {
    // lo + w·σ(x) can round just outside [lo, hi]; clamp so the inverse stays defined.
    double y = lo[j] + (hi[j] - lo[j]) * Logistic.sigmoid(x);
    return Math.min(Math.max(y, lo[j]), hi[j]);
  }

  @Override
  double forwardLogDerivative(int j, double x) {
    return logWidth[j] - Logistic.softplus(-x) - Logistic.softplus(x);
  }

  @Override
  double forwardDerivative(int j, double x) {
    return (hi[j] - lo[j]) * Logistic.sigmoid(x) * Logistic.sigmoid(-x);
  }

  @Override
  double forwardLogDerivativeSlope(int j, double x) {
    return Logistic.sigmoid(-x) - Logistic.sigmoid(x);
  }

  @Override
  boolean inImage(int j, double y) {
    return y >= lo[j] && y <= hi[j];
  }

  @Override
  String image(int j) {
    return "[" + lo[j] + ", " + hi[j] + "]";
  }

  @Override
  double inverseValue(int j, double y) {
    return Math.log(y - lo[j]) - Math.log(hi[j] - y);
  }

  @Override
  double inverseLogDerivative(int j, double y) {
    return logWidth[j] - Math.log(y - lo[j]) - Math.log(hi[j] - y);
  }

  @Override
  double inverseDerivative(int j, double y) {
    return 1.0 / (y - lo[j]) + 1.0 / (hi[j] - y);
  }

  @Override
  double inverseLogDerivativeSlope(int j, double y) {
    return -1.0 / (y - lo[j]) + 1.0 / (hi[j] - y);
  }
}
