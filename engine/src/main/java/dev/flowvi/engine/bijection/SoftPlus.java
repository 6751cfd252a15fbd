package dev.flowvi.engine.bijection;

/**
 * y = softplus(x) = log(1 + e^x) per coordinate, onto (0, ∞). The inverse x = y + log(−expm1(−y))
 * is finite for y &gt; 0, down to the smallest positive double, and −∞ at y = 0; softplus(x)
 * underflows to 0 for x below about −745, where a round trip cannot be exact.
 */
public final class SoftPlus extends ElementwiseMap {
  private SoftPlus(int dim) {
    super(dim);
  }

  public static SoftPlus of(int dim) {
    return new SoftPlus(dim);
  }

  @Override
  double forwardValue(int j, double x) {
    return Logistic.softplus(x);
  }

  /** softplus' = σ, so log f'(x) = log σ(x) = −softplus(−x). */
  @Override
  double forwardLogDerivative(int j, double x) {
    return -Logistic.softplus(-x);
  }

  @Override
  double forwardDerivative(int j, double x) {
    return Logistic.sigmoid(x);
  }

  @Override
  double forwardLogDerivativeSlope(int j, double x) {
    return Logistic.sigmoid(-x);
  }

  @Override
  boolean inImage(int j, double y) {
    return y >= 0.0 && y < Double.POSITIVE_INFINITY;
  }

  @Override
  String image(int j) {
    return "[0, inf)";
  }

  @Override
  double inverseValue(int j, double y) {
    return Logistic.softplusInverse(y);
  }

  /** g'(y) = 1/(1 − e^−y), so log g'(y) = −log(−expm1(−y)). */
  @Override
  double inverseLogDerivative(int j, double y) {
    return -Math.log(-Math.expm1(-y));
  }

  @Override
  double inverseDerivative(int j, double y) {
    return -1.0 / Math.expm1(-y);
  }

  @Override
  double inverseLogDerivativeSlope(int j, double y) {
    return -1.0 / Math.expm1(y);
  }
}
