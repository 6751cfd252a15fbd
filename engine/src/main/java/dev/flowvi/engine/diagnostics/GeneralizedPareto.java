package dev.flowvi.engine.diagnostics;

import dev.flowvi.engine.core.Checks;

/**
 * A generalised Pareto distribution with location 0, shape k and scale σ, with
 * F(x) = 1 − (1 + k x/σ)^(−1/k), fitted to exceedances by the empirical Bayes estimate of Zhang
 * and Stephens (2009, Technometrics 51(3), "A new and efficient estimation method for the
 * generalized Pareto distribution") in the form PSIS uses (Vehtari et al., arXiv 1507.02646,
 * appendix). The estimate is the plain Zhang–Stephens one: the weakly informative shrinkage of k
 * belongs to PSIS and is applied there.
 */
public final class GeneralizedPareto {
  /** The prior constant 3 of the θ grid in Zhang and Stephens (2009), section 3. */
  private static final double GRID_PRIOR = 3.0;
  /** Grid weights below this are dropped before θ̂ is formed, as the PSIS reference code does. */
  private static final double NEGLIGIBLE_WEIGHT = 10 * Math.ulp(1.0);

  private final double shape;
  private final double scale;

  private GeneralizedPareto(double shape, double scale) {
    this.shape = shape;
    this.scale = scale;
  }

  public static GeneralizedPareto of(double shape, double scale) {
    Checks.finite("shape", shape);
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("scale is " + scale + ", expected a finite value > 0");
    }
    return new GeneralizedPareto(shape, scale);
  }

  /**
   * Fits exceedances {@code x[0..n)}, which must be sorted ascending, non-negative, and have
   * x[n−1] > 0. With m = 30 + ⌊√n⌋ grid points θ_j = 1/x_(n) + (1 − sqrt(m/(j − ½)))/(3 x*),
   * x* the first quartile x[⌊n/4 + ½⌋] (1-based), profile log likelihood
   * ℓ_j = n(log(−θ_j/k_j) − k_j − 1) with k_j = mean log1p(−θ_j x_i), θ̂ = Σ softmax(ℓ)_j θ_j,
   * k̂ = mean log1p(−θ̂ x_i) and σ̂ = −k̂/θ̂.
   */
  public static GeneralizedPareto fit(double[] x, int n) {
    if (n < 5) {
      throw new IllegalArgumentException("n is " + n + ", expected at least 5 exceedances for a generalised Pareto fit");
    }
    if (x == null || x.length < n) {
      throw new IllegalArgumentException(
          "x has length " + (x == null ? "null" : String.valueOf(x.length)) + ", expected at least n = " + n);
    }
    for (int i = 0; i < n; i++) {
      if (!(x[i] >= 0) || Double.isInfinite(x[i]) || (i > 0 && x[i] < x[i - 1])) {
        throw new IllegalArgumentException("x[" + i + "] is " + x[i] + ", expected finite non-negative exceedances sorted ascending");
      }
    }
    double xMax = x[n - 1];
    double xStar = x[(int) (n / 4.0 + 0.5) - 1];
    if (!(xMax > 0) || !(xStar > 0)) {
      throw new IllegalArgumentException(
          "x has first quartile " + xStar + " and maximum " + xMax + ", expected both > 0 (the tail has no spread)");
    }
    int m = 30 + (int) Math.sqrt(n);
    double[] theta = new double[m];
    double[] logLik = new double[m];
    double maxLogLik = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < m; j++) {
      theta[j] = 1.0 / xMax + (1.0 - Math.sqrt(m / (j + 0.5))) / (GRID_PRIOR * xStar);
      double k = meanLog1p(-theta[j], x, n);
      logLik[j] = n * (Math.log(-theta[j] / k) - k - 1.0);
      maxLogLik = Math.max(maxLogLik, logLik[j]);
    }
    double total = 0;
    double[] weight = new double[m];
    for (int j = 0; j < m; j++) {
      weight[j] = Math.exp(logLik[j] - maxLogLik);
      total += weight[j];
    }
    double kept = 0;
    double thetaHat = 0;
    for (int j = 0; j < m; j++) {
      double wj = weight[j] / total;
      if (wj >= NEGLIGIBLE_WEIGHT) {
        kept += wj;
        thetaHat += wj * theta[j];
      }
    }
    thetaHat /= kept;
    double k = meanLog1p(-thetaHat, x, n);
    return new GeneralizedPareto(k, -k / thetaHat);
  }

  /** mean over i of log1p(a·x_i). */
  private static double meanLog1p(double a, double[] x, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += Math.log1p(a * x[i]);
    }
    return sum / n;
  }

  /** k: the tail index; the distribution has finite moments of order below 1/k. */
  public double shape() {
    return shape;
  }

  /** σ. */
  public double scale() {
    return scale;
  }

  /** F⁻¹(p) = σ expm1(−k log1p(−p))/k, and −σ log1p(−p) for |k| below one ulp of 1, for p in [0, 1). */
  public double quantile(double p) {
    if (!(p >= 0 && p < 1)) {
      throw new IllegalArgumentException("p is " + p + ", expected a probability in [0, 1)");
    }
    double l = Math.log1p(-p);
    return Math.abs(shape) < Math.ulp(1.0) ? -scale * l : scale * Math.expm1(-shape * l) / shape;
  }

  @Override
  public String toString() {
    return "GeneralizedPareto(k=" + shape + ", sigma=" + scale + ")";
  }
}
