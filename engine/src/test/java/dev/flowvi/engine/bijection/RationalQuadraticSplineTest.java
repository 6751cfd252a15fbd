package dev.flowvi.engine.bijection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.kernel.ScalarSplineKernel;
import dev.flowvi.engine.kernel.SplineKernel;
import dev.flowvi.engine.random.RandomStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The spline transformer with per-point raw parameters, checked against central finite
 * differences at random raws (N(0, 1.5²)) and at the identity, through the scalar reference
 * kernel and through the kernel this JVM prefers (the vector one when the module is loaded).
 *
 * <p>Finite differences use h = 1e-5 on points at least 1e-3 from every knot: the spline is only
 * C¹ at knots, and away from them the central-difference truncation error h²f'''/6 is below 1e-8
 * for these bin widths (≥ 1e-3 by construction, ≈ 0.05..2 here), while round-off is about
 * 1e-16·|f|/h ≈ 1e-10. The gradient tolerance 1e-6 (relative, absolute below 1) leaves a wide
 * margin over both yet catches any wrong term, whose error is O(1).
 */
class RationalQuadraticSplineTest {
  private static final int K = 8;
  private static final double B = 3.0;
  private static final double H = 1e-5;
  private static final double FD_TOL = 1e-6;

  static Stream<SplineKernel> kernels() {
    return Stream.of(new ScalarSplineKernel(), SplineKernel.preferred());
  }

  private static RationalQuadraticSpline spline(SplineKernel kernel) {
    return RationalQuadraticSpline.of(K, -B, B, kernel);
  }

  /** Per-point raws N(0, 1.5²), stride n. */
  private static double[] randomRaws(int p, int n, RandomStream rng) {
    double[] raw = new double[p * n];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = 1.5 * rng.nextGaussian();
    }
    return raw;
  }

  /**
   * Inputs uniform on [−1.2B, 1.2B] (some outside the interval), each at least 1e-3 from its own
   * point's knots on the axis {@code axisOffset} (0: widths for x, K+1: heights for y).
   */
  private static double[] inputsAwayFromKnots(double[] raw, int n, int axisOffset, RandomStream rng) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      double[] knots = SplineReference.knots(K, -B, B, raw, axisOffset * n + i, n);
      do {
        v[i] = (2 * rng.nextDouble() - 1) * 1.2 * B;
      } while (SplineReference.distanceToKnots(v[i], knots) < 1e-3);
    }
    return v;
  }

  @ParameterizedTest
  @MethodSource("kernels")
  void identityRawsGiveTheIdentityMap(SplineKernel kernel) {
    RationalQuadraticSpline t = spline(kernel);
    int p = t.parameterCount();
    assertEquals(3 * K + 4, p);
    double[] one = new double[p];
    t.identity(one, 0);
    double[] xs = {-1e6, -B, -2.9, -1.0, -1e-300, -0.0, 0.0, 1e-300, 0.3, 1.0 / 3, 2.25, B, 1e6, Math.nextDown(B), Math.nextUp(-B)};
    int n = xs.length;
    double[] raw = new double[p * n];
    for (int q = 0; q < p; q++) {
      for (int i = 0; i < n; i++) {
        raw[q * n + i] = one[q];
      }
    }
    double[] y = new double[n];
    double[] back = new double[n];
    double[] ld = new double[n];
    double[] ldInv = new double[n];
    t.forward(raw, 0, n, xs, 0, y, 0, ld, n);
    t.inverse(raw, 0, n, y, 0, back, 0, ldInv, n);
    boolean exact = kernel instanceof ScalarSplineKernel;
    for (int i = 0; i < n; i++) {
      // Bit for bit on the scalar path (0.0 == -0.0 is accepted); the vector softplus may round the
      // knot slopes 1 ulp away from 1, which moves y by at most a few ulps of B.
      double tol = exact ? 0.0 : 8 * Math.ulp(B);
      assertTrue(Math.abs(y[i] - xs[i]) <= tol, "forward(" + xs[i] + ") = " + y[i]);
      assertTrue(Math.abs(back[i] - xs[i]) <= tol, "inverse(" + xs[i] + ") = " + back[i]);
      assertTrue(Math.abs(ld[i]) <= (exact ? 0.0 : 1e-15), "log-det at " + xs[i] + " = " + ld[i]);
      assertTrue(Math.abs(ldInv[i]) <= (exact ? 0.0 : 1e-15), "inverse log-det at " + xs[i] + " = " + ldInv[i]);
    }
  }

  /**
   * The parameterisation itself, against knots computed independently in the test (softmax,
   * minimum width 1e-3, cumulative sum): knot j of x maps to knot j of y, and the slope there is
   * softplus(raw derivative j) + 1e-3, the two interval ends included.
   */
  @ParameterizedTest
  @MethodSource("kernels")
  void knotsMapToKnotsWithTheirSlopes(SplineKernel kernel) {
    RationalQuadraticSpline t = spline(kernel);
    int p = t.parameterCount();
    RandomStream rng = RandomStream.of(18);
    double[] one = randomRaws(p, 1, rng);
    int n = K + 2;
    double[] raw = new double[p * n];
    for (int q = 0; q < p; q++) {
      java.util.Arrays.fill(raw, q * n, q * n + n, one[q]);
    }
    double[] xKnots = SplineReference.knots(K, -B, B, one, 0, 1);
    double[] yKnots = SplineReference.knots(K, -B, B, one, K + 1, 1);
    double[] y = new double[n];
    double[] ld = new double[n];
    t.forward(raw, 0, n, xKnots, 0, y, 0, ld, n);
    for (int j = 0; j < n; j++) {
      double r = one[2 * (K + 1) + j];
      double slope = Math.log1p(Math.exp(r)) + 1e-3;
      // Test and kernel knots may differ by a few ulps of B, which moves y by as little.
      assertEquals(yKnots[j], y[j], 1e-13, "knot " + j);
      assertEquals(Math.log(slope), ld[j], 1e-9, "log slope at knot " + j);
    }
  }

  @Test
  void identityRawDerivativeGivesSlopeExactlyOne() {
    double r = RationalQuadraticSpline.IDENTITY_RAW_DERIVATIVE;
    assertEquals(1.0, Math.max(r, 0) + Math.log1p(Math.exp(-r)) + 1e-3, 0.0);
    assertEquals(1.0 - 1e-3, Math.log1p(Math.exp(r)), 1e-15, "softplus⁻¹(1 − 1e-3) to rounding");
  }

  @ParameterizedTest
  @MethodSource("kernels")
  void inverseUndoesForward(SplineKernel kernel) {
    RationalQuadraticSpline t = spline(kernel);
    int n = 400;
    RandomStream rng = RandomStream.of(11);
    double[] raw = randomRaws(t.parameterCount(), n, rng);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = (2 * rng.nextDouble() - 1) * 1.2 * B;
    }
    double[] y = new double[n];
    double[] back = new double[n];
    double[] ld = new double[n];
    double[] ldInv = new double[n];
    t.forward(raw, 0, n, x, 0, y, 0, ld, n);
    t.inverse(raw, 0, n, y, 0, back, 0, ldInv, n);
    for (int i = 0; i < n; i++) {
      // y carries rounding of a few ulps of B; the inverse amplifies it by dx/dy = exp(−logDet),
      // which reaches 1e5 where a tiny bin height meets steep knot slopes.
      double tol = 1e-13 + 1e-14 * Math.exp(-ld[i]);
      assertEquals(x[i], back[i], tol, "inverse(forward(x)) at x = " + x[i] + ", log-det " + ld[i]);
      assertEquals(-ld[i], ldInv[i], 1e-10, "inverse log-det at x = " + x[i]);
      assertTrue(Math.abs(y[i]) <= 1.2 * B + 1e-12);
    }
  }

  @ParameterizedTest
  @MethodSource("kernels")
  void forwardLogDetMatchesNumericalSlope(SplineKernel kernel) {
    RationalQuadraticSpline t = spline(kernel);
    int n = 300;
    RandomStream rng = RandomStream.of(12);
    double[] raw = randomRaws(t.parameterCount(), n, rng);
    double[] x = inputsAwayFromKnots(raw, n, 0, rng);
    double[] ld = new double[n];
    double[] y = new double[n];
    t.forward(raw, 0, n, x, 0, y, 0, ld, n);
    double[] slope = numericalSlope(t, raw, x, true);
    for (int i = 0; i < n; i++) {
      // Round-off of y (≈ 1e-15 absolute) divided by the step dominates where the slope is tiny.
      double tol = FD_TOL + 1e-15 / (H * Math.exp(ld[i]));
      assertEquals(Math.log(slope[i]), ld[i], tol, "log-det at x = " + x[i]);
    }
  }

  @ParameterizedTest
  @MethodSource("kernels")
  void inverseLogDetMatchesNumericalSlope(SplineKernel kernel) {
    RationalQuadraticSpline t = spline(kernel);
    int n = 300;
    RandomStream rng = RandomStream.of(13);
    double[] raw = randomRaws(t.parameterCount(), n, rng);
    double[] y = inputsAwayFromKnots(raw, n, K + 1, rng);
    double[] ld = new double[n];
    double[] x = new double[n];
    t.inverse(raw, 0, n, y, 0, x, 0, ld, n);
    double[] slope = numericalSlope(t, raw, y, false);
    for (int i = 0; i < n; i++) {
      assertEquals(Math.log(slope[i]), ld[i], FD_TOL, "inverse log-det at y = " + y[i]);
    }
  }

  @ParameterizedTest
  @MethodSource("kernels")
  void forwardGradientsMatchFiniteDifferencesAtRandomRaws(SplineKernel kernel) {
    RandomStream rng = RandomStream.of(14);
    RationalQuadraticSpline t = spline(kernel);
    int n = 200;
    double[] raw = randomRaws(t.parameterCount(), n, rng);
    checkGradients(t, raw, inputsAwayFromKnots(raw, n, 0, rng), true, rng);
  }

  @ParameterizedTest
  @MethodSource("kernels")
  void inverseGradientsMatchFiniteDifferencesAtRandomRaws(SplineKernel kernel) {
    RandomStream rng = RandomStream.of(15);
    RationalQuadraticSpline t = spline(kernel);
    int n = 200;
    double[] raw = randomRaws(t.parameterCount(), n, rng);
    checkGradients(t, raw, inputsAwayFromKnots(raw, n, K + 1, rng), false, rng);
  }

  @ParameterizedTest
  @MethodSource("kernels")
  void gradientsMatchFiniteDifferencesAtIdentity(SplineKernel kernel) {
    RandomStream rng = RandomStream.of(16);
    RationalQuadraticSpline t = spline(kernel);
    int n = 100;
    int p = t.parameterCount();
    double[] one = new double[p];
    t.identity(one, 0);
    double[] raw = new double[p * n];
    for (int q = 0; q < p; q++) {
      for (int i = 0; i < n; i++) {
        raw[q * n + i] = one[q];
      }
    }
    double[] v = inputsAwayFromKnots(raw, n, 0, rng);
    checkGradients(t, raw, v, true, rng);
    checkGradients(t, raw, v, false, rng);
  }

  /**
   * Loss L = Σ_i g_i·out_i + gl_i·logDet_i with random cotangents; compares dL/d(input) and
   * dL/draw (every one of the 3K+4 raws of every point) from the backward pass with central
   * differences. Raws are per point, so shifting raw q of all points at once gives every point's
   * partial derivative in one pair of passes.
   */
  private static void checkGradients(RationalQuadraticSpline t, double[] raw, double[] in, boolean forward, RandomStream rng) {
    int n = in.length;
    int p = t.parameterCount();
    double[] g = new double[n];
    double[] gl = new double[n];
    for (int i = 0; i < n; i++) {
      g[i] = rng.nextGaussian();
      gl[i] = rng.nextGaussian();
    }
    double[] out = new double[n];
    double[] ld = new double[n];
    run(t, raw, in, out, ld, forward);
    double[] gradIn = new double[n];
    double[] gradRaw = new double[p * n];
    java.util.Arrays.fill(gradRaw, Double.NaN); // the backward pass must write every slot
    if (forward) {
      t.forwardBackward(raw, 0, n, in, 0, out, 0, g, 0, gl, gradIn, 0, gradRaw, 0, n);
    } else {
      t.inverseBackward(raw, 0, n, in, 0, out, 0, g, 0, gl, gradIn, 0, gradRaw, 0, n);
    }
    double[] fdIn = richardson(lossDifference(t, raw, in, -1, g, gl, forward, H), lossDifference(t, raw, in, -1, g, gl, forward, H / 2));
    for (int i = 0; i < n; i++) {
      double fd = fdIn[i];
      assertTrue(SplineReference.close(fd, gradIn[i], FD_TOL),
          (forward ? "dL/dx" : "dL/dy") + " at " + in[i] + ": backward " + gradIn[i] + ", finite difference " + fd);
    }
    for (int q = 0; q < p; q++) {
      double[] fdRaw = richardson(lossDifference(t, raw, in, q, g, gl, forward, H), lossDifference(t, raw, in, q, g, gl, forward, H / 2));
      for (int i = 0; i < n; i++) {
        double fd = fdRaw[i];
        double an = gradRaw[q * n + i];
        assertTrue(SplineReference.close(fd, an, FD_TOL),
            (forward ? "forward" : "inverse") + " dL/draw[" + q + "] at input " + in[i] + ": backward " + an + ", finite difference " + fd);
      }
    }
  }

  /** Central difference of each point's loss in its input (q = −1) or in its raw value q. */
  private static double[] lossDifference(RationalQuadraticSpline t, double[] raw, double[] in, int q,
      double[] g, double[] gl, boolean forward, double h) {
    int n = in.length;
    double[] rp = raw;
    double[] rm = raw;
    double[] inP = in;
    double[] inM = in;
    if (q < 0) {
      inP = in.clone();
      inM = in.clone();
      for (int i = 0; i < n; i++) {
        inP[i] += h;
        inM[i] -= h;
      }
    } else {
      rp = raw.clone();
      rm = raw.clone();
      for (int i = 0; i < n; i++) {
        rp[q * n + i] += h;
        rm[q * n + i] -= h;
      }
    }
    return central(pointLosses(t, rp, inP, g, gl, forward), pointLosses(t, rm, inM, g, gl, forward), h);
  }

  private static double[] pointLosses(RationalQuadraticSpline t, double[] raw, double[] in, double[] g, double[] gl, boolean forward) {
    int n = in.length;
    double[] out = new double[n];
    double[] ld = new double[n];
    run(t, raw, in, out, ld, forward);
    double[] l = new double[n];
    for (int i = 0; i < n; i++) {
      l[i] = g[i] * out[i] + gl[i] * ld[i];
    }
    return l;
  }

  private static void run(RationalQuadraticSpline t, double[] raw, double[] in, double[] out, double[] ld, boolean forward) {
    int n = in.length;
    if (forward) {
      t.forward(raw, 0, n, in, 0, out, 0, ld, n);
    } else {
      t.inverse(raw, 0, n, in, 0, out, 0, ld, n);
    }
  }

  /** Richardson-extrapolated central difference of the output, per point. */
  private static double[] numericalSlope(RationalQuadraticSpline t, double[] raw, double[] in, boolean forward) {
    int n = in.length;
    double[] d1 = central(shifted(t, raw, in, H, n, forward), shifted(t, raw, in, -H, n, forward), H);
    double[] d2 = central(shifted(t, raw, in, H / 2, n, forward), shifted(t, raw, in, -H / 2, n, forward), H / 2);
    return richardson(d1, d2);
  }

  /** (f(+h) − f(−h)) / 2h per point. */
  private static double[] central(double[] plus, double[] minus, double h) {
    double[] d = new double[plus.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = (plus[i] - minus[i]) / (2 * h);
    }
    return d;
  }

  /** Richardson step (4·D(h/2) − D(h))/3: the h² error term cancels, leaving O(h⁴). */
  private static double[] richardson(double[] dh, double[] dh2) {
    double[] d = new double[dh.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = (4 * dh2[i] - dh[i]) / 3;
    }
    return d;
  }

  private static double[] shifted(RationalQuadraticSpline t, double[] raw, double[] in, double h, int n, boolean forward) {
    double[] s = in.clone();
    for (int i = 0; i < n; i++) {
      s[i] += h;
    }
    double[] out = new double[n];
    run(t, raw, s, out, new double[n], forward);
    return out;
  }

  @ParameterizedTest
  @MethodSource("kernels")
  void extremeInputsAndRawsStayFinite(SplineKernel kernel) {
    RationalQuadraticSpline t = spline(kernel);
    int p = t.parameterCount();
    RandomStream rng = RandomStream.of(17);
    double[][] rawSets = new double[4][];
    rawSets[0] = new double[p];
    t.identity(rawSets[0], 0);
    rawSets[1] = randomRaws(p, 1, rng);
    rawSets[2] = new double[p];
    rawSets[3] = new double[p];
    for (int q = 0; q < p; q++) {
      rawSets[2][q] = (q % 2 == 0 ? 40.0 : -40.0); // bins at their 1e-3 floor, slopes near 1e-3 and 40
      rawSets[3][q] = (q % 3 == 0 ? -700.0 : 700.0);
    }
    for (double[] one : rawSets) {
      double[] wk = SplineReference.knots(K, -B, B, one, 0, 1);
      double[] hk = SplineReference.knots(K, -B, B, one, K + 1, 1);
      double[] inputs = new double[16 + 4 * (K + 2)];
      double[] fixed = {-1e6, 1e6, -1e-300, 1e-300, 0.0, -0.0, -B, B, Math.nextDown(B), Math.nextUp(-B),
          Math.nextUp(B), Math.nextDown(-B), Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, 2.5};
      System.arraycopy(fixed, 0, inputs, 0, fixed.length);
      int at = fixed.length;
      for (int j = 0; j < K + 2; j++) {
        inputs[at++] = wk[j];
        inputs[at++] = hk[j];
        inputs[at++] = Math.nextUp(wk[j]);
        inputs[at++] = Math.nextDown(hk[j]);
      }
      int n = inputs.length;
      double[] raw = new double[p * n];
      for (int q = 0; q < p; q++) {
        java.util.Arrays.fill(raw, q * n, q * n + n, one[q]);
      }
      double[] ones = new double[n];
      java.util.Arrays.fill(ones, 1.0);
      for (boolean forward : new boolean[] {true, false}) {
        double[] out = new double[n];
        double[] ld = new double[n];
        double[] gradIn = new double[n];
        double[] gradRaw = new double[p * n];
        run(t, raw, inputs, out, ld, forward);
        if (forward) {
          t.forwardBackward(raw, 0, n, inputs, 0, out, 0, ones, 0, ones, gradIn, 0, gradRaw, 0, n);
        } else {
          t.inverseBackward(raw, 0, n, inputs, 0, out, 0, ones, 0, ones, gradIn, 0, gradRaw, 0, n);
        }
        for (int i = 0; i < n; i++) {
          String where = (forward ? "forward" : "inverse") + " at " + inputs[i];
          assertTrue(Double.isFinite(out[i]) && Double.isFinite(ld[i]) && Double.isFinite(gradIn[i]), where
              + ": out " + out[i] + ", log-det " + ld[i] + ", grad " + gradIn[i]);
          if (Math.abs(inputs[i]) > B) {
            assertEquals(inputs[i], out[i], 0.0, where + ": identity outside the interval");
            assertEquals(0.0, ld[i], 0.0, where);
            assertEquals(1.0, gradIn[i], 0.0, where);
          }
          for (int q = 0; q < p; q++) {
            double gr = gradRaw[q * n + i];
            assertTrue(Double.isFinite(gr), where + ": dL/draw[" + q + "] = " + gr);
            if (Math.abs(inputs[i]) > B) {
              assertEquals(0.0, gr, 0.0, where + ": zero raw gradient outside the interval");
            }
          }
          assertTrue(Math.abs(out[i]) <= B || Math.abs(inputs[i]) > B, where + " left the interval: " + out[i]);
        }
      }
    }
  }

  @Test
  void badConstructionIsRejectedWithItsValue() {
    assertMessage(() -> RationalQuadraticSpline.of(0, -1, 1), "knots is 0");
    assertMessage(() -> RationalQuadraticSpline.of(-3, 3.0), "knots is -3");
    assertMessage(() -> RationalQuadraticSpline.of(8, 1.0, 1.0), "interval is (1.0, 1.0)");
    assertMessage(() -> RationalQuadraticSpline.of(8, 2.0, -1.0), "interval is (2.0, -1.0)");
    assertMessage(() -> RationalQuadraticSpline.of(8, Double.NaN, 1.0), "interval is (NaN, 1.0)");
    assertMessage(() -> RationalQuadraticSpline.of(8, 0.0, Double.POSITIVE_INFINITY), "interval is (0.0, Infinity)");
    assertMessage(() -> RationalQuadraticSpline.of(8, 0.0, 0.005), "expected a length above");
    assertMessage(() -> RationalQuadraticSpline.of(8, -2.0), "bound is -2.0");
    assertMessage(() -> RationalQuadraticSpline.of(8, Double.NaN), "bound is NaN");
    RationalQuadraticSpline t = RationalQuadraticSpline.of(8, 3.0);
    assertEquals(-3.0, t.lo());
    assertEquals(3.0, t.hi());
    assertEquals(28, t.parameterCount());
    assertMessage(() -> t.identity(new double[10], 0), "params has length 10");
  }

  static void assertMessage(org.junit.jupiter.api.function.Executable call, String fragment) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should contain '" + fragment + "'");
  }
}
