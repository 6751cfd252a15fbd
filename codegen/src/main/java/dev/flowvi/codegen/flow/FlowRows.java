package dev.flowvi.codegen.flow;

import dev.flowvi.engine.nn.DenseKernels;

/**
 * The engine's batch-row primitives (Vector API when enabled, chosen once as the engine chooses
 * them) as static calls for the generated Planar and block autoregressive layers, whose dense rows
 * then run the same loops as the interpreted layers.
 */
public final class FlowRows {
  private static final DenseKernels ROWS = DenseKernels.preferred();

  private FlowRows() {}

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
}
