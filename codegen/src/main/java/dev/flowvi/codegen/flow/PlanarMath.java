package dev.flowvi.codegen.flow;

import dev.flowvi.engine.nn.DenseKernels;

/**
 * Runtime helpers of compiled Planar and block autoregressive layers: the engine's row primitives
 * (Vector API when enabled) for the batch loops, and the tanh planar layer's scalar root solve,
 * which follows the engine's {@code Planar.solve} step for step so that compiled and interpreted
 * inverses agree to rounding.
 */
public final class PlanarMath {
  /** The engine's row primitives, chosen once as the engine chooses them. */
  private static final DenseKernels ROWS = DenseKernels.preferred();

  private static final int MAX_NEWTON_STEPS = 200;

  private PlanarMath() {}

  /** y += a·x over {@code len} values. */
  public static void axpy(double a, double[] x, int xOff, double[] y, int yOff, int len) {
    ROWS.axpy(a, x, xOff, y, yOff, len);
  }

  /** Σ a·b over {@code len} values. */
  public static double dot(double[] a, int aOff, double[] b, int bOff, int len) {
    return ROWS.dot(a, aOff, b, bOff, len);
  }

  /** Σ a over {@code len} values. */
  public static double sum(double[] a, int aOff, int len) {
    return ROWS.sum(a, aOff, len);
  }

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
