package dev.flowvi.engine.nn;

/** softplus(r) = log(1 + e^r), its derivative and its inverse, evaluated without overflow. */
public final class Softplus {
  private Softplus() {}

  public static double value(double r) {
    return Math.max(r, 0.0) + Math.log1p(Math.exp(-Math.abs(r)));
  }

  /** d softplus / dr = the logistic sigmoid. */
  public static double derivative(double r) {
    if (r >= 0) {
      return 1.0 / (1.0 + Math.exp(-r));
    }
    double e = Math.exp(r);
    return e / (1.0 + e);
  }

  /** The r with softplus(r) = s, for s &gt; 0: r = s + log(1 − e^{−s}). */
  public static double inverse(double s) {
    if (!(s > 0)) {
      throw new IllegalArgumentException("softplus inverse argument is " + s + ", expected a value > 0");
    }
    return s + Math.log(-Math.expm1(-s));
  }
}
