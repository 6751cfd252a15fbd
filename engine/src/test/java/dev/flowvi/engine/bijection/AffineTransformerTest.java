package dev.flowvi.engine.bijection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.random.RandomStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AffineTransformerTest {
  private static final int N = 6;
  /** Raw parameter k of point i lives at RAW_OFF + k*STRIDE + i: stride larger than N on purpose. */
  private static final int RAW_OFF = 3;
  private static final int STRIDE = 9;

  static Stream<AffineTransformer> transformers() {
    return Stream.of(AffineTransformer.withScaleFloor(), AffineTransformer.softClamped(), AffineTransformer.softClamped(0.5, 1.0));
  }

  private static double[] randomRaw(RandomStream rng) {
    double[] raw = new double[RAW_OFF + 2 * STRIDE];
    for (int k = 0; k < raw.length; k++) {
      raw[k] = 1.5 * rng.nextGaussian();
    }
    return raw;
  }

  private static double[] gaussian(RandomStream rng, int len) {
    double[] v = new double[len];
    rng.fillGaussian(v, 0, len);
    return v;
  }

  @ParameterizedTest
  @MethodSource("transformers")
  void identityIsExact(AffineTransformer t) {
    double[] raw = new double[2 * N];
    for (int i = 0; i < N; i++) {
      double[] one = new double[2];
      t.identity(one, 0);
      raw[i] = one[0];
      raw[N + i] = one[1];
    }
    double[] x = gaussian(RandomStream.of(3), N);
    double[] y = new double[N];
    double[] ld = new double[N];
    t.forward(raw, 0, N, x, 0, y, 0, ld, N);
    for (int i = 0; i < N; i++) {
      assertEquals(x[i], y[i], 2e-16 * Math.abs(x[i]));
      assertEquals(0.0, ld[i], 2e-16);
    }
  }

  @ParameterizedTest
  @MethodSource("transformers")
  void inverseUndoesForward(AffineTransformer t) {
    RandomStream rng = RandomStream.of(5);
    double[] raw = randomRaw(rng);
    double[] x = gaussian(rng, N + 2);
    double[] y = new double[N + 1];
    double[] ld = new double[N];
    double[] back = new double[N + 2];
    double[] ldInv = new double[N];
    t.forward(raw, RAW_OFF, STRIDE, x, 2, y, 1, ld, N);
    t.inverse(raw, RAW_OFF, STRIDE, y, 1, back, 2, ldInv, N);
    for (int i = 0; i < N; i++) {
      assertEquals(x[2 + i], back[2 + i], 1e-13 * (1 + Math.abs(x[2 + i])));
      assertEquals(-ld[i], ldInv[i], 1e-14);
      double dy = (yAt(t, raw, x[2 + i] + 1e-6, i) - yAt(t, raw, x[2 + i] - 1e-6, i)) / 2e-6;
      assertEquals(Math.log(dy), ld[i], 1e-8, "log-det is log dy/dx");
    }
  }

  private static double yAt(AffineTransformer t, double[] raw, double xi, int i) {
    double[] one = new double[i + 1];
    one[i] = xi;
    double[] y = new double[i + 1];
    t.forward(raw, RAW_OFF, STRIDE, one, 0, y, 0, new double[i + 1], i + 1);
    return y[i];
  }

  /** Both backward passes against central differences of L = Σ g·out + Σ v·logDet (h = 1e-6, tol 1e-7). */
  @ParameterizedTest
  @MethodSource("transformers")
  void backwardPassesMatchFiniteDifferences(AffineTransformer t) {
    RandomStream rng = RandomStream.of(9);
    double[] raw = randomRaw(rng);
    double[] in = gaussian(rng, N);
    double[] g = gaussian(rng, N);
    double[] v = gaussian(rng, N);
    for (boolean inverse : new boolean[] {false, true}) {
      double[] out = new double[N];
      double[] ld = new double[N];
      run(t, inverse, raw, in, out, ld);
      double[] gIn = new double[N];
      double[] gRaw = new double[RAW_OFF + 2 * STRIDE];
      if (inverse) {
        t.inverseBackward(raw, RAW_OFF, STRIDE, in, 0, out, 0, g, 0, v, gIn, 0, gRaw, RAW_OFF, N);
      } else {
        t.forwardBackward(raw, RAW_OFF, STRIDE, in, 0, out, 0, g, 0, v, gIn, 0, gRaw, RAW_OFF, N);
      }
      double h = 1e-6;
      for (int i = 0; i < N; i++) {
        double[] p = in.clone();
        double[] m = in.clone();
        p[i] += h;
        m[i] -= h;
        double fd = (loss(t, inverse, raw, p, g, v) - loss(t, inverse, raw, m, g, v)) / (2 * h);
        assertEquals(fd, gIn[i], 1e-7 * (1 + Math.abs(fd)), (inverse ? "dL/dy" : "dL/dx") + i);
        for (int k = 0; k < 2; k++) {
          int at = RAW_OFF + k * STRIDE + i;
          double[] rp = raw.clone();
          double[] rm = raw.clone();
          rp[at] += h;
          rm[at] -= h;
          double fdr = (loss(t, inverse, rp, in, g, v) - loss(t, inverse, rm, in, g, v)) / (2 * h);
          assertEquals(fdr, gRaw[at], 1e-7 * (1 + Math.abs(fdr)), "dL/draw" + k + " of point " + i + (inverse ? " (inverse)" : ""));
        }
      }
    }
  }

  private static void run(AffineTransformer t, boolean inverse, double[] raw, double[] in, double[] out, double[] ld) {
    if (inverse) {
      t.inverse(raw, RAW_OFF, STRIDE, in, 0, out, 0, ld, N);
    } else {
      t.forward(raw, RAW_OFF, STRIDE, in, 0, out, 0, ld, N);
    }
  }

  private static double loss(AffineTransformer t, boolean inverse, double[] raw, double[] in, double[] g, double[] v) {
    double[] out = new double[N];
    double[] ld = new double[N];
    run(t, inverse, raw, in, out, ld);
    double s = 0;
    for (int i = 0; i < N; i++) {
      s += g[i] * out[i] + v[i] * ld[i];
    }
    return s;
  }

  /** Andrade's clamp bounds the log-scale to (−α₋, α₊) however large the raw value. */
  @Test
  void softClampBoundsTheLogScaleAsymmetrically() {
    AffineTransformer t = AffineTransformer.softClamped();
    double[] raw = {0, 0, 0, 1e6, -1e6, 1e-3};
    double[] ld = new double[3];
    t.forward(raw, 0, 3, new double[] {1, 1, 1}, 0, new double[3], 0, ld, 3);
    assertTrue(ld[0] < 0.1 && ld[0] > 0.0999, "log-scale saturates at α₊: " + ld[0]);
    assertTrue(ld[1] > -2 && ld[1] < -1.999, "log-scale saturates at −α₋: " + ld[1]);
    assertEquals(2 / Math.PI * 0.1 * Math.atan(1e-2), ld[2], 1e-18);
  }

  @Test
  void floorKeepsTheScaleAboveOneHundredth() {
    AffineTransformer t = AffineTransformer.withScaleFloor();
    double[] raw = {0, -800};
    double[] ld = new double[1];
    double[] y = new double[1];
    t.forward(raw, 0, 1, new double[] {2.0}, 0, y, 0, ld, 1);
    assertEquals(0.02, y[0], 1e-17);
    assertEquals(Math.log(0.01), ld[0], 1e-15);
  }

  @Test
  void rejectsNonPositiveClampWidths() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AffineTransformer.softClamped(0.0, 2.0));
    assertTrue(e.getMessage().contains("alphaPositive is 0.0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> AffineTransformer.softClamped(0.1, Double.NaN));
    assertTrue(e.getMessage().contains("alphaNegative is NaN"), e.getMessage());
  }
}
