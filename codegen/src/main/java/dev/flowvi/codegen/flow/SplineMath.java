package dev.flowvi.codegen.flow;

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

import dev.flowvi.engine.kernel.SplineKernel;

/**
 * The rational-quadratic spline (Durkan et al. 2019, arXiv 1906.04032; FlowJAX 18 parameterisation,
 * as the engine's spline kernel) for generated elementwise layers, whose raw parameters are shared
 * by every point: the knots are computed once per coordinate ({@link #knots}), each point then
 * costs a bin search and the rational formula, and the backward passes accumulate per-bin
 * adjoints that {@link #rawGradient} turns into raw-parameter gradients once per coordinate,
 * instead of a softmax per point.
 *
 * <p><b>Tables.</b> {@code tab} holds the x knots, y knots and knot slopes, K+2 each; {@code acc}
 * holds, per bin, dL/d(left x knot), dL/d(bin width), dL/d(left y knot), dL/d(bin height)
 * (K+1 each), then dL/d(slope) per knot (K+2). The knot arithmetic is the engine kernel's, in
 * the same order, so the knots are bit-identical to the interpreted ones.
 */
public final class SplineMath {
  private SplineMath() {}

  /** Length of a knot table for {@code knots} inner knots. */
  public static int tableSize(int knots) {
    return 3 * (knots + 2);
  }

  /** Length of an adjoint accumulator for {@code knots} inner knots. */
  public static int accumulatorSize(int knots) {
    return 4 * (knots + 1) + knots + 2;
  }

  /** Fills {@code tab} from the 3K+4 raw values at {@code p[at…]}: widths, heights, slopes. */
  public static void knots(double[] p, int at, int knots, double lo, double hi, double[] tab) {
    int bins = knots + 1;
    double c = hi - lo - SplineKernel.MIN_WIDTH * bins;
    axis(p, at, bins, lo, hi, c, tab, 0);
    axis(p, at + bins, bins, lo, hi, c, tab, bins + 1);
    int d = 2 * (bins + 1);
    for (int j = 0; j <= bins; j++) {
      tab[d + j] = FlowMath.softplus(p[at + 2 * bins + j]) + SplineKernel.MIN_DERIVATIVE;
    }
  }

  /** Knot j = lo + (j·m + scale·P_j) with P_j the running sum of the shifted exponentials; the last is hi. */
  private static void axis(double[] p, int at, int bins, double lo, double hi, double c, double[] tab, int to) {
    double m = p[at];
    for (int j = 1; j < bins; j++) {
      m = Math.max(m, p[at + j]);
    }
    double sum = 0;
    for (int j = 0; j < bins; j++) {
      sum += Math.exp(p[at + j] - m);
    }
    double scale = c / sum;
    double prefix = 0;
    for (int j = 0; j < bins; j++) {
      tab[to + j] = lo + (j * SplineKernel.MIN_WIDTH + scale * prefix);
      prefix += Math.exp(p[at + j] - m);
    }
    tab[to + bins] = hi;
  }

  /** The last bin k in [0, K] whose left knot is ≤ v (knots ascending). */
  private static int bin(double v, double[] tab, int axis, int knots) {
    int k = 0;
    for (int j = 1; j <= knots; j++) {
      if (v >= tab[axis + j]) {
        k = j;
      }
    }
    return k;
  }

  /** y = spline(x) to out[0] and log dy/dx to out[1]; the identity with log-det 0 outside [lo, hi]. */
  public static void forward(double v, int knots, double lo, double hi, double[] tab, double[] out) {
    if (!(v >= lo && v <= hi)) {
      out[0] = v;
      out[1] = 0.0;
      return;
    }
    int y0 = knots + 2;
    int d = 2 * y0;
    int k = bin(v, tab, 0, knots);
    double xk = tab[k];
    double w = tab[k + 1] - xk;
    double yk = tab[y0 + k];
    double h = tab[y0 + k + 1] - yk;
    double d0 = tab[d + k];
    double d1 = tab[d + k + 1];
    double s = h / w;
    double xi = Math.min((v - xk) / w, 1.0);
    out[0] = Math.min(Math.max(value(v, xk, yk, h, s, xi, d0, d1), lo), hi);
    out[1] = logSlope(s, xi, d0, d1);
  }

  /** x = spline⁻¹(y) to out[0] and −log dy/dx to out[1]. */
  public static void inverse(double v, int knots, double lo, double hi, double[] tab, double[] out) {
    if (!(v >= lo && v <= hi)) {
      out[0] = v;
      out[1] = 0.0;
      return;
    }
    int y0 = knots + 2;
    int d = 2 * y0;
    int k = bin(v, tab, y0, knots);
    double xk = tab[k];
    double w = tab[k + 1] - xk;
    double yk = tab[y0 + k];
    double h = tab[y0 + k + 1] - yk;
    double d0 = tab[d + k];
    double d1 = tab[d + k + 1];
    double s = h / w;
    double xi = inversePosition(v - yk, h, s, d0, d1);
    out[0] = Math.min(Math.max(inverseValue(v, xk, yk, h, s, d0, d1), lo), hi);
    out[1] = -logSlope(s, xi, d0, d1);
  }

