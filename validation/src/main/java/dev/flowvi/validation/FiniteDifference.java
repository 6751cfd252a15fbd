package dev.flowvi.validation;

/**
 * The central-difference step shared by the checks.
 *
 * <p>A central difference (f(x+h) − f(x−h))/2h has truncation error h²|f'''|/6 and round-off
 * error about ε|f|/h, where ε = 2⁻⁵² is the double-precision unit round-off. Their sum is
 * smallest at h ∝ ε^{1/3}, where both are of order ε^{2/3} ≈ 4e-11 relative to the scale of f and
 * its derivatives. Scaling by max(1, |x|) keeps the step a fixed number of ulps of x when |x| is
 * large, and an absolute step near 0, where a relative one would vanish. The step is then rounded
 * so that x + h is exactly representable, which removes the error of the step itself.
 */
final class FiniteDifference {
  /** ε^{1/3} ≈ 6.06e-6. */
  static final double CBRT_EPSILON = Math.cbrt(Math.ulp(1.0));

  private FiniteDifference() {}

  /** The step for a central difference at x. */
  static double step(double x) {
    double h = CBRT_EPSILON * Math.max(1.0, Math.abs(x));
    double up = x + h;
    return up - x;
  }
}
