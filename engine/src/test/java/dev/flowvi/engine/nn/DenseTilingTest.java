package dev.flowvi.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flowvi.engine.kernel.VectorSupport;
import dev.flowvi.engine.random.RandomStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;

/**
 * The register-tiled whole-layer kernels of {@link VectorDenseKernels} against the scalar
 * reference and against the axpy form they replace (bit for bit where no lane reduction is involved), on shapes that exercise every
 * tail: unit counts not divisible by 4, batch sizes below one vector, exactly one and two vectors,
 * one past them and 125 (the trainer's chunk), and masks with empty rows and empty columns.
 *
 * <p>Tolerance: the kernels differ from the reference only in rounding (fused multiply-adds, and
 * lane-wise partial sums in the dot products), so each value is compared to 1e-12 times the sum of
 * the absolute values of its terms, Σ|w·x| + |b| (the condition-aware form of the 1e-12
 * relative bound: a sum that cancels to near zero carries the round-off of its large terms).
 */
class DenseTilingTest {
  private static final double TOL = 1e-12;

  static Stream<Arguments> shapes() {
    Stream.Builder<Arguments> s = Stream.builder();
    for (boolean tiles : new boolean[] {true, false}) {
      for (int n : new int[] {1, 3, 8, 9, 16, 17, 125, 500}) {
        s.add(Arguments.of(7, 13, n, tiles));
        s.add(Arguments.of(50, 50, n, tiles));
        s.add(Arguments.of(1, 2, n, tiles));
      }
    }
    return s.build();
  }

  /** A random mask with row 1 and column 2 empty (a MADE unit or input with no connections). */
  private static boolean[] mask(RandomStream rng, int out, int in) {
    boolean[] m = new boolean[out * in];
    for (int o = 0; o < out; o++) {
      for (int k = 0; k < in; k++) {
        m[o * in + k] = o != 1 && k != 2 && rng.nextDouble() < 0.6;
      }
    }
    return m;
  }

  private static double[] gaussian(RandomStream rng, int len) {
    double[] v = new double[len];
    rng.fillGaussian(v, 0, len);
    return v;
  }

  @ParameterizedTest(name = "{0}x{1}, n={2}, row tiles {3}")
  @MethodSource("shapes")
  void tiledLayersAgreeWithTheScalarReference(int out, int in, int n, boolean tiles) {
    assumeTrue(VectorSupport.enabled(), "vector kernels disabled in this JVM: " + VectorSupport.describe());
    DenseKernels vector = new VectorDenseKernels(tiles);
    DenseKernels scalar = DenseKernels.scalar();
    RandomStream rng = RandomStream.of(out * 1000 + in * 10 + n);
    int wOff = 3;
    int xOff = 5;
    double[] w = gaussian(rng, wOff + out * in);
    double[] b = gaussian(rng, 2 + out);
    double[] x = gaussian(rng, xOff + in * n);
    double[] g = gaussian(rng, 1 + out * n);
    for (boolean[] m : new boolean[][] {null, mask(rng, out, in)}) {
      double[] ys = new double[4 + out * n];
      double[] yv = new double[4 + out * n];
      scalar.dense(w, wOff, b, 2, m, out, in, x, xOff, ys, 4, n);
      vector.dense(w, wOff, b, 2, m, out, in, x, xOff, yv, 4, n);
      for (int o = 0; o < out; o++) {
        for (int i = 0; i < n; i++) {
          double scale = Math.abs(b[2 + o]);
          for (int k = 0; k < in; k++) {
            scale += connected(m, o * in + k) ? Math.abs(w[wOff + o * in + k] * x[xOff + k * n + i]) : 0.0;
          }
          assertEquals(ys[4 + o * n + i], yv[4 + o * n + i], TOL * scale, "y[" + o + "," + i + "] mask " + (m != null));
        }
      }
      double[] gxs = new double[in * n + 2];
      double[] gxv = new double[in * n + 2];
      double[] gws = gaussian(rng, wOff + out * in);
      double[] gwv = gws.clone();
      double[] gbs = gaussian(rng, 2 + out);
      double[] gbv = gbs.clone();
      scalar.denseBackward(w, wOff, m, out, in, x, xOff, g, 1, gxs, 2, gws, wOff, gbs, 2, n);
      vector.denseBackward(w, wOff, m, out, in, x, xOff, g, 1, gxv, 2, gwv, wOff, gbv, 2, n);
      for (int k = 0; k < in; k++) {
        for (int i = 0; i < n; i++) {
          double scale = 0.0;
          for (int o = 0; o < out; o++) {
            scale += connected(m, o * in + k) ? Math.abs(w[wOff + o * in + k] * g[1 + o * n + i]) : 0.0;
          }
          assertEquals(gxs[2 + k * n + i], gxv[2 + k * n + i], TOL * scale, "gradX[" + k + "," + i + "]");
        }
      }
      for (int o = 0; o < out; o++) {
        for (int k = 0; k < in; k++) {
          double scale = Math.abs(gws[wOff + o * in + k]);
          for (int i = 0; i < n; i++) {
            scale += Math.abs(g[1 + o * n + i] * x[xOff + k * n + i]);
          }
          assertEquals(gws[wOff + o * in + k], gwv[wOff + o * in + k], TOL * scale, "gradW[" + o + "," + k + "]");
        }
        double scale = Math.abs(gbs[2 + o]);
        for (int i = 0; i < n; i++) {
          scale += Math.abs(g[1 + o * n + i]);
        }
        assertEquals(gbs[2 + o], gbv[2 + o], TOL * scale, "gradB[" + o + "]");
      }
      // Untouched: the slots before each offset, and masked weights' gradients.
      assertEquals(gws[0], gwv[0], 0.0);
      if (m != null) {
        for (int q = 0; q < m.length; q++) {
          if (!m[q]) {
            assertEquals(gws[wOff + q], gwv[wOff + q], 0.0, "masked weight " + q + " gets no gradient");
          }
        }
      }
    }
  }

