package dev.flowvi.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flowvi.engine.random.RandomStream;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The vector kernel against the scalar reference, pass by pass, for values, log-dets, input
 * gradients and all 3K+4 raw gradients. Predicate: |v − s| ≤ 1e-12·max(1, |v|, |s|). The two
 * differ only through the Vector API's EXP/LOG/LOG1P, which are within 1 ulp of StrictMath but not
 * bit-identical to Math; the spline arithmetic between them is the same sequence of operations.
 *
 * <p>Both kernels are constructed directly (the vector one reflectively, after the assumption),
 * so the result does not depend on which kernel the JVM chose. Skipped when the vector path is
 * disabled.
 */
class SplineKernelAgreementTest {
  private static final double TOL = 1e-12;
  private SplineKernel scalar;
  private SplineKernel vector;

  @BeforeEach
  void kernels() throws ReflectiveOperationException {
    assumeTrue(VectorSupport.enabled(), "vector kernels disabled: " + VectorSupport.describe());
    scalar = new ScalarSplineKernel();
    vector = (SplineKernel) Class.forName("dev.flowvi.engine.kernel.VectorSplineKernel").getDeclaredConstructor().newInstance();
  }

  @Test
  void preferredKernelIsTheVectorOne() {
    assertTrue(SplineKernel.preferred().getClass().getSimpleName().equals("VectorSplineKernel"));
  }

  @Test
  void agreeOnRandomRawsAndInputs() {
    RandomStream rng = RandomStream.of(21);
    // 37: several blocks for any species width plus a padded tail; 1 and 3: only a tail; 600: three
    // of the kernel's 256-point chunks, the last one short, and a tail for 8 lanes.
    for (int n : new int[] {37, 1, 3, 600}) {
      for (int knots : new int[] {1, 5, 8}) {
        for (double[] interval : new double[][] {{-3, 3}, {-1, 4}}) {
          int p = 3 * knots + 4;
          int stride = n + 5;
          int rawOff = 3;
          double[] raw = new double[rawOff + p * stride];
          for (int i = 0; i < raw.length; i++) {
            raw[i] = 1.5 * rng.nextGaussian();
          }
          double[] in = new double[n + 2];
          double span = interval[1] - interval[0];
          for (int i = 0; i < in.length; i++) {
            in[i] = interval[0] - 0.1 * span + 1.2 * span * rng.nextDouble();
          }
          compareAll(knots, interval[0], interval[1], raw, rawOff, stride, in, 2, n, rng);
        }
      }
    }
  }

  @Test
  void agreeOnExtremeRawsAndInputs() {
    RandomStream rng = RandomStream.of(22);
    int knots = 8;
    int p = 3 * knots + 4;
    double lo = -3;
    double hi = 3;
    double[] special = {-1e6, 1e6, -1e-300, 1e-300, 0.0, -0.0, lo, hi, Math.nextDown(hi), Math.nextUp(lo),
        Math.nextUp(hi), Math.nextDown(lo), Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE,
        -2.25, -1.5, -0.75, 0.75, 1.5, 2.25, 1.0 / 3, 2.0 / 3, -2.0 / 3};
    double[][] settings = {{0.0, 0.5397424172369522}, {40, -40}, {700, -700}, {-30, 30}};
    for (double[] setting : settings) {
      int n = special.length;
      double[] raw = new double[p * n];
      for (int q = 0; q < p; q++) {
        for (int i = 0; i < n; i++) {
          // Widths and heights get setting[0] on every other knot, derivatives setting[1].
          raw[q * n + i] = q < 2 * (knots + 1) ? ((q + i) % 2 == 0 ? setting[0] : -setting[0]) : setting[1];
        }
      }
      compareAll(knots, lo, hi, raw, 0, n, special, 0, n, rng);
      // The last values again, in a padded tail of 5 after whole vectors of 2, 4 or 8 lanes.
      compareAll(knots, lo, hi, raw, 3, n, special, 3, n - 3, rng);
    }
  }

  private void compareAll(int knots, double lo, double hi, double[] raw, int rawOff, int stride,
      double[] in, int inOff, int n, RandomStream rng) {
    int p = 3 * knots + 4;
    double[] g = new double[n + 1];
    double[] gl = new double[n];
    for (int i = 0; i < n; i++) {
      g[1 + i] = rng.nextGaussian();
      gl[i] = rng.nextGaussian();
    }
    String what = "K=" + knots + " on [" + lo + ", " + hi + "]";
    for (boolean forward : new boolean[] {true, false}) {
      double[][] s = passes(scalar, forward, knots, lo, hi, raw, rawOff, stride, in, inOff, n, g, gl);
      double[][] v = passes(vector, forward, knots, lo, hi, raw, rawOff, stride, in, inOff, n, g, gl);
      String dir = forward ? "forward " : "inverse ";
      for (int i = 0; i < n; i++) {
        String at = " at input " + in[inOff + i] + ", " + what;
        agree(s[0][1 + i], v[0][1 + i], dir + "value" + at);
        agree(s[1][i], v[1][i], dir + "log-det" + at);
        agree(s[2][i], v[2][i], dir + "input gradient" + at);
        for (int q = 0; q < p; q++) {
          agree(s[3][q * stride + i], v[3][q * stride + i], dir + "raw gradient " + q + at);
        }
      }
      for (int q = 0; q < p; q++) {
        for (int i = n; i < stride; i++) {
          assertTrue(v[3][q * stride + i] == 0.0, dir + "raw gradient " + q + " written beyond the batch, at " + i + ", " + what);
        }
      }
    }
  }

  /** Output (at offset 1), log-det, input gradient and raw gradients of one direction. */
  private static double[][] passes(SplineKernel k, boolean forward, int knots, double lo, double hi,
      double[] raw, int rawOff, int stride, double[] in, int inOff, int n, double[] g, double[] gl) {
    double[] out = new double[n + 1];
    double[] ld = new double[n];
    Arrays.fill(ld, 0.25); // passes add to the log-det
    double[] gradIn = new double[n];
    double[] gradRaw = new double[(3 * knots + 4) * stride];
    double[] rawCopy = raw.clone();
    double[] inCopy = in.clone();
    if (forward) {
      k.forward(knots, lo, hi, raw, rawOff, stride, in, inOff, out, 1, ld, n);
      k.forwardBackward(knots, lo, hi, raw, rawOff, stride, in, inOff, g, 1, gl, gradIn, 0, gradRaw, 0, n);
    } else {
      k.inverse(knots, lo, hi, raw, rawOff, stride, in, inOff, out, 1, ld, n);
      k.inverseBackward(knots, lo, hi, raw, rawOff, stride, in, inOff, g, 1, gl, gradIn, 0, gradRaw, 0, n);
    }
    assertTrue(Arrays.equals(raw, rawCopy) && Arrays.equals(in, inCopy), "a pass wrote to its inputs");
    return new double[][] {out, ld, gradIn, gradRaw};
  }

  private static void agree(double s, double v, String what) {
    assertTrue(Double.isFinite(s) && Double.isFinite(v), what + ": scalar " + s + ", vector " + v);
    assertTrue(Math.abs(s - v) <= TOL * Math.max(1.0, Math.max(Math.abs(s), Math.abs(v))),
        what + ": scalar " + s + ", vector " + v + ", difference " + (s - v));
  }
}
