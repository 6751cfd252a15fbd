package dev.flowvi.codegen.flow;

/**
 * The scalar root solve of compiled tanh Planar layers, which follows the engine's {@code
 * Planar.solve} step for step so that compiled and interpreted inverses agree to rounding.
 */
public final class PlanarMath {
  private static final int MAX_NEWTON_STEPS = 200;

  private PlanarMath() {}

  /**
   * The root of a + m·tanh(a) = c for m &gt; −1: |tanh| &lt; 1 puts it within |m| of c and the
   * left side increases, so Newton steps are kept inside a bracket that shrinks by sign.
   */
  public static double solveTanh(double c, double m) {
    double lo = c - Math.abs(m);
    double hi = c + Math.abs(m);
    double a = c;
    for (int it = 0; it < MAX_NEWTON_STEPS; it++) {
      double t = Math.tanh(a);
      double f = a + m * t - c;
      if (f == 0) {
        return a;
      }
      if (f > 0) {
        hi = a;
      } else {
        lo = a;
      }
      double next = a - f / (1 + m * (1 - t * t));
      if (!(next > lo && next < hi)) {
        next = 0.5 * (lo + hi);
      }
      // The engine's stopping rule: a step or a bracket below 1e-15 relative.
      if (Math.abs(next - a) <= 1e-15 * (1 + Math.abs(a)) || hi - lo <= 1e-15 * (1 + Math.abs(a))) {
        return next;
      }
      a = next;
    }
    return a;
  }
}
