package dev.flowvi.engine.bijection;

import dev.flowvi.engine.core.Checks;

/**
 * tanh on |x| &lt; m and linear beyond, with value and slope matched at ±m (FlowJAX's
 * LeakyTanh, used as the sandwich of the triangular spline flow). The map is onto ℝ, so the
 * inverse is defined everywhere: artanh inside (−tanh m, tanh m), linear outside.
 */
public final class LeakyTanh extends ElementwiseMap {
  private final double maxVal;
  private final double edge;
  private final double slope;
  private final double logSlope;

  private LeakyTanh(int dim, double maxVal) {
    super(dim);
    this.maxVal = Checks.positive("maxVal", maxVal);
    this.edge = Math.tanh(maxVal);
    this.slope = Logistic.sech2(maxVal);
    this.logSlope = Logistic.logSech2(maxVal);
  }

  /** LeakyTanh on {@code dim} coordinates switching to linear at |x| = maxVal (&gt; 0). */
  public static LeakyTanh of(int dim, double maxVal) {
    return new LeakyTanh(dim, maxVal);
  }

  public double maxVal() {
    return maxVal;
  }

  @Override
  public String name() {
    return "LeakyTanh(" + maxVal + ")";
  }

  @Override
  double forwardValue(int j, double x) {
    if (Math.abs(x) < maxVal) {
      return Math.tanh(x);
    }
    return Math.copySign(edge, x) + slope * (x - Math.copySign(maxVal, x));
  }

  @Override
  double forwardLogDerivative(int j, double x) {
    return Math.abs(x) < maxVal ? Logistic.logSech2(x) : logSlope;
  }

  @Override
  double forwardDerivative(int j, double x) {
    return Math.abs(x) < maxVal ? Logistic.sech2(x) : slope;
  }

  @Override
  double forwardLogDerivativeSlope(int j, double x) {
    return Math.abs(x) < maxVal ? -2.0 * Math.tanh(x) : 0.0;
  }

  @Override
  boolean inImage(int j, double y) {
    return Double.isFinite(y);
  }

  @Override
  String image(int j) {
    return "(-inf, inf)";
  }

  @Override
  double inverseValue(int j, double y) {
    if (Math.abs(y) < edge) {
      return Tanh.artanh(y);
    }
    return Math.copySign(maxVal, y) + (y - Math.copySign(edge, y)) / slope;
  }

  @Override
  double inverseLogDerivative(int j, double y) {
    return Math.abs(y) < edge ? -Math.log1p(-y) - Math.log1p(y) : -logSlope;
  }

  @Override
  double inverseDerivative(int j, double y) {
    return Math.abs(y) < edge ? 1.0 / ((1.0 - y) * (1.0 + y)) : 1.0 / slope;
  }

  @Override
  double inverseLogDerivativeSlope(int j, double y) {
    return Math.abs(y) < edge ? 2.0 * y / ((1.0 - y) * (1.0 + y)) : 0.0;
  }
}
