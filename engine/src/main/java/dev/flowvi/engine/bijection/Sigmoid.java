package dev.flowvi.engine.bijection;

/**
 * y = σ(x) = 1/(1 + e^−x) per coordinate, onto (0, 1). The inverse is the logit, finite for y in
 * the open interval (0, 1) and ±∞ at exactly 0 or 1; σ(x) rounds to 1 for x &gt; 37, so round
 * trips are exact only where σ(x) is representable below 1.
 */
public final class Sigmoid extends ElementwiseMap {
  private Sigmoid(int dim) {
    super(dim);
  }

  public static Sigmoid of(int dim) {
    return new Sigmoid(dim);
  }

  @Override
  double forwardValue(int j, double x) {
    return Logistic.sigmoid(x);
  }

  /** log σ'(x) = log σ(x) + log σ(−x) = −softplus(−x) − softplus(x). */
  @Override
  double forwardLogDerivative(int j, double x) {
    return -Logistic.softplus(-x) - Logistic.softplus(x);
  }

  @Override
  double forwardDerivative(int j, double x) {
    return Logistic.sigmoid(x) * Logistic.sigmoid(-x);
  }

  @Override
  double forwardLogDerivativeSlope(int j, double x) {
    return Logistic.sigmoid(-x) - Logistic.sigmoid(x);
  }

  @Override
  boolean inImage(int j, double y) {
    return y >= 0.0 && y <= 1.0;
  }

  @Override
  String image(int j) {
    return "[0, 1]";
  }

  /** logit(y) = log y − log1p(−y): log1p keeps y near 0 and near 1 accurate. */
  @Override
  double inverseValue(int j, double y) {
    return Math.log(y) - Math.log1p(-y);
  }

  @Override
  double inverseLogDerivative(int j, double y) {
    return -Math.log(y) - Math.log1p(-y);
  }

  @Override
  double inverseDerivative(int j, double y) {
    return 1.0 / y + 1.0 / (1.0 - y);
  }

  @Override
  double inverseLogDerivativeSlope(int j, double y) {
    return -1.0 / y + 1.0 / (1.0 - y);
  }
}
