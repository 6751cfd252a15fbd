package dev.flowvi.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flowvi.engine.random.RandomStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The vector {@link AffineKernel} against the scalar reference. Lengths cover an empty run, runs
 * shorter than one vector, exact multiples of 8 lanes and ragged tails; offsets are non-zero.
 */
class AffineKernelTest {
  private static final int OFF = 5;

  /** Relative agreement the brief asks for; the reductions differ only by summation order (≈ len·ε). */
  private static final double RELATIVE = 1e-12;

  @Test
  void preferredKernelFollowsVectorSupport() {
    if (!VectorSupport.enabled()) {
      assertSame(AffineKernel.SCALAR.getClass(), AffineKernel.PREFERRED.getClass());
    } else {
      assertEquals("VectorAffineKernel", AffineKernel.PREFERRED.getClass().getSimpleName());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3, 7, 8, 9, 64, 67, 1000})
  void scalarKernelComputesTheAffineMap(int len) {
    RandomStream rng = RandomStream.of(len);
    double[] x = data(rng, len);
    double[] y = new double[OFF + len];
    AffineKernel.SCALAR.scaleShift(x, OFF, 1.7, -0.3, y, OFF, len);
    double[] back = new double[OFF + len];
    AffineKernel.SCALAR.unshiftUnscale(y, OFF, -0.3, 1.7, back, OFF, len);
    double[] sums = {1.0, 2.0};
    double[] g = new double[OFF + len];
    AffineKernel.SCALAR.scaleAndReduce(y, OFF, x, OFF, 3.0, g, OFF, len, sums);
    double sum = 1.0;
    double dot = 2.0;
    for (int i = OFF; i < OFF + len; i++) {
      assertEquals(1.7 * x[i] - 0.3, y[i], 0.0);
      assertEquals(x[i], back[i], 1e-15 * Math.max(1, Math.abs(x[i])));
      assertEquals(3.0 * y[i], g[i], 0.0);
      sum += y[i];
      dot += y[i] * x[i];
    }
    assertEquals(sum, sums[0], 1e-12 * Math.max(1, Math.abs(sum)));
    assertEquals(dot, sums[1], 1e-12 * Math.max(1, Math.abs(dot)));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3, 7, 8, 9, 64, 67, 1000, 4099})
  void vectorKernelAgreesWithScalar(int len) {
    assumeTrue(VectorSupport.enabled(), "vector kernels are not enabled in this JVM");
    AffineKernel v = AffineKernel.PREFERRED;
    AffineKernel s = AffineKernel.SCALAR;
    RandomStream rng = RandomStream.of(100 + len);
    double[] x = data(rng, len);
    double[] g = data(rng, len);
    double scale = 0.37;
    double shift = 2.5;

    double[] ys = new double[OFF + len];
    double[] yv = new double[OFF + len];
    s.scaleShift(x, OFF, scale, shift, ys, OFF, len);
    v.scaleShift(x, OFF, scale, shift, yv, OFF, len);
    assertRelative(ys, yv, "scaleShift");

    s.unshiftUnscale(x, OFF, shift, scale, ys, OFF, len);
    v.unshiftUnscale(x, OFF, shift, scale, yv, OFF, len);
    assertRelative(ys, yv, "unshiftUnscale");

    double[] sumsS = {0.5, -0.5};
    double[] sumsV = {0.5, -0.5};
    s.scaleAndReduce(g, OFF, x, OFF, scale, ys, OFF, len, sumsS);
    v.scaleAndReduce(g, OFF, x, OFF, scale, yv, OFF, len, sumsV);
    assertRelative(ys, yv, "scaleAndReduce gradient");
    // Reordered sums: compare against the sum of magnitudes, the scale of the rounding error.
    double absSum = 0.5;
    double absDot = 0.5;
    for (int i = OFF; i < OFF + len; i++) {
      absSum += Math.abs(g[i]);
      absDot += Math.abs(g[i] * x[i]);
    }
    assertEquals(sumsS[0], sumsV[0], RELATIVE * absSum, "sum");
    assertEquals(sumsS[1], sumsV[1], RELATIVE * absDot, "dot");
  }

  static double[] data(RandomStream rng, int len) {
    double[] v = new double[OFF + len];
    java.util.Arrays.fill(v, 0, OFF, Double.NaN); // the kernels must not read before the offset
    rng.fillGaussian(v, OFF, len);
    return v;
  }

  static void assertRelative(double[] expected, double[] actual, String what) {
    for (int i = OFF; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], RELATIVE * Math.abs(expected[i]), what + " at " + i);
    }
  }
}
