package dev.flowvi.engine.distribution;

/**
 * softplus(r) = log(1 + eʳ), the map from a raw, unconstrained value to a positive scale, with its
 * derivative (the logistic sigmoid) and inverse, each written to stay finite for every finite r.
 */
final class Softplus {
  private Softplus() {}

  static double value(double raw) {
    // max(r, 0) + log1p(e^{-|r|}) never overflows.
    return Math.max(raw, 0.0) + Math.log1p(Math.exp(-Math.abs(raw)));
  }

  /** d softplus / dr = sigmoid(r). */
  static double derivative(double raw) {
    if (raw >= 0) {
      return 1.0 / (1.0 + Math.exp(-raw));
    }
    double e = Math.exp(raw);
    return e / (1.0 + e);
  }

  /** softplus⁻¹(s) = s + log(−expm1(−s)) for s &gt; 0, accurate for tiny and large s. */
  static double inverse(double s) {
    return s + Math.log(-Math.expm1(-s));
  }
}
