package dev.flowvi.engine.distribution;

/**
 * log Γ(x) for x &gt; 0 by the Lanczos (1964) approximation with g = 7 and nine terms, which is
 * accurate to about 1e-15 relative for x ≥ 0.5; smaller x use Γ(x) = Γ(x + 1)/x. Used only for
 * normalising constants, outside hot loops.
 */
final class LogGamma {
  private static final double G = 7.0;
  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2.0 * Math.PI);
  private static final double[] COEFFICIENTS = {
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  };

  private LogGamma() {}

  static double of(double x) {
    if (!(x > 0) || Double.isInfinite(x)) {
      throw new IllegalArgumentException("x is " + x + ", expected a finite value > 0 for log Gamma(x)");
    }
    if (x < 0.5) {
      return of(x + 1.0) - Math.log(x);
    }
    double y = x - 1.0;
    double sum = COEFFICIENTS[0];
    for (int k = 1; k < COEFFICIENTS.length; k++) {
      sum += COEFFICIENTS[k] / (y + k);
    }
    double t = y + G + 0.5;
    return HALF_LOG_TWO_PI + (y + 0.5) * Math.log(t) - t + Math.log(sum);
  }
}
