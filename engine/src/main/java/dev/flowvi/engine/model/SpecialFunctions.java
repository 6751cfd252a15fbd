package dev.flowvi.engine.model;

/**
 * Log-gamma and digamma for positive arguments, as the normalising constants of the gamma, beta,
 * Student-t, Dirichlet, Poisson and binomial densities need them.
 *
 * <p>Both shift the argument above 10 with the recurrences Γ(x+1) = xΓ(x) and ψ(x+1) = ψ(x) + 1/x,
 * then sum the Stirling (de Moivre) asymptotic series; at x ≥ 10 the first omitted term is below
 * 1e-16 absolute, so the result is accurate to a few ulp of the largest term.
 */
public final class SpecialFunctions {
  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
  private static final double SHIFT = 10;

  private SpecialFunctions() {}

  /** log Γ(x) for x > 0; +∞ at 0 and NaN below. */
  public static double logGamma(double x) {
    if (!(x > 0)) {
      return x == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
    }
    if (x == Double.POSITIVE_INFINITY) {
      return x;
    }
    double product = 1;
    while (x < SHIFT) {
      product *= x;
      x += 1;
    }
    double r = 1 / x;
    double r2 = r * r;
    // Stirling series: Σ B_2k / (2k(2k−1) x^(2k−1)).
    double series = r * (1.0 / 12 + r2 * (-1.0 / 360 + r2 * (1.0 / 1260 + r2 * (-1.0 / 1680
        + r2 * (1.0 / 1188 + r2 * (-691.0 / 360360 + r2 * (1.0 / 156)))))));
    return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + series - Math.log(product);
  }

  /** ψ(x) = d/dx log Γ(x) for x > 0; NaN otherwise. */
  public static double digamma(double x) {
    if (!(x > 0)) {
      return x == 0 ? Double.NEGATIVE_INFINITY : Double.NaN;
    }
    double shift = 0;
    while (x < SHIFT) {
      shift += 1 / x;
      x += 1;
    }
    double r2 = 1 / (x * x);
    // Asymptotic series: log x − 1/(2x) − Σ B_2k / (2k x^(2k)).
    double series = r2 * (1.0 / 12 + r2 * (-1.0 / 120 + r2 * (1.0 / 252 + r2 * (-1.0 / 240
        + r2 * (1.0 / 132 + r2 * (-691.0 / 32760 + r2 * (1.0 / 12)))))));
    return Math.log(x) - 0.5 / x - series - shift;
  }
}