  /**
   * Both forward forms (register tiles from JDK 21, grouped axpy on JDK 17) keep each sum's order
   * of terms and its fused multiply-adds, and the scalar tails the axpy tail's unfused ones, so y
   * and dL/dx equal the layer loop over the vector row primitives ({@link DenseKernels#axpy})
   * exactly. dL/dW is each connected weight's sum over the points in order, one fused multiply-add
   * per point from zero, then added to gw: equal to that loop of {@link Math#fma} exactly. dL/db
   * ends in a lane reduction and equals {@link DenseKernels#sum} to its round-off.
   */
  @ParameterizedTest(name = "{0}x{1}, n={2}, row tiles {3}")
  @MethodSource("shapes")
  void layersEqualTheAxpyFormBitForBit(int out, int in, int n, boolean tiles) {
    assumeTrue(VectorSupport.enabled(), "vector kernels disabled in this JVM: " + VectorSupport.describe());
    // Below one vector the layers are the scalar reference's (tiledLayersAgreeWithTheScalarReference).
    assumeTrue(n >= jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED.length(), "fewer points than one vector");
    DenseKernels k = new VectorDenseKernels(tiles);
    RandomStream rng = RandomStream.of(31 * n + out + in);
    double[] weights = gaussian(rng, out * in);
    double[] b = gaussian(rng, out);
    double[] x = gaussian(rng, in * n);
    double[] g = gaussian(rng, out * n);
    for (boolean[] m : new boolean[][] {null, mask(rng, out, in)}) {
      // Masked-out weights never reach a result: NaN there must change nothing.
      double[] w = weights.clone();
      for (int q = 0; m != null && q < w.length; q++) {
        w[q] = m[q] ? w[q] : Double.NaN;
      }
      double[] y = new double[out * n];
      double[] yAxpy = new double[out * n];
      k.dense(w, 0, b, 0, m, out, in, x, 0, y, 0, n);
      double[] gx = new double[in * n];
      double[] gxAxpy = new double[in * n];
      double[] gw = gaussian(rng, out * in);
      double[] gwFma = gw.clone();
      double[] gb = new double[out];
      double[] gbAxpy = new double[out];
      k.denseBackward(w, 0, m, out, in, x, 0, g, 0, gx, 0, gw, 0, gb, 0, n);
      for (int o = 0; o < out; o++) {
        java.util.Arrays.fill(yAxpy, o * n, (o + 1) * n, b[o]);
        gbAxpy[o] += k.sum(g, o * n, n);
        for (int c = 0; c < in; c++) {
          if (connected(m, o * in + c)) {
            k.axpy(w[o * in + c], x, c * n, yAxpy, o * n, n);
            double s = 0.0;
            for (int i = 0; i < n; i++) {
              s = Math.fma(x[c * n + i], g[o * n + i], s);
            }
            gwFma[o * in + c] += s;
            k.axpy(w[o * in + c], g, o * n, gxAxpy, c * n, n);
          }
        }
      }
      String label = out + "x" + in + ", n " + n + (m == null ? "" : ", masked");
      assertArrayEquals(yAxpy, y, label + ": y");
      assertArrayEquals(gxAxpy, gx, label + ": gradX");
      assertArrayEquals(gwFma, gw, label + ": gradW (masked entries untouched)");
      // db ends in reduceLanes(ADD), whose order of lanes is unspecified and differs between JIT
      // tiers: equal to the reduction's round-off, TOL times the sum of the terms' sizes.
      for (int o = 0; o < out; o++) {
        double gbScale = 0.0;
        for (int i = 0; i < n; i++) {
          gbScale += Math.abs(g[o * n + i]);
        }
        assertEquals(gbAxpy[o], gb[o], TOL * gbScale, label + ": gradB[" + o + "]");
      }
      for (double[] a : new double[][] {y, gx, gw, gb}) {
        for (double v : a) {
          assertTrue(Double.isFinite(v), label + ": a masked NaN weight reached a result");
        }
      }
    }
  }

