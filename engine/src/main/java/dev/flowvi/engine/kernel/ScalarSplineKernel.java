package dev.flowvi.engine.kernel;

import static dev.flowvi.engine.kernel.RationalQuadraticBin.inversePosition;
import static dev.flowvi.engine.kernel.RationalQuadraticBin.inverseValue;
import static dev.flowvi.engine.kernel.RationalQuadraticBin.logSlope;
import static dev.flowvi.engine.kernel.RationalQuadraticBin.value;
import static dev.flowvi.engine.kernel.RationalQuadraticBinAdjoint.height;
import static dev.flowvi.engine.kernel.RationalQuadraticBinAdjoint.inverseOutput;
import static dev.flowvi.engine.kernel.RationalQuadraticBinAdjoint.leftSlope;
import static dev.flowvi.engine.kernel.RationalQuadraticBinAdjoint.meanSlope;
import static dev.flowvi.engine.kernel.RationalQuadraticBinAdjoint.position;
import static dev.flowvi.engine.kernel.RationalQuadraticBinAdjoint.rightSlope;

/**
 * The scalar reference implementation of {@link SplineKernel}: one point at a time, in plain
 * {@code Math}. {@link VectorSplineKernel}'s lane-wise code follows the same operations in the
 * same order (it pads a batch's tail to whole vectors rather than finishing it here).
 *
 * <p><b>Knots.</b> Knot j on either axis is {@code lo + (j·m + scale·P_j)}, where P_j is the running
 * sum of the first j shifted exponentials of the softmax and scale = (hi − lo − m(K+1)) / P_{K+1};
 * the last knot is exactly {@code hi}. Both axes use the same expression, so equal raw widths and
 * heights give bit-identical knots.
 *
 * <p><b>Values near the identity.</b> The forward value is written as x plus corrections that
 * vanish exactly when the heights equal the widths and the slopes at the bin's two knots are 1
 * (see {@link #value}); the inverse likewise. So the FlowJAX identity initialisation maps every x to itself
 * bit for bit, not merely to within rounding of the knot arithmetic.
 */
public final class ScalarSplineKernel implements SplineKernel {

  /** Public so benchmarks and tests can force this path; engine code uses {@link SplineKernel#preferred()}. */
  public ScalarSplineKernel() {}

  @Override
  public void forward(int knots, double lo, double hi,
      double[] raw, int rawOff, int stride, double[] x, int xOff, double[] y, int yOff, double[] logDet, int len) {
    for (int i = 0; i < len; i++) {
      forwardPoint(knots, lo, hi, raw, rawOff + i, stride, x[xOff + i], y, yOff + i, logDet, i, 0, 0, null, 0);
    }
  }

  @Override
  public void inverse(int knots, double lo, double hi,
      double[] raw, int rawOff, int stride, double[] y, int yOff, double[] x, int xOff, double[] logDet, int len) {
    for (int i = 0; i < len; i++) {
      inversePoint(knots, lo, hi, raw, rawOff + i, stride, y[yOff + i], x, xOff + i, logDet, i, 0, 0, null, 0);
    }
  }

  @Override
  public void forwardBackward(int knots, double lo, double hi,
      double[] raw, int rawOff, int stride, double[] x, int xOff,
      double[] gradY, int gradYOff, double[] gradLogDet,
      double[] gradX, int gradXOff, double[] gradRaw, int gradRawOff, int len) {
    for (int i = 0; i < len; i++) {
      forwardPoint(knots, lo, hi, raw, rawOff + i, stride, x[xOff + i], gradX, gradXOff + i, null, i,
          gradY[gradYOff + i], gradLogDet[i], gradRaw, gradRawOff + i);
    }
  }

