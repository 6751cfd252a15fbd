package dev.flowvi.engine.bijection;

/**
 * Numerically stable logistic-family functions shared by the bijections: softplus and its inverse,
 * the sigmoid, and the logarithm of softplus with its derivative. Every function is finite for
 * every finite argument where its value is representable.
 */
final class Logistic {
  /** Below this, softplus(r) = e^r to within 1e-16 relative, so log softplus(r) = r. */
  private static final double LOG_SOFTPLUS_LINEAR = -37.0;

  private Logistic() {}

  /** softplus(x) = log(1 + e^x), written as max(x, 0) + log1p(e^−|x|) so it never overflows. */
  static double softplus(double x) {
    return Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
  }

  /** The raw value r with softplus(r) = y, for y &gt; 0: r = y + log(−expm1(−y)). */
  static double softplusInverse(double y) {
    return y + Math.log(-Math.expm1(-y));
  }

  /** σ(x) = 1/(1 + e^−x), evaluated on the side where the exponential cannot overflow. */
  static double sigmoid(double x) {
    if (x >= 0) {
      return 1.0 / (1.0 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1.0 + e);
  }

  /** log softplus(r), exact down to r → −∞ where softplus itself underflows. */
  static double logSoftplus(double r) {
    return r < LOG_SOFTPLUS_LINEAR ? r : Math.log(softplus(r));
  }

  /** d/dr log softplus(r) = σ(r)/softplus(r), which tends to 1 as r → −∞. */
  static double logSoftplusSlope(double r) {
    return r < LOG_SOFTPLUS_LINEAR ? 1.0 : sigmoid(r) / softplus(r);
  }

  /** log sech²(x) = 2 (log 2 − |x| − log1p(e^−2|x|)): the log-derivative of tanh, without overflow. */
  static double logSech2(double x) {
    double a = Math.abs(x);
    return 2.0 * (LN2 - a - Math.log1p(Math.exp(-2.0 * a)));
  }

  /** sech²(x) = 4e^−2|x| / (1 + e^−2|x|)², the derivative of tanh, without overflow. */
  static double sech2(double x) {
    double e = Math.exp(-2.0 * Math.abs(x));
    double d = 1.0 + e;
    return 4.0 * e / (d * d);
  }

  private static final double LN2 = Math.log(2.0);
}
