package dev.flowvi.engine.kernel;

/**
 * The rational-quadratic spline inside one bin (Durkan et al. 2019): ξ is the position in the bin,
 * s = h/w its mean slope, d0 and d1 the slopes at its two knots. Shared by the scalar kernel and
 * by the code the flow compiler generates, so both evaluate the same formulas.
 */
public final class RationalQuadraticBin {
  private RationalQuadraticBin() {}

  /**
   * y = y_k + h[sξ² + d0 ξ(1−ξ)]/D with D = s + (d0 + d1 − 2s)ξ(1−ξ) (Durkan et al. 2019, eq. 4),
   * rearranged as x + (y_k − x_k) + (s − 1)(x − x_k) + hξ(1−ξ)(d0 − s − (d0 + d1 − 2s)ξ)/D.
   */
  public static double value(double v, double xk, double yk, double h, double s, double xi, double d0, double d1) {
    double t = xi * (1 - xi);
    double dd = d0 + d1 - 2 * s;
    double den = s + dd * t;
    return v + (yk - xk) + (s - 1) * (v - xk) + h * t * (d0 - s - dd * xi) / den;
  }

  /** log dy/dx = log(s² M / D²) (Durkan et al. 2019, eq. 5). */
  public static double logSlope(double s, double xi, double d0, double d1) {
    double t = xi * (1 - xi);
    double den = s + (d0 + d1 - 2 * s) * t;
    double r = s / den;
    return Math.log(r * r * slopeNumerator(s, xi, d0, d1));
  }

  /** M = d1ξ² + 2sξ(1−ξ) + d0(1−ξ)², written as s + (d1 − s)ξ² + (d0 − s)(1 − ξ)², exactly s at the identity. */
  public static double slopeNumerator(double s, double xi, double d0, double d1) {
    double u = 1 - xi;
    return s + (d1 - s) * xi * xi + (d0 - s) * u * u;
  }

  /** dM/dξ. */
  public static double slopeNumeratorDxi(double s, double xi, double d0, double d1) {
    return 2 * (d1 - s) * xi - 2 * (d0 - s) * (1 - xi);
  }
}
