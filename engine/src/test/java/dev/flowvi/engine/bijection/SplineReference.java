package dev.flowvi.engine.bijection;

/**
 * Test-side helpers for the spline tests: knot positions computed independently of the kernels
 * (plain softmax and cumulative sum, as in FlowJAX), used to keep finite-difference probes away
 * from knots where the spline's third derivative jumps, and to aim extreme inputs at the knots.
 */
final class SplineReference {
  private SplineReference() {}

  /** The K+2 knots of one axis from K+1 raw values raw[from + j*step]. */
  static double[] knots(int knots, double lo, double hi, double[] raw, int from, int step) {
    int bins = knots + 1;
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < bins; j++) {
      max = Math.max(max, raw[from + j * step]);
    }
    double sum = 0;
    double[] e = new double[bins];
    for (int j = 0; j < bins; j++) {
      e[j] = Math.exp(raw[from + j * step] - max);
      sum += e[j];
    }
    double[] k = new double[bins + 1];
    k[0] = lo;
    for (int j = 0; j < bins; j++) {
      k[j + 1] = k[j] + 1e-3 + (hi - lo - 1e-3 * bins) * e[j] / sum;
    }
    k[bins] = hi;
    return k;
  }

  /** Distance from v to the nearest knot. */
  static double distanceToKnots(double v, double[] knots) {
    double d = Double.POSITIVE_INFINITY;
    for (double k : knots) {
      d = Math.min(d, Math.abs(v - k));
    }
    return d;
  }

  /** |a − b| ≤ tol·max(1, |a|, |b|): relative for large values, absolute near zero. */
  static boolean close(double a, double b, double tol) {
    return Math.abs(a - b) <= tol * Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)));
  }
}