  /**
   * The vector backward pass against central differences of L = Σ g·y. L is linear in each of x,
   * W and b, so the central difference is exact up to round-off: with h = 1e-3 and |L| ≲ 10³
   * the error is about 1e-16·10³/1e-3 = 1e-10, and 1e-7 leaves a wide margin.
   */
  @ParameterizedTest(name = "{0}x{1}, n={2}")
  @MethodSource("shapes")
  void vectorBackwardMatchesFiniteDifferences(int out, int in, int n) {
    assumeTrue(out * in * n <= 13 * 7 * 17, "finite differences only on the small shapes");
    DenseKernels kernels = DenseKernels.preferred();
    RandomStream rng = RandomStream.of(7 + n);
    double[] w = gaussian(rng, out * in);
    double[] b = gaussian(rng, out);
    boolean[] m = mask(rng, out, in);
    double[] x = gaussian(rng, in * n);
    double[] g = gaussian(rng, out * n);
    double[] gx = new double[in * n];
    double[] gw = new double[out * in];
    double[] gb = new double[out];
    kernels.denseBackward(w, 0, m, out, in, x, 0, g, 0, gx, 0, gw, 0, gb, 0, n);
    double h = 1e-3;
    double[][] args = {w, b, x};
    double[][] grads = {gw, gb, gx};
    for (int a = 0; a < 3; a++) {
      for (int q = 0; q < args[a].length; q++) {
        double keep = args[a][q];
        args[a][q] = keep + h;
        double up = loss(kernels, w, b, m, x, g, out, in, n);
        args[a][q] = keep - h;
        double down = loss(kernels, w, b, m, x, g, out, in, n);
        args[a][q] = keep;
        assertEquals((up - down) / (2 * h), grads[a][q], 1e-7, "argument " + a + " entry " + q);
      }
    }
  }

  private static double loss(DenseKernels kernels, double[] w, double[] b, boolean[] m, double[] x, double[] g,
      int out, int in, int n) {
    double[] y = new double[out * n];
    kernels.dense(w, 0, b, 0, m, out, in, x, 0, y, 0, n);
    double s = 0.0;
    for (int q = 0; q < y.length; q++) {
      s += g[q] * y[q];
    }
    return s;
  }

  private static boolean connected(boolean[] m, int q) {
    return m == null || m[q];
  }
}
