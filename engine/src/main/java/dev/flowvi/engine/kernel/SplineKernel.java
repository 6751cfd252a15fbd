package dev.flowvi.engine.kernel;

/**
 * Batched rational-quadratic spline passes (Durkan et al. 2019, arXiv 1906.04032) in FlowJAX 18's
 * parameterisation, over the {@link dev.flowvi.engine.bijection.Transformer} layout.
 *
 * <p><b>Raw parameters.</b> For {@code knots} = K inner knots there are K+1 bins and 3K+4 raw
 * values per point, in this order: K+1 raw widths, K+1 raw heights, K+2 raw derivatives. Raw value
 * p of point i sits at {@code raw[rawOff + p*stride + i]}. Widths are {@code m + (hi − lo −
 * m(K+1))·softmax(raw widths)} with m = {@link #MIN_WIDTH}, heights likewise, and derivatives are
 * {@code softplus(raw) + }{@link #MIN_DERIVATIVE} at all K+2 knots.
 *
 * <p><b>Outside [lo, hi]</b> the map is the identity with log-det 0 and zero raw gradient. The
 * spline maths always runs on the input clamped into [lo, hi] with the bin index clamped into
 * [0, K], so the unselected branch can never produce a NaN (FlowJAX #239/#240, Pyro #3139).
 *
 * <p><b>Passes.</b> {@code forward} writes y and adds log dy/dx to {@code logDet}; {@code
 * inverse} writes x and adds −log dy/dx. The backward passes write dL/d(input) and write dL/draw
 * for all 3K+4 raws at {@code gradRaw[gradRawOff + p*stride + i]}; they use those gradRaw slots
 * as scratch first, so {@code gradRaw} must not alias any input. No pass allocates.
 */
public interface SplineKernel {
  /** Smallest bin width and height, as a fraction-free absolute value (FlowJAX's min_bin_width). */
  double MIN_WIDTH = 1e-3;

  /** Floor added to every softplus derivative, so slopes stay positive. */
  double MIN_DERIVATIVE = 1e-3;

  /** Raw parameter rows per point for {@code knots} inner knots: K+1 widths, K+1 heights, K+2 slopes. */
  static int rawRows(int knots) {
    return 3 * knots + 4;
  }

  void forward(int knots, double lo, double hi,
      double[] raw, int rawOff, int stride, double[] x, int xOff, double[] y, int yOff, double[] logDet, int len);

  void inverse(int knots, double lo, double hi,
      double[] raw, int rawOff, int stride, double[] y, int yOff, double[] x, int xOff, double[] logDet, int len);

  /** From dL/dy and dL/dlogDet of {@link #forward}: writes dL/dx and dL/draw. */
  void forwardBackward(int knots, double lo, double hi,
      double[] raw, int rawOff, int stride, double[] x, int xOff,
      double[] gradY, int gradYOff, double[] gradLogDet,
      double[] gradX, int gradXOff, double[] gradRaw, int gradRawOff, int len);

  /** From dL/dx and dL/dlogDet of {@link #inverse}: writes dL/dy and dL/draw. */
  void inverseBackward(int knots, double lo, double hi,
      double[] raw, int rawOff, int stride, double[] y, int yOff,
      double[] gradX, int gradXOff, double[] gradLogDet,
      double[] gradY, int gradYOff, double[] gradRaw, int gradRawOff, int len);

  /** The kernel this JVM should use: the vector one when {@link VectorSupport#enabled()}. */
  static SplineKernel preferred() {
    return SplineKernelChoice.PREFERRED;
  }
}
