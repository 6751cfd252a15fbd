package dev.flowvi.engine.bijection;

/**
 * y = e^x per coordinate, onto (0, ∞), with log-det Σ x. The forward value overflows for x above
 * log(Double.MAX_VALUE) ≈ 709.78, where no double can hold it; the inverse log y is finite for
 * y &gt; 0 and −∞ at y = 0 (e^x underflows there for x below about −745).
 */
public final class Exp extends ElementwiseMap {
  private Exp(int dim) {
    super(dim);
  }

  public static Exp of(int dim) {
    return new Exp(dim);
  }

  @Override
  double forwardValue(int j, double x) {
    return Math.exp(x);
  }

  @Override
  double forwardLogDerivative(int j, double x) {
    return x;
  }

  @Override
  double forwardDerivative(int j, double x) {
    return Math.exp(x);
  }

  @Override
  double forwardLogDerivativeSlope(int j, double x) {
    return 1.0;
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
    return Math.log(y);
  }

  @Override
  double inverseLogDerivative(int j, double y) {
    return -Math.log(y);
  }

  @Override
  double inverseDerivative(int j, double y) {
    return 1.0 / y;
  }

  @Override
  double inverseLogDerivativeSlope(int j, double y) {
    return -1.0 / y;
  }
}