  @Override
  public void inverseBackward(int knots, double lo, double hi,
      double[] raw, int rawOff, int stride, double[] y, int yOff,
      double[] gradX, int gradXOff, double[] gradLogDet,
      double[] gradY, int gradYOff, double[] gradRaw, int gradRawOff, int len) {
    for (int i = 0; i < len; i++) {
      inversePoint(knots, lo, hi, raw, rawOff + i, stride, y[yOff + i], gradY, gradYOff + i, null, i,
          gradX[gradXOff + i], gradLogDet[i], gradRaw, gradRawOff + i);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // One point. Raw value p of the point is raw[base + p*stride]; its gradient slot is
  // gradRaw[gBase + p*stride]. With gradRaw == null the method is the value pass: it writes the
  // output to out[outAt] and adds the log-det to logDet[at]. With gradRaw != null it is the
  // backward pass: g and gl are dL/d(output) and dL/d(logDet); it writes dL/d(input) to out[outAt]
  // and all raw gradients, storing the softmax exponentials in their gradient slots on the way.

  static void forwardPoint(int knots, double lo, double hi, double[] raw, int base, int stride, double v,
      double[] out, int outAt, double[] logDet, int at, double g, double gl, double[] gradRaw, int gBase) {
    point(false, knots, lo, hi, raw, base, stride, v, out, outAt, logDet, at, g, gl, gradRaw, gBase);
  }

  static void inversePoint(int knots, double lo, double hi, double[] raw, int base, int stride, double v,
      double[] out, int outAt, double[] logDet, int at, double g, double gl, double[] gradRaw, int gBase) {
    point(true, knots, lo, hi, raw, base, stride, v, out, outAt, logDet, at, g, gl, gradRaw, gBase);
  }

  /**
   * One point of either direction. Both find the bin the same way, by a search on the knots of
   * the axis v lies on (x forward, y inverse) and then the same bin on the other axis; one body,
   * rather than a helper per step, because the steps share a dozen intermediate values.
   */
  private static void point(boolean inverse, int knots, double lo, double hi, double[] raw, int base, int stride,
      double v, double[] out, int outAt, double[] logDet, int at, double g, double gl, double[] gradRaw, int gBase) {
    boolean backward = gradRaw != null;
    int bins = knots + 1;
    if (!(v >= lo && v <= hi)) {
      out[outAt] = backward ? g : v;
      if (backward) {
        zero(gradRaw, gBase, stride, SplineKernel.rawRows(knots));
      }
      return;
    }
    double c = hi - lo - MIN_WIDTH * bins;
    int wOff = 0;
    int hOff = bins * stride;
    int dOff = 2 * bins * stride;
    int searchOff = inverse ? hOff : wOff;
    int otherOff = inverse ? wOff : hOff;

    // Bin search on v's axis: k is the last j in [0, K] with v ≥ knot_j, so v = hi lands in bin K.
    double searchSum = sumExp(raw, base + searchOff, stride, bins, gradRaw, gBase + searchOff);
    double searchScale = c / searchSum;
    double searchMax = maxRaw(raw, base + searchOff, stride, bins);
    int k = 0;
    double searchPrefix = 0;
    double searchExp = 0;
    double prefix = 0;
    for (int j = 0; j < bins; j++) {
      double e = backward ? gradRaw[gBase + searchOff + j * stride] : Math.exp(raw[base + searchOff + j * stride] - searchMax);
      if (j == 0 || v >= knot(lo, j, searchScale, prefix)) {
        k = j;
        searchPrefix = prefix;
        searchExp = e;
      }
      prefix += e;
    }

    // The same bin on the other axis.
    double otherMax = maxRaw(raw, base + otherOff, stride, bins);
    double otherPrefix = 0;
    double otherExp = 0;
    prefix = 0;
    for (int j = 0; j < bins; j++) {
      double e = Math.exp(raw[base + otherOff + j * stride] - otherMax);
      if (backward) {
        gradRaw[gBase + otherOff + j * stride] = e;
      }
      if (j == k) {
        otherPrefix = prefix;
        otherExp = e;
      }
      prefix += e;
    }
    double otherSum = prefix;
    double otherScale = c / otherSum;

    double sw = inverse ? otherSum : searchSum;
    double scaleW = inverse ? otherScale : searchScale;
    double pw = inverse ? otherPrefix : searchPrefix;
    double ew = inverse ? otherExp : searchExp;
    double sh = inverse ? searchSum : otherSum;
    double scaleH = inverse ? searchScale : otherScale;
    double ph = inverse ? searchPrefix : otherPrefix;
    double eh = inverse ? searchExp : otherExp;
    double xk = knot(lo, k, scaleW, pw);
    double w = (k == knots ? hi : knot(lo, k + 1, scaleW, pw + ew)) - xk;
    double yk = knot(lo, k, scaleH, ph);
    double h = (k == knots ? hi : knot(lo, k + 1, scaleH, ph + eh)) - yk;
    double rd0 = raw[base + dOff + k * stride];
    double rd1 = raw[base + dOff + (k + 1) * stride];
    double d0 = softplus(rd0) + MIN_DERIVATIVE;
    double d1 = softplus(rd1) + MIN_DERIVATIVE;
    double s = h / w;

    double xi = inverse ? inversePosition(v - yk, h, s, d0, d1) : Math.min((v - xk) / w, 1.0);
    if (!backward) {
      // The clamp only removes rounding: the spline maps [lo, hi] onto itself.
      double valueOut = inverse ? inverseValue(v, xk, yk, h, s, d0, d1) : value(v, xk, yk, h, s, xi, d0, d1);
      out[outAt] = Math.min(Math.max(valueOut, lo), hi);
      if (inverse) {
        logDet[at] -= logSlope(s, xi, d0, d1);
      } else {
        logDet[at] += logSlope(s, xi, d0, d1);
      }
      return;
    }

    // Adjoint of y = y_k + h·N/D and log-det = log(s²M/D²) at fixed ξ and s (RationalQuadraticBinAdjoint),
    // from gy = dL/dy and gly = dL/d(log-det), then through ξ and s = h/w. Forward, ξ = (x − x_k)/w.
    // Inverse, ξ solves Y(ξ, θ) = y (implicit function theorem): the loss depends on x = x_k + wξ
    // and on −log-det(ξ, θ), so ξ's cotangent gives dL/dy, and the parameters get their direct
    // part plus −dL/dy · ∂Y/∂θ at fixed ξ.
    double gy;
    double gly;
    double gXi = 0;
    if (inverse) {
      double gY = inverseOutput(g, gl, h, w, s, xi, d0, d1);
      out[outAt] = gY;
      gy = -gY;
      gly = -gl;
    } else {
      gXi = position(g, gl, h, s, xi, d0, d1);
      out[outAt] = gXi / w;
      gy = g;
      gly = gl;
    }
    double gS = meanSlope(gy, gly, h, s, xi, d0, d1);
    double gXk = inverse ? g : -gXi / w;
    double gW = inverse ? g * xi - gS * s / w : -(gXi * xi + gS * s) / w;
    double gH = height(gy, gS, w, s, xi, d0, d1);
    softmaxGradient(gradRaw, gBase + wOff, stride, bins, k, scaleW, sw, pw, ew, gXk, gW);
    softmaxGradient(gradRaw, gBase + hOff, stride, bins, k, scaleH, sh, ph, eh, gy, gH);
    derivativeGradient(gradRaw, gBase + dOff, stride, knots + 2, k,
        leftSlope(gy, gly, h, s, xi, d0, d1) * sigmoid(rd0), rightSlope(gy, gly, h, s, xi, d0, d1) * sigmoid(rd1));
  }

  // ---------------------------------------------------------------------------------------------
  // Pieces of the formulas (VectorSplineKernel writes the same ones out lane-wise). ξ ∈ [0, 1] is
  // the position in the bin, s = h/w its mean slope, d0 and d1 the slopes at its two knots.

  /** Knot j: lo + (j·m + scale·P_j). */
  static double knot(double lo, int j, double scale, double prefix) {
    return lo + (j * MIN_WIDTH + scale * prefix);
  }

  /** softplus(r) = max(r, 0) + log1p(exp(−|r|)), finite for every finite r. */
  static double softplus(double r) {
    return Math.max(r, 0.0) + Math.log1p(Math.exp(-Math.abs(r)));
  }

  /** The logistic function, without overflow for either sign. */
  static double sigmoid(double r) {
    double e = Math.exp(-Math.abs(r));
    return r >= 0 ? 1 / (1 + e) : e / (1 + e);
  }

  private static double maxRaw(double[] raw, int base, int stride, int count) {
    double m = raw[base];
    for (int j = 1; j < count; j++) {
      m = Math.max(m, raw[base + j * stride]);
    }
    return m;
  }

  /** Σ exp(r_j − max r); stores each term in store (when non-null) for the backward pass. */
  private static double sumExp(double[] raw, int base, int stride, int count, double[] store, int storeBase) {
    double m = maxRaw(raw, base, stride, count);
    double sum = 0;
    for (int j = 0; j < count; j++) {
      double e = Math.exp(raw[base + j * stride] - m);
      if (store != null) {
        store[storeBase + j * stride] = e;
      }
      sum += e;
    }
    return sum;
  }

  /**
   * Gradient of the raw widths (or heights) from dL/d(left knot) and dL/d(width) of bin k. The
   * left knot is lo + Σ_{i<k} w_i and w_i = m + c·softmax_i, so dL/dw_i is gKnot for i &lt; k,
   * gWidth for i = k, 0 beyond, and dL/dr_j = c·p_j(dL/dw_j − Σ_i p_i dL/dw_i). The slots hold the
   * exponentials e_j on entry (p_j = e_j/sum, scale = c/sum).
   */
  private static void softmaxGradient(double[] gradRaw, int gBase, int stride, int bins, int k,
      double scale, double sum, double prefixK, double eK, double gKnot, double gWidth) {
    double mean = (gKnot * prefixK + gWidth * eK) / sum;
    for (int j = 0; j < bins; j++) {
      double gw = j < k ? gKnot : j == k ? gWidth : 0.0;
      int at = gBase + j * stride;
      gradRaw[at] = scale * gradRaw[at] * (gw - mean);
    }
  }

  private static void derivativeGradient(double[] gradRaw, int gBase, int stride, int count, int k, double g0, double g1) {
    for (int j = 0; j < count; j++) {
      gradRaw[gBase + j * stride] = j == k ? g0 : j == k + 1 ? g1 : 0.0;
    }
  }

  private static void zero(double[] a, int base, int stride, int count) {
    for (int j = 0; j < count; j++) {
      a[base + j * stride] = 0.0;
    }
  }
}
