package dev.flowvi.engine.nn;

/**
 * Kernels of dense layers over feature-major batches: row o of a layer's output is the n values of
 * unit o for the n points, so y = W x + b is, per output row, a bias fill plus one axpy per input
 * row, and every inner loop is unit-stride over the batch.
 *
 * <p>Weights are row-major, W[o][k] at {@code w[wOff + o*in + k]}. A {@code mask} (same layout,
 * may be null) marks the connections that exist; masked-out weights never reach a result (a NaN
 * there changes nothing) and get no gradient. A one-point call ({@code n = 1}) computes each output
 * as one dot product along its weight row.
 */
public interface DenseKernels {

  /** The kernels in use in this JVM: Vector API when enabled, else the scalar reference. */
  static DenseKernels preferred() {
    return DenseKernelsChoice.PREFERRED;
  }

  /** The scalar reference implementation. */
  static DenseKernels scalar() {
    return DenseKernelsChoice.SCALAR;
  }

  /** y[o] = b[o] + Σ_k W[o][k]·x[k] for every point; y is overwritten. */
  void dense(double[] w, int wOff, double[] b, int bOff, boolean[] mask, int out, int in,
      double[] x, int xOff, double[] y, int yOff, int n);

  /**
   * Backward pass of {@link #dense}: writes dL/dx into {@code gx} (null to skip) and adds dL/dW and
   * dL/db into {@code gw}/{@code gb} (null to skip).
   */
  void denseBackward(double[] w, int wOff, boolean[] mask, int out, int in, double[] x, int xOff,
      double[] gy, int gyOff, double[] gx, int gxOff, double[] gw, int gwOff, double[] gb, int gbOff, int n);

  /** h = act(z) elementwise over {@code len} values. */
  void activate(Activation act, double[] z, int zOff, double[] h, int hOff, int len);

  /** y += a·x over {@code len} values: the row primitive of {@link #dense}, public for generated code. */
  void axpy(double a, double[] x, int xOff, double[] y, int yOff, int len);

  /** Σ a·b over {@code len} values (the weight-gradient primitive of {@link #denseBackward}). */
  double dot(double[] a, int aOff, double[] b, int bOff, int len);

  /** Σ a over {@code len} values (the bias-gradient primitive). */
  double sum(double[] a, int aOff, int len);

  /** gz = gh · act'(z) elementwise, given the saved h = act(z). */
  void activateBackward(Activation act, double[] z, int zOff, double[] h, int hOff,
      double[] gh, int ghOff, double[] gz, int gzOff, int len);
}
