package dev.flowvi.engine.examples;

/**
 * The row sweep of {@link M1LogPosterior} for one sample: Σ_r log(w1·N(y_r | m1 x_r, s1) + (1 −
 * w1)·N(y_r | m2 x_r + c2, s2)) and, for the gradient, its partial derivatives in θ = (m1, m2, c2,
 * w1). This is the scalar reference; {@link M1RowsVector} is the Vector API version, chosen by
 * {@link dev.flowvi.engine.kernel.VectorSupport}.
 */
class M1Rows {
  static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
  static final double LOG_NORM1 = -Math.log(M1Data.S1) - HALF_LOG_TWO_PI;
  static final double LOG_NORM2 = -Math.log(M1Data.S2) - HALF_LOG_TWO_PI;

  /** log p(y | θ) over all rows; with g not null, also its gradient with respect to θ into g[0..3]. */
  double sweep(double[] x, double[] y, double[] theta, double[] g) {
    return scalarSweep(x, y, 0, x.length, theta, g);
  }

  /**
   * Rows [from, to): returns their log-likelihood; with g not null, adds their partial derivatives
   * into g.
   */
  static double scalarSweep(double[] x, double[] y, int from, int to, double[] theta, double[] g) {
    double m1 = theta[0];
    double m2 = theta[1];
    double c2 = theta[2];
    double w1 = theta[3];
    double logW1 = Math.log(w1);
    double logW2 = Math.log1p(-w1);
    double s1 = M1Data.S1;
    double s2 = M1Data.S2;
    double total = 0;
    double gm1 = 0;
    double gm2 = 0;
    double gc2 = 0;
    double gw = 0;
    for (int r = from; r < to; r++) {
      double d1 = (y[r] - m1 * x[r]) / s1;
      double d2 = (y[r] - m2 * x[r] - c2) / s2;
      double a = logW1 - 0.5 * d1 * d1 + LOG_NORM1;
      double b = logW2 - 0.5 * d2 * d2 + LOG_NORM2;
      double max = Math.max(a, b);
      double ea = Math.exp(a - max);
      double eb = Math.exp(b - max);
      double sum = ea + eb;
      total += max + Math.log(sum);
      if (g != null) {
        // Responsibilities of the two lines.
        double r1 = ea / sum;
        double r2 = eb / sum;
        gm1 += r1 * d1 / s1 * x[r];
        gm2 += r2 * d2 / s2 * x[r];
        gc2 += r2 * d2 / s2;
        gw += r1 / w1 - r2 / (1 - w1);
      }
    }
    if (g != null) {
      g[0] += gm1;
      g[1] += gm2;
      g[2] += gc2;
      g[3] += gw;
    }
    return total;
  }
}
