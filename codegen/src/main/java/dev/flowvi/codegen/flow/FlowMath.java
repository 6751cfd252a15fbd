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

  /** The engine's row primitives (Vector API when enabled), so compiled layers run the same loops. */
  private static final dev.flowvi.engine.nn.DenseKernels ROWS = dev.flowvi.engine.nn.DenseKernels.preferred();

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
    return Math.copySign(0.5 * log1p(2.0 * a / (1.0 - a)), y);
  }

  /**
   * log(1 + x) from the intrinsic {@link Math#log}: with w = 1 ⊕ x, log(w)·x/(w − 1) cancels the
   * rounding of w (Goldberg 1991, Theorem 4). Within 2 ulp of {@link Math#log1p} (FlowMathTest),
   * which is pure Java rather than an intrinsic: with both replacements the triangular spline
   * flow's forward plus backward pass (FlowCompilerBenchmark, 26-D, 500 points) went from 10.4 to
   * 9.7–9.9 ms.
   */
  public static double log1p(double x) {
    double w = 1.0 + x;
    if (w == 1.0) {
      return x;
    }
    if (w == Double.POSITIVE_INFINITY) {
      return w;
    }
    return Math.log(w) * (x / (w - 1.0));
  }

  /**
   * e^x − 1 from the intrinsic {@link Math#exp} and {@link Math#log}: with u = e^x rounded,
   * (u − 1)·x/log(u) cancels the rounding of u (Kahan). Within 2 ulp of {@link Math#expm1} (FlowMathTest).
   */
  public static double expm1(double x) {
    double u = Math.exp(x);
    if (u == 1.0) {
      return x;
    }
    double um1 = u - 1.0;
    if (um1 == -1.0) {
      return -1.0;
    }
    if (u == Double.POSITIVE_INFINITY) {
      return u;
    }
    return um1 * (x / Math.log(u));
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
   * The order (bias, then inputs ascending) and the row kernel are the interpreted layer's.
   */
  public static void denseUnit(double[] p, int weights, double bias, int inputs, int[] start, int[] col, int unit,
      double[] in, double[] out, int n) {
    int row = unit * n;
    java.util.Arrays.fill(out, row, row + n, bias);
    int w = weights + unit * inputs;
    for (int e = start[unit]; e < start[unit + 1]; e++) {
      int k = col[e];
      ROWS.axpy(p[w + k], in, k * n, out, row, n);
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
    gp[bias + unit] += ROWS.sum(g, row, n);
    int w = weights + unit * inputs;
    for (int e = start[unit]; e < start[unit + 1]; e++) {
      int k = col[e];
      gp[w + k] += ROWS.dot(g, row, in, k * n, n);
      if (k < inputLimit) {
        ROWS.axpy(p[w + k], g, row, gIn, k * n, n);
      }
    }
  }

  /**
   * The connection mask (outputs × inputs, row-major) of compressed rows {@code start}/{@code col},
   * or null when every connection exists, so that a generated class can hand its masked layers to
   * the engine's whole-layer kernel.
   */
  public static boolean[] mask(int[] start, int[] col, int inputs) {
    int outputs = start.length - 1;
    if (start[outputs] == outputs * inputs) {
      return null;
    }
    boolean[] mask = new boolean[outputs * inputs];
    for (int u = 0; u < outputs; u++) {
      for (int e = start[u]; e < start[u + 1]; e++) {
        mask[u * inputs + col[e]] = true;
      }
    }
    return mask;
  }

  /**
   * A whole masked dense layer, out = W·in + b over the batch, with the engine's layer
   * kernel (the interpreted network's own call): the forward pass's per-layer form of {@link
   * #denseUnit}.
   */
  public static void dense(double[] p, int weights, int bias, boolean[] mask, int outputs, int inputs,
      double[] in, double[] out, int n) {
    ROWS.dense(p, weights, p, bias, mask, outputs, inputs, in, 0, out, 0, n);
  }

  /**
   * Backward pass of {@link #dense} with output adjoint rows {@code g}: adds dL/dW and dL/db to
   * {@code gp} and writes dL/din into the first {@code inputLimit} rows of {@code gIn}
   * (conditioning inputs get no gradient). When {@code inputLimit} covers every input this is
   * one kernel call; otherwise the input adjoint is accumulated row by row into {@code gIn},
   * which the caller has zeroed.
   */
  public static void denseBackward(double[] p, int weights, int bias, boolean[] mask, int outputs, int inputs,
      double[] in, double[] g, double[] gIn, int inputLimit, double[] gp, int n) {
    boolean allInputs = inputLimit == inputs;
    ROWS.denseBackward(p, weights, mask, outputs, inputs, in, 0, g, 0, allInputs ? gIn : null, 0, gp, weights, gp, bias, n);
    if (!allInputs) {
      for (int u = 0; u < outputs; u++) {
        for (int k = 0; k < inputLimit; k++) {
          if (mask == null || mask[u * inputs + k]) {
            ROWS.axpy(p[weights + u * inputs + k], g, u * n, gIn, k * n, n);
          }
        }
      }
    }
  }

  /**
   * gh ← gh · act'(z) in place over elements {@code [from, from + len)} of hidden rows (h = act(z)),
   * with the engine's row kernel: in lanes where it is the vector one, without the per-element
   * branch on the sign of z that a scalar loop takes (mispredicted about half the time for ReLU).
   */
  public static void activationAdjoint(dev.flowvi.engine.nn.Activation act, double[] z, double[] h, double[] gh, int from, int len) {
    ROWS.activateBackward(act, z, from, h, from, gh, from, gh, from, len);
  }

  /** Σ a over {@code len} values, with the engine's row kernel. */
  public static double sum(double[] a, int aOff, int len) {
    return ROWS.sum(a, aOff, len);
  }
}
