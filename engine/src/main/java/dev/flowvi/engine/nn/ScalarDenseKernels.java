package dev.flowvi.engine.nn;

/**
 * Scalar reference of {@link DenseKernels}: the layer loops over three row primitives ({@link
 * #axpy}, {@link #dot}, {@link #sum}, and {@link #maskedDot} for one-point layers) and the
 * activations. The vector implementation overrides the primitives.
 */
class ScalarDenseKernels implements DenseKernels {

  @Override
  public void dense(double[] w, int wOff, double[] b, int bOff, boolean[] mask, int out, int in,
      double[] x, int xOff, double[] y, int yOff, int n) {
    if (n == 1) {
      denseOnePoint(w, wOff, b, bOff, mask, out, in, x, xOff, y, yOff);
      return;
    }
    for (int o = 0; o < out; o++) {
      int yRow = yOff + o * n;
      java.util.Arrays.fill(y, yRow, yRow + n, b[bOff + o]);
      int wRow = wOff + o * in;
      for (int k = 0; k < in; k++) {
        if (mask == null || mask[o * in + k]) {
          axpy(w[wRow + k], x, xOff + k * n, y, yRow, n);
        }
      }
    }
  }

  /**
   * One point (serving latency): x and y are contiguous, so each output is one dot product along
   * its weight row instead of {@code in} axpy calls of length 1.
   */
  private void denseOnePoint(double[] w, int wOff, double[] b, int bOff, boolean[] mask, int out, int in,
      double[] x, int xOff, double[] y, int yOff) {
    for (int o = 0; o < out; o++) {
      y[yOff + o] = b[bOff + o] + maskedDot(w, wOff + o * in, mask, o * in, x, xOff, in);
    }
  }

  @Override
  public void denseBackward(double[] w, int wOff, boolean[] mask, int out, int in, double[] x, int xOff,
      double[] gy, int gyOff, double[] gx, int gxOff, double[] gw, int gwOff, double[] gb, int gbOff, int n) {
    if (gx != null) {
      java.util.Arrays.fill(gx, gxOff, gxOff + in * n, 0.0);
    }
    for (int o = 0; o < out; o++) {
      int gyRow = gyOff + o * n;
      if (gb != null) {
        gb[gbOff + o] += sum(gy, gyRow, n);
      }
      for (int k = 0; k < in; k++) {
        if (mask != null && !mask[o * in + k]) {
          continue;
        }
        if (gw != null) {
          gw[gwOff + o * in + k] += dot(gy, gyRow, x, xOff + k * n, n);
        }
        if (gx != null) {
          axpy(w[wOff + o * in + k], gy, gyRow, gx, gxOff + k * n, n);
        }
      }
    }
  }

  @Override
  public void activate(Activation act, double[] z, int zOff, double[] h, int hOff, int len) {
    for (int i = 0; i < len; i++) {
      h[hOff + i] = act.value(z[zOff + i]);
    }
  }

  @Override
  public void activateBackward(Activation act, double[] z, int zOff, double[] h, int hOff,
      double[] gh, int ghOff, double[] gz, int gzOff, int len) {
    for (int i = 0; i < len; i++) {
      gz[gzOff + i] = gh[ghOff + i] * act.derivative(z[zOff + i], h[hOff + i]);
    }
  }

  /**
   * Σ_k w[k]·x[k] over the k with mask[maskOff + k] set (all of them when {@code mask} is null);
   * masked-out weights are not read.
   */
  double maskedDot(double[] w, int wOff, boolean[] mask, int maskOff, double[] x, int xOff, int len) {
    if (mask == null) {
      return dot(w, wOff, x, xOff, len);
    }
    double s = 0;
    for (int k = 0; k < len; k++) {
      if (mask[maskOff + k]) {
        s += w[wOff + k] * x[xOff + k];
      }
    }
    return s;
  }

  /** y += a·x over len values. */
  public void axpy(double a, double[] x, int xOff, double[] y, int yOff, int len) {
    for (int i = 0; i < len; i++) {
      y[yOff + i] += a * x[xOff + i];
    }
  }

  /**
   * Four independent partial sums: the JIT may not reorder a floating-point reduction, so one
   * accumulator would be bound by the add latency.
   */
  public double dot(double[] a, int aOff, double[] b, int bOff, int len) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < len; i += 4) {
      s0 += a[aOff + i] * b[bOff + i];
      s1 += a[aOff + i + 1] * b[bOff + i + 1];
      s2 += a[aOff + i + 2] * b[bOff + i + 2];
      s3 += a[aOff + i + 3] * b[bOff + i + 3];
    }
    for (; i < len; i++) {
      s0 += a[aOff + i] * b[bOff + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  public double sum(double[] a, int aOff, int len) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < len; i += 4) {
      s0 += a[aOff + i];
      s1 += a[aOff + i + 1];
      s2 += a[aOff + i + 2];
      s3 += a[aOff + i + 3];
    }
    for (; i < len; i++) {
      s0 += a[aOff + i];
    }
    return (s0 + s1) + (s2 + s3);
  }
}
