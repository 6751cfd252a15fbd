package dev.flowvi.engine.kernel;

import static dev.flowvi.engine.kernel.RationalQuadraticBin.slopeNumerator;
import static dev.flowvi.engine.kernel.RationalQuadraticBin.slopeNumeratorDxi;

/**
 * Adjoints of one bin's {@link RationalQuadraticBin} formulas: y = y_k + h·N/D and log-det =
 * log(s²M/D²), with N = sξ² + d0 ξ(1−ξ), D = s + (d0 + d1 − 2s)ξ(1−ξ) and M the slope numerator.
 * From gy = dL/dy and gl = dL/dlogDet at fixed ξ and s, each method returns one adjoint. Shared
 * by the scalar kernel and by the code the flow compiler generates, so both differentiate the
 * same formulas.
 *
 * <p>One value per method, so that callers need no holder for the results: the methods are small
 * and static, so the JIT inlines them and evaluates their common terms (D, N, M and their
 * adjoints) once; every result is bit-identical however often a term is written.
 */
public final class RationalQuadraticBinAdjoint {
  private RationalQuadraticBinAdjoint() {}

  /** dL/dξ at fixed s, d0 and d1. */
  public static double position(double gy, double gl, double h, double s, double xi, double d0, double d1) {
    double dd = d0 + d1 - 2 * s;
    return numeratorAdjoint(gy, h, s, xi, d0, d1) * (2 * s * xi + d0 * (1 - 2 * xi))
        + denominatorAdjoint(gy, gl, h, s, xi, d0, d1) * dd * (1 - 2 * xi)
        + slopeNumeratorAdjoint(gl, s, xi, d0, d1) * slopeNumeratorDxi(s, xi, d0, d1);
  }

  /** dL/ds at fixed ξ, h, d0 and d1: s enters N, D, M and the s² of the log-det. */
  public static double meanSlope(double gy, double gl, double h, double s, double xi, double d0, double d1) {
    double t = xi * (1 - xi);
    return numeratorAdjoint(gy, h, s, xi, d0, d1) * xi * xi
        + denominatorAdjoint(gy, gl, h, s, xi, d0, d1) * (1 - 2 * t)
        + slopeNumeratorAdjoint(gl, s, xi, d0, d1) * 2 * t
        + 2 * gl / s;
  }

  /** dL/dd0, the slope at the bin's left knot. */
  public static double leftSlope(double gy, double gl, double h, double s, double xi, double d0, double d1) {
    double t = xi * (1 - xi);
    return (numeratorAdjoint(gy, h, s, xi, d0, d1) + denominatorAdjoint(gy, gl, h, s, xi, d0, d1)) * t
        + slopeNumeratorAdjoint(gl, s, xi, d0, d1) * (1 - xi) * (1 - xi);
  }

  /** dL/dd1, the slope at the bin's right knot. */
  public static double rightSlope(double gy, double gl, double h, double s, double xi, double d0, double d1) {
    double t = xi * (1 - xi);
    return denominatorAdjoint(gy, gl, h, s, xi, d0, d1) * t + slopeNumeratorAdjoint(gl, s, xi, d0, d1) * xi * xi;
  }

  /** dL/dh at fixed ξ and w: directly through h·N/D and through s = h/w, whose adjoint is gS. */
  public static double height(double gy, double gS, double w, double s, double xi, double d0, double d1) {
    return gy * numerator(s, xi, d0) / denominator(s, xi, d0, d1) + gS / w;
  }

  /**
   * dL/dy of the inverse, where ξ solves y = Y(ξ) and the loss depends on x = x_k + wξ (gx =
   * dL/dx) and on the inverse's log-det, −log-det(ξ) (gl its adjoint): the implicit function
   * theorem gives dξ/dy = 1/Y_ξ with Y_ξ = hsM/D².
   */
  public static double inverseOutput(double gx, double gl, double h, double w, double s, double xi, double d0, double d1) {
    double dd = d0 + d1 - 2 * s;
    double den = denominator(s, xi, d0, d1);
    double m = slopeNumerator(s, xi, d0, d1);
    double yXi = h * s * m / (den * den);
    double ldXi = slopeNumeratorDxi(s, xi, d0, d1) / m - 2 * dd * (1 - 2 * xi) / den;
    return (gx * w - gl * ldXi) / yXi;
  }

  private static double numerator(double s, double xi, double d0) {
    double t = xi * (1 - xi);
    return s * xi * xi + d0 * t;
  }

  private static double denominator(double s, double xi, double d0, double d1) {
    double t = xi * (1 - xi);
    double dd = d0 + d1 - 2 * s;
    return s + dd * t;
  }

  private static double numeratorAdjoint(double gy, double h, double s, double xi, double d0, double d1) {
    return gy * h / denominator(s, xi, d0, d1);
  }

  /** D enters y through h·N/D and the log-det through −2 log D. */
  private static double denominatorAdjoint(double gy, double gl, double h, double s, double xi, double d0, double d1) {
    double den = denominator(s, xi, d0, d1);
    return -gy * h * numerator(s, xi, d0) / (den * den) - 2 * gl / den;
  }

  private static double slopeNumeratorAdjoint(double gl, double s, double xi, double d0, double d1) {
    return gl / slopeNumerator(s, xi, d0, d1);
  }
}