  /**
   * Backward of {@link #forward} for one point: returns dL/dx from g = dL/dy and gl = dL/dlogDet,
   * and adds the point's knot adjoints to {@code acc}.
   */
  public static double forwardBackward(double v, double g, double gl, int knots, double lo, double hi, double[] tab, double[] acc) {
    if (!(v >= lo && v <= hi)) {
      return g;
    }
    int y0 = knots + 2;
    int d = 2 * y0;
    int bins = knots + 1;
    int k = bin(v, tab, 0, knots);
    double xk = tab[k];
    double w = tab[k + 1] - xk;
    double yk = tab[y0 + k];
    double h = tab[y0 + k + 1] - yk;
    double d0 = tab[d + k];
    double d1 = tab[d + k + 1];
    double s = h / w;
    double xi = Math.min((v - xk) / w, 1.0);
    // Adjoint at fixed ξ and s (RationalQuadraticBinAdjoint), then through ξ = (x − x_k)/w and s = h/w.
    double gXi = position(g, gl, h, s, xi, d0, d1);
    double gS = meanSlope(g, gl, h, s, xi, d0, d1);
    addKnotAdjoints(acc, bins, k, -gXi / w, -(gXi * xi + gS * s) / w, g, height(g, gS, w, s, xi, d0, d1),
        leftSlope(g, gl, h, s, xi, d0, d1), rightSlope(g, gl, h, s, xi, d0, d1));
    return gXi / w;
  }

  /**
   * Backward of {@link #inverse} for one point (implicit function theorem, as the engine kernel):
   * returns dL/dy from g = dL/dx and gl = dL/dlogDet, and adds the knot adjoints to {@code acc}.
   */
  public static double inverseBackward(double v, double g, double gl, int knots, double lo, double hi, double[] tab, double[] acc) {
    if (!(v >= lo && v <= hi)) {
      return g;
    }
    int y0 = knots + 2;
    int d = 2 * y0;
    int bins = knots + 1;
    int k = bin(v, tab, y0, knots);
    double xk = tab[k];
    double w = tab[k + 1] - xk;
    double yk = tab[y0 + k];
    double h = tab[y0 + k + 1] - yk;
    double d0 = tab[d + k];
    double d1 = tab[d + k + 1];
    double s = h / w;
    double xi = inversePosition(v - yk, h, s, d0, d1);
    double gY = inverseOutput(g, gl, h, w, s, xi, d0, d1);
    // The forward formulas' cotangents: y through ξ, and minus the inverse's log-det.
    double cy = -gY;
    double cl = -gl;
    double gS = meanSlope(cy, cl, h, s, xi, d0, d1);
    addKnotAdjoints(acc, bins, k, g, g * xi - gS * s / w, cy, height(cy, gS, w, s, xi, d0, d1),
        leftSlope(cy, cl, h, s, xi, d0, d1), rightSlope(cy, cl, h, s, xi, d0, d1));
    return gY;
  }

  /** Adds one point's adjoints of bin k's left x knot, width, left y knot, height and two slopes to {@code acc}. */
  private static void addKnotAdjoints(double[] acc, int bins, int k,
      double gXk, double gW, double gYk, double gH, double gD0, double gD1) {
    acc[k] += gXk;
    acc[bins + k] += gW;
    acc[2 * bins + k] += gYk;
    acc[3 * bins + k] += gH;
    acc[4 * bins + k] += gD0;
    acc[4 * bins + k + 1] += gD1;
  }

  /**
   * Adds to {@code gp[at…]} the raw-parameter gradient of the knot adjoints in {@code acc}, then
   * zeroes {@code acc}. Widths w_i = m + c·softmax_i, and the left knot of bin k is lo + Σ_{i&lt;k}
   * w_i, so dL/dw_i = (width adjoint of bin i) + Σ_{k&gt;i} (knot adjoint of bin k), and
   * dL/dr_j = c·p_j(dL/dw_j − Σ_i p_i dL/dw_i); slopes are softplus(r) + 1e-3.
   */
  public static void rawGradient(double[] p, int at, int knots, double lo, double hi, double[] acc, double[] gp) {
    int bins = knots + 1;
    double c = hi - lo - SplineKernel.MIN_WIDTH * bins;
    softmaxGradient(p, at, bins, c, acc, 0, bins, gp);
    softmaxGradient(p, at + bins, bins, c, acc, 2 * bins, 3 * bins, gp);
    for (int j = 0; j <= bins; j++) {
      gp[at + 2 * bins + j] += acc[4 * bins + j] * FlowMath.sigmoid(p[at + 2 * bins + j]);
    }
    java.util.Arrays.fill(acc, 0, accumulatorSize(knots), 0.0);
  }

  private static void softmaxGradient(double[] p, int at, int bins, double c, double[] acc, int knotAdj, int widthAdj, double[] gp) {
    double m = p[at];
    for (int j = 1; j < bins; j++) {
      m = Math.max(m, p[at + j]);
    }
    double sum = 0;
    for (int j = 0; j < bins; j++) {
      sum += Math.exp(p[at + j] - m);
    }
    // Σ_i p_i dL/dw_i with p_i = e_i/sum, and dL/dw_i accumulated from the right.
    double mean = 0;
    double later = 0;
    for (int j = bins - 1; j >= 0; j--) {
      double gw = acc[widthAdj + j] + later;
      later += acc[knotAdj + j];
      mean += Math.exp(p[at + j] - m) * gw;
    }
    mean /= sum;
    double scale = c / sum;
    later = 0;
    for (int j = bins - 1; j >= 0; j--) {
      double gw = acc[widthAdj + j] + later;
      later += acc[knotAdj + j];
      gp[at + j] += scale * Math.exp(p[at + j] - m) * (gw - mean);
    }
  }
}
