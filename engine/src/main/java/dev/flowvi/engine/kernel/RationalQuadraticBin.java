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

  /**
   * The inverse's ξ for Δ = y − y_k ≥ 0 (Durkan et al. 2019, eqs. 6-8): aξ² + bξ + c = 0 with
   * c = −sΔ ≤ 0, solved by the stable root ξ = 2sΔ / (b + √(b² − 4ac)); b + √· &gt; 0 for every
   * Δ ≥ 0. The clamp only removes rounding.
   */
  public static double inversePosition(double delta, double h, double s, double d0, double d1) {
    double qb = quadraticB(delta, h, s, d0, d1);
    return Math.min(2 * s * delta / (qb + quadraticRoot(delta, h, s, d0, d1)), 1.0);
  }

  /**
   * x = x_k + wξ for the y = v in the bin, written as y + (x_k − y_k) + Δ(2h − b − √·)/(b + √·):
   * each correction is exactly 0 at the identity initialisation, where b = h and √· = h.
   */
  public static double inverseValue(double v, double xk, double yk, double h, double s, double d0, double d1) {
    double delta = v - yk;
    double qb = quadraticB(delta, h, s, d0, d1);
    double root = quadraticRoot(delta, h, s, d0, d1);
    return v + (xk - yk) + delta * (2 * h - qb - root) / (qb + root);
  }

  /** b of the inverse's quadratic. */
  private static double quadraticB(double delta, double h, double s, double d0, double d1) {
    double dd = d0 + d1 - 2 * s;
    return h * d0 - delta * dd;
  }

  /** √(b² − 4ac) of the inverse's quadratic, with a = h(s − d0) + Δ(d0 + d1 − 2s) and c = −sΔ. */
  private static double quadraticRoot(double delta, double h, double s, double d0, double d1) {
    double dd = d0 + d1 - 2 * s;
    double qa = h * (s - d0) + delta * dd;
    double qb = quadraticB(delta, h, s, d0, d1);
    return Math.sqrt(Math.max(qb * qb + 4 * qa * s * delta, 0.0));
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
