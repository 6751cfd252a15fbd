package dev.flowvi.engine.kernel;

/**
 * The elementwise affine map y = s·x + t on one feature-major row (one coordinate over a run of
 * points), its inverse, and the reductions its backward passes need. Implemented by a scalar
 * reference and a Vector API kernel; {@link #PREFERRED} is chosen once by {@link VectorSupport}.
 *
 * <p>Forward and inverse compute exactly the scalar expressions (one multiply then one add; one
 * subtract then one divide), so both kernels give bit-identical values. The reductions sum in a
 * different order, so they agree to rounding only.
 */
public interface AffineKernel {
  /** The plain-Java reference. */
  AffineKernel SCALAR = new ScalarAffineKernel();

  /** The kernel this JVM should use: the vector one where {@link VectorSupport#enabled()}. */
  AffineKernel PREFERRED = VectorSupport.choose(
      AffineKernel.class, "dev.flowvi.engine.kernel.VectorAffineKernel", ScalarAffineKernel::new);

  /** out[outOff + i] = scale·in[inOff + i] + shift for i in [0, len). */
  void scaleShift(double[] in, int inOff, double scale, double shift, double[] out, int outOff, int len);

  /** out[outOff + i] = (in[inOff + i] − shift)/scale for i in [0, len). */
  void unshiftUnscale(double[] in, int inOff, double shift, double scale, double[] out, int outOff, int len);

  /**
   * The backward step of an affine row: writes gradIn[gradInOff + i] = factor·grad[gradOff + i], and
   * adds Σ grad to {@code sums[0]} and Σ grad·v (v at vOff) to {@code sums[1]}.
   */
  void scaleAndReduce(double[] grad, int gradOff, double[] v, int vOff, double factor,
      double[] gradIn, int gradInOff, int len, double[] sums);
}
