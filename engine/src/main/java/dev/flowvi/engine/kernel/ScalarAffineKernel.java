package dev.flowvi.engine.kernel;

/** Plain-Java reference of {@link AffineKernel}. */
final class ScalarAffineKernel implements AffineKernel {
  ScalarAffineKernel() {}

  @Override
  public void scaleShift(double[] in, int inOff, double scale, double shift, double[] out, int outOff, int len) {
    for (int i = 0; i < len; i++) {
      out[outOff + i] = scale * in[inOff + i] + shift;
    }
  }

  @Override
  public void unshiftUnscale(double[] in, int inOff, double shift, double scale, double[] out, int outOff, int len) {
    for (int i = 0; i < len; i++) {
      out[outOff + i] = (in[inOff + i] - shift) / scale;
    }
  }

  @Override
  public void scaleAndReduce(double[] grad, int gradOff, double[] v, int vOff, double factor,
      double[] gradIn, int gradInOff, int len, double[] sums) {
    double sum = 0.0;
    double dot = 0.0;
    for (int i = 0; i < len; i++) {
      double g = grad[gradOff + i];
      gradIn[gradInOff + i] = factor * g;
      sum += g;
      dot += g * v[vOff + i];
    }
    sums[0] += sum;
    sums[1] += dot;
  }
}
