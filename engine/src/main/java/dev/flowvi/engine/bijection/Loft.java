package dev.flowvi.engine.bijection;

import dev.flowvi.engine.core.Checks;

/**
 * The LOFT layer of Andrade (arXiv 2402.16408): g(z) = sign(z)(min(|z|, t) + log(1 + max(|z| − t, 0))),
 * the identity on [−t, t] and logarithmic beyond, so extreme draws cannot blow up later layers.
 * log|det| = −Σ log1p(max(|z_j| − t, 0)). The inverse sign(y)(t + expm1(|y| − t)) is finite for
 * |y| below t + log(Double.MAX_VALUE) ≈ t + 709.78, which covers the image of every finite double.
 */
public final class Loft extends ElementwiseMap {
  /** The threshold the paper uses. */
  public static final double DEFAULT_THRESHOLD = 100.0;

  private static final double LOG_MAX_VALUE = Math.log(Double.MAX_VALUE);

  private final double threshold;

  private Loft(int dim, double threshold) {
    super(dim);
    this.threshold = Checks.positive("threshold", threshold);
  }

  public static Loft of(int dim) {
    return new Loft(dim, DEFAULT_THRESHOLD);
  }

  public static Loft of(int dim, double threshold) {
    return new Loft(dim, threshold);
  }

  public double threshold() {
    return threshold;
  }

  @Override
  public String name() {
    return "Loft(" + threshold + ")";
  }

  @Override
  double forwardValue(int j, double z) {
    double a = Math.abs(z);
    return a <= threshold ? z : Math.copySign(threshold + Math.log1p(a - threshold), z);
  }

  @Override
  double forwardLogDerivative(int j, double z) {
    double a = Math.abs(z);
    return a <= threshold ? 0.0 : -Math.log1p(a - threshold);
  }

  @Override
  double forwardDerivative(int j, double z) {
    double a = Math.abs(z);
    return a <= threshold ? 1.0 : 1.0 / (1.0 + (a - threshold));
  }

  @Override
  double forwardLogDerivativeSlope(int j, double z) {
    double a = Math.abs(z);
    return a <= threshold ? 0.0 : -Math.copySign(1.0, z) / (1.0 + (a - threshold));
  }

  /** The image of the finite doubles: |y| − t below log(Double.MAX_VALUE), where the inverse overflows. */
  @Override
  boolean inImage(int j, double y) {
    return Math.abs(y) - threshold <= LOG_MAX_VALUE;
  }

  @Override
  String image(int j) {
    return "[" + (-threshold - LOG_MAX_VALUE) + ", " + (threshold + LOG_MAX_VALUE) + "]";
  }

  @Override
  double inverseValue(int j, double y) {
    double a = Math.abs(y);
    return a <= threshold ? y : Math.copySign(threshold + Math.expm1(a - threshold), y);
  }

  @Override
  double inverseLogDerivative(int j, double y) {
    double a = Math.abs(y);
    return a <= threshold ? 0.0 : a - threshold;
  }

  @Override
  double inverseDerivative(int j, double y) {
    double a = Math.abs(y);
    return a <= threshold ? 1.0 : Math.exp(a - threshold);
  }

  @Override
  double inverseLogDerivativeSlope(int j, double y) {
    return Math.abs(y) <= threshold ? 0.0 : Math.copySign(1.0, y);
  }
}
