package dev.flowvi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The benchmark is also a test: for every kind, both paths set up (the compiled one in strict mode,
 * so every kind must compile), all four passes run, the inverse undoes the forward pass, and the
 * compiled passes give the interpreted values. Tolerances: 1e-9 relative to the batch's largest
 * value; the inverse of BNAF and of tanh planar layers is an iterative root solve stopping at a
 * few ulp, and the rest differ by summation order and 1-ulp vector transcendentals.
 */
class BijectionBenchmarkTest {

  static String[] kinds() {
    return BijectionBenchmark.KINDS;
  }

  private static BijectionBenchmark state(String kind, String path) {
    BijectionBenchmark b = new BijectionBenchmark();
    b.kind = kind;
    b.path = path;
    b.batch = 64;
    b.setUp();
    return b;
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void everyKindRunsEveryPassOnBothPathsAndTheyAgree(String kind) {
    BijectionBenchmark interpreted = state(kind, "interpreted");
    BijectionBenchmark compiled = state(kind, "compiled");
    for (BijectionBenchmark b : new BijectionBenchmark[] {interpreted, compiled}) {
      b.forward();
      b.inverse();
      double scale = 1;
      for (double v : b.x) {
        scale = Math.max(scale, Math.abs(v));
      }
      for (int k = 0; k < b.x.length; k++) {
        assertEquals(b.x[k], b.back[k], 1e-9 * scale, kind + " " + b.path + ": inverse(forward(x)) at " + k);
      }
      assertTrue(Double.isFinite(b.forwardBackward()) && Double.isFinite(b.inverseBackward()), kind + " " + b.path);
    }
    interpreted.forward();
    compiled.forward();
    assertClose(kind + " forward y", interpreted.y, compiled.y);
    assertClose(kind + " forward log-det", interpreted.logDet, compiled.logDet);
    java.util.Arrays.fill(interpreted.gradParams, 0.0);
    java.util.Arrays.fill(compiled.gradParams, 0.0);
    interpreted.forwardBackward();
    compiled.forwardBackward();
    assertClose(kind + " forward-backward dL/dx", interpreted.gradIn, compiled.gradIn);
    assertClose(kind + " forward-backward dL/dparams", interpreted.gradParams, compiled.gradParams);
  }

  private static void assertClose(String what, double[] expected, double[] actual) {
    double scale = 1e-300;
    for (double v : expected) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int k = 0; k < expected.length; k++) {
      assertEquals(expected[k], actual[k], 1e-9 * scale, what + " at " + k);
    }
  }

  @org.junit.jupiter.api.Test
  void unknownNamesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> state("glow", "interpreted"));
    assertThrows(IllegalArgumentException.class, () -> state("spline", "jit"));
  }
}
