package dev.flowvi.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flowvi.engine.kernel.VectorSupport;
import dev.flowvi.engine.random.RandomStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class DenseKernelsTest {
  private final RandomStream rng = RandomStream.of(42);

  private double[] gaussian(int len) {
    double[] v = new double[len];
    rng.fillGaussian(v, 0, len);
    return v;
  }

  private boolean[] randomMask(int len) {
    boolean[] m = new boolean[len];
    for (int k = 0; k < len; k++) {
      m[k] = rng.nextDouble() < 0.6;
    }
    return m;
  }

  @Test
  void choosesTheVectorKernelsExactlyWhenEnabled() {
    if (VectorSupport.enabled()) {
      assertEquals("VectorDenseKernels", DenseKernels.preferred().getClass().getSimpleName());
    } else {
      assertSame(DenseKernels.scalar(), DenseKernels.preferred());
    }
  }

  /** The scalar reference agrees with the textbook triple loop, masked weights ignored. */
  @ParameterizedTest
  @ValueSource(ints = {1, 3, 17})
  void scalarDenseMatchesTheDefinition(int n) {
    int out = 4;
    int in = 5;
    double[] w = gaussian(2 + out * in);
    double[] b = gaussian(1 + out);
    boolean[] mask = randomMask(out * in);
    double[] x = gaussian(in * n);
    double[] y = new double[out * n];
    DenseKernels.scalar().dense(w, 2, b, 1, mask, out, in, x, 0, y, 0, n);
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < n; i++) {
        double s = b[1 + o];
        for (int k = 0; k < in; k++) {
          s += mask[o * in + k] ? w[2 + o * in + k] * x[k * n + i] : 0.0;
        }
        assertEquals(s, y[o * n + i], 1e-14 * (1 + Math.abs(s)));
      }
    }
  }

  /**
   * A one-point call (the row-dot path) gives what the batch path gives for that point, and a NaN
   * in a masked-out weight reaches neither: in = 19 puts two full 8-lane vectors and a tail in
   * each row. The two paths sum in different orders, so they agree to round-off, not bit for bit:
   * 20 terms with Σ|term| ≈ 13 on average give at most about 20·ε·13 ≈ 6e-14; 2e-13 is asserted.
   */
  @Test
  void onePointLayerMatchesTheBatchAndIgnoresMaskedWeights() {
    int out = 5;
    int in = 19;
    int n = 6;
    double[] w = gaussian(out * in);
    double[] b = gaussian(out);
    boolean[] mask = randomMask(out * in);
    for (int k = 0; k < mask.length; k++) {
      if (!mask[k]) {
        w[k] = Double.NaN;
      }
    }
    double[] x = gaussian(in * n);
    for (DenseKernels kernels : new DenseKernels[] {DenseKernels.scalar(), DenseKernels.preferred()}) {
      double[] batch = new double[out * n];
      kernels.dense(w, 0, b, 0, mask, out, in, x, 0, batch, 0, n);
      for (int i = 0; i < n; i++) {
        double[] point = new double[in];
        for (int k = 0; k < in; k++) {
          point[k] = x[k * n + i];
        }
        double[] y = new double[out];
        kernels.dense(w, 0, b, 0, mask, out, in, point, 0, y, 0, 1);
        for (int o = 0; o < out; o++) {
          assertEquals(batch[o * n + i], y[o], 2e-13, kernels.getClass().getSimpleName() + " output " + o + " of point " + i);
        }
      }
    }
  }

  /** Backward pass against central differences of L = Σ g·y (exact for a linear map up to round-off). */
  @Test
  void scalarDenseBackwardMatchesFiniteDifferences() {
    int out = 3;
    int in = 4;
    int n = 5;
    double[] w = gaussian(out * in);
    double[] b = gaussian(out);
    boolean[] mask = randomMask(out * in);
    double[] x = gaussian(in * n);
    double[] g = gaussian(out * n);
    double[] gx = new double[in * n];
    double[] gw = new double[out * in];
    double[] gb = new double[out];
    DenseKernels.scalar().denseBackward(w, 0, mask, out, in, x, 0, g, 0, gx, 0, gw, 0, gb, 0, n);
    double h = 1e-6;
    for (int k = 0; k < x.length; k++) {
      double[] p = x.clone();
      double[] m = x.clone();
      p[k] += h;
      m[k] -= h;
      assertEquals((loss(w, b, mask, p, g, n) - loss(w, b, mask, m, g, n)) / (2 * h), gx[k], 1e-7);
    }
    for (int k = 0; k < w.length; k++) {
      double[] p = w.clone();
      double[] m = w.clone();
      p[k] += h;
      m[k] -= h;
      double fd = (loss(p, b, mask, x, g, n) - loss(m, b, mask, x, g, n)) / (2 * h);
      assertEquals(fd, gw[k], 1e-7);
      if (!mask[k]) {
        assertEquals(0.0, gw[k], 0.0, "masked weight " + k + " gets no gradient");
      }
    }
    for (int k = 0; k < b.length; k++) {
      double[] p = b.clone();
      double[] m = b.clone();
      p[k] += h;
      m[k] -= h;
      assertEquals((loss(w, p, mask, x, g, n) - loss(w, m, mask, x, g, n)) / (2 * h), gb[k], 1e-7);
    }
  }

  private static double loss(double[] w, double[] b, boolean[] mask, double[] x, double[] g, int n) {
    double[] y = new double[g.length];
    DenseKernels.scalar().dense(w, 0, b, 0, mask, b.length, x.length / n, x, 0, y, 0, n);
    double s = 0;
    for (int k = 0; k < y.length; k++) {
      s += g[k] * y[k];
    }
    return s;
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void activationDerivativesMatchFiniteDifferences(Activation act) {
    for (double z : new double[] {-3.1, -0.4, 0.2, 1.7, 25.0, -40.0}) {
      double h = 1e-6;
      double fd = (act.value(z + h) - act.value(z - h)) / (2 * h);
      assertEquals(fd, act.derivative(z, act.value(z)), 1e-8, act + " at " + z);
    }
  }

  /**
   * Vector vs scalar: the layer sums run in a different order (FMA, lane-wise partial sums) and
   * TANH/EXPM1 are within 1 ulp, so agreement is to round-off: 1e-12 relative to the magnitude of
   * the terms summed (the bound).
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 7, 8, 33, 100})
  void vectorAgreesWithScalar(int n) {
    assumeTrue(VectorSupport.enabled(), "vector kernels disabled in this JVM: " + VectorSupport.describe());
    DenseKernels vector = DenseKernels.preferred();
    DenseKernels scalar = DenseKernels.scalar();
    int out = 6;
    int in = 9;
    double[] w = gaussian(out * in);
    double[] b = gaussian(out);
    boolean[] mask = randomMask(out * in);
    double[] x = gaussian(in * n);
    double[] ys = new double[out * n];
    double[] yv = new double[out * n];
    for (boolean[] m : new boolean[][] {null, mask}) {
      scalar.dense(w, 0, b, 0, m, out, in, x, 0, ys, 0, n);
      vector.dense(w, 0, b, 0, m, out, in, x, 0, yv, 0, n);
      assertRelative(ys, yv, 1e-12, "dense");
      double[] g = gaussian(out * n);
      double[] gxs = new double[in * n];
      double[] gxv = new double[in * n];
      double[] gws = new double[out * in];
      double[] gwv = new double[out * in];
      double[] gbs = new double[out];
      double[] gbv = new double[out];
      scalar.denseBackward(w, 0, m, out, in, x, 0, g, 0, gxs, 0, gws, 0, gbs, 0, n);
      vector.denseBackward(w, 0, m, out, in, x, 0, g, 0, gxv, 0, gwv, 0, gbv, 0, n);
      assertRelative(gxs, gxv, 1e-12, "gradX");
      assertRelative(gws, gwv, 1e-12, "gradW");
      assertRelative(gbs, gbv, 1e-12, "gradB");
    }
    for (Activation act : Activation.values()) {
      double[] z = gaussian(n);
      z[0] = 0.0;
      double[] hs = new double[n];
      double[] hv = new double[n];
      scalar.activate(act, z, 0, hs, 0, n);
      vector.activate(act, z, 0, hv, 0, n);
      assertRelative(hs, hv, 1e-12, act + " value");
      double[] gh = gaussian(n);
      double[] gzs = new double[n];
      double[] gzv = new double[n];
      scalar.activateBackward(act, z, 0, hs, 0, gh, 0, gzs, 0, n);
      vector.activateBackward(act, z, 0, hs, 0, gh, 0, gzv, 0, n);
      assertRelative(gzs, gzv, 1e-12, act + " derivative");
    }
  }

  private static void assertRelative(double[] expected, double[] actual, double tol, String what) {
    for (int k = 0; k < expected.length; k++) {
      assertEquals(expected[k], actual[k], tol * Math.max(1.0, Math.abs(expected[k])), what + "[" + k + "]");
    }
  }
}
