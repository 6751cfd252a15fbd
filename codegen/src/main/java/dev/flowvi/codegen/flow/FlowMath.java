package dev.flowvi.codegen.flow;

/**
 * The scalar functions and row loops that generated flow classes call. The formulas are the
 * engine's (its {@code Logistic}, {@code Tanh.artanh} and scalar dense kernels are package-private),
 * evaluated in the same order so that compiled and interpreted flows agree to rounding.
 */
public final class FlowMath {
  /** Below this, softplus(r) = e^r to within 1e-16 relative, so log softplus(r) = r. */
  private static final double LOG_SOFTPLUS_LINEAR = -37.0;
  private static final double LN2 = Math.log(2.0);

  /** The spline kernel for per-point spline transformers, chosen once as the engine chooses it. */
  public static final dev.flowvi.engine.kernel.SplineKernel SPLINE_KERNEL = dev.flowvi.engine.kernel.SplineKernel.preferred();

  private FlowMath() {}

  /** log(1 + e^x) without overflow. */
  public static double softplus(double x) {
    return Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
  }

  /** 1/(1 + e^−x) on the side where the exponential cannot overflow. */
  public static double sigmoid(double x) {
    if (x >= 0) {
      return 1.0 / (1.0 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1.0 + e);
  }

  /** log softplus(r), exact as r → −∞ where softplus underflows. */
  public static double logSoftplus(double r) {
    return r < LOG_SOFTPLUS_LINEAR ? r : Math.log(softplus(r));
  }

  /** d/dr log softplus(r) = σ(r)/softplus(r). */
  public static double logSoftplusSlope(double r) {
    return r < LOG_SOFTPLUS_LINEAR ? 1.0 : sigmoid(r) / softplus(r);
  }

  /** log sech²(x) = 2(log 2 − |x| − log1p(e^−2|x|)). */
  public static double logSech2(double x) {
    double a = Math.abs(x);
    return 2.0 * (LN2 - a - Math.log1p(Math.exp(-2.0 * a)));
  }

  /** sech²(x) = 4e^−2|x|/(1 + e^−2|x|)². */
  public static double sech2(double x) {
    double e = Math.exp(-2.0 * Math.abs(x));
    double d = 1.0 + e;
    return 4.0 * e / (d * d);
  }

  /** artanh(y) = ½ log1p(2|y|/(1 − |y|)) with the sign of y. */
  public static double artanh(double y) {
    double a = Math.abs(y);
    return Math.copySign(0.5 * Math.log1p(2.0 * a / (1.0 - a)), y);
  }

  /** Decodes a comma-separated int table of a generated class ("" is the empty table). */
  public static int[] table(String values) {
    if (values.isEmpty()) {
      return new int[0];
    }
    String[] parts = values.split(",");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Integer.parseInt(parts[i].trim());
    }
    return out;
  }

  /**
   * One unit of a masked dense layer: out row {@code unit} = bias + Σ w·in over the connected
   * inputs {@code col[start[unit]] .. col[start[unit+1]−1]} only, so structural zeros cost nothing.
   * The order (bias, then inputs ascending) is the interpreted kernel's.
   */
  public static void denseUnit(double[] p, int weights, double bias, int inputs, int[] start, int[] col, int unit,
      double[] in, double[] out, int n) {
    int row = unit * n;
    java.util.Arrays.fill(out, row, row + n, bias);
    int w = weights + unit * inputs;
    for (int e = start[unit]; e < start[unit + 1]; e++) {
      int k = col[e];
      double a = p[w + k];
      int src = k * n;
      for (int i = 0; i < n; i++) {
        out[row + i] += a * in[src + i];
      }
    }
  }

  /**
   * Backward pass of {@link #denseUnit} for one unit with output adjoint row {@code g}: adds
   * dL/dbias and dL/dw of the connected weights to {@code gp}, and w·g to the input adjoint rows
   * below {@code inputLimit} (conditioning inputs get no gradient).
   */
  public static void denseUnitBackward(double[] p, int weights, int bias, int inputs, int[] start, int[] col, int unit,
      double[] in, double[] g, double[] gIn, int inputLimit, double[] gp, int n) {
    int row = unit * n;
    gp[bias + unit] += sum(g, row, n);
    int w = weights + unit * inputs;
    for (int e = start[unit]; e < start[unit + 1]; e++) {
      int k = col[e];
      int src = k * n;
      gp[w + k] += dot(g, row, in, src, n);
      if (k < inputLimit) {
        double a = p[w + k];
        for (int i = 0; i < n; i++) {
          gIn[src + i] += a * g[row + i];
        }
      }
    }
  }

  /** Four partial sums, as the interpreted kernel, so the reduction is not latency bound. */
  public static double dot(double[] a, int aOff, double[] b, int bOff, int len) {
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

  public static double sum(double[] a, int aOff, int len) {
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
