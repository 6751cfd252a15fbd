package dev.flowvi.engine.bijection;

/**
 * y = tanh(x) per coordinate, onto (−1, 1). The inverse, artanh, is finite on the open interval
 * (−1, 1) and ±∞ at exactly ±1; tanh(x) rounds to ±1 for |x| &gt; 19, so round trips are exact
 * only below that.
 */
public final class Tanh extends ElementwiseMap {
  private Tanh(int dim) {
    super(dim);
  }

  public static Tanh of(int dim) {
    return new Tanh(dim);
  }

  @Override
  double forwardValue(int j, double x) {
    return Math.tanh(x);
  }

  @Override
  double forwardLogDerivative(int j, double x) {
    return Logistic.logSech2(x);
  }

  @Override
  double forwardDerivative(int j, double x) {
    return Logistic.sech2(x);
  }

  @Override
  double forwardLogDerivativeSlope(int j, double x) {
    return -2.0 * Math.tanh(x);
  }

  @Override
  boolean inImage(int j, double y) {
    return y >= -1.0 && y <= 1.0;
  }

  @Override
  String image(int j) {
    return "[-1, 1]";
  }

  @Override
  double inverseValue(int j, double y) {
    return artanh(y);
  }

  /** log g'(y) = −log((1 − y)(1 + y)), via log1p on both factors. */
  @Override
  double inverseLogDerivative(int j, double y) {
    return -Math.log1p(-y) - Math.log1p(y);
  }

  @Override
  double inverseDerivative(int j, double y) {
    return 1.0 / ((1.0 - y) * (1.0 + y));
  }

  @Override
  double inverseLogDerivativeSlope(int j, double y) {
    return 2.0 * y / ((1.0 - y) * (1.0 + y));
  }

  /** artanh(y) = ½ log1p(2|y|/(1 − |y|)) with the sign of y: accurate near 0 and near ±1. */
  static double artanh(double y) {
    double a = Math.abs(y);
    return Math.copySign(0.5 * Math.log1p(2.0 * a / (1.0 - a)), y);
  }
}
