package dev.flowvi.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flowvi.engine.kernel.VectorSupport;
import org.junit.jupiter.api.Test;

/**
 * Runs each benchmark method once per variant and checks the vector variant against the scalar
 * one, so the benchmark figures always describe correct code. Predicate: |v − s| ≤
 * 1e-12·max(1, |v|, |s|), as in the engine's kernel agreement test.
 */
class SplineKernelBenchmarkTest {

  private static SplineKernelBenchmark state(String kernel, int batch) {
    SplineKernelBenchmark b = new SplineKernelBenchmark();
    b.kernel = kernel;
    b.batch = batch;
    b.setup();
    return b;
  }

  @Test
  void vectorVariantAgreesWithScalarVariant() {
    assumeTrue(VectorSupport.enabled(), "vector kernels disabled");
    for (int batch : new int[] {64, 1024}) {
      SplineKernelBenchmark s = state("scalar", batch);
      SplineKernelBenchmark v = state("vector", batch);
      same(s.forward(), v.forward(), "forward");
      same(s.logDet, v.logDet, "forward log-det");
      same(s.inverse(), v.inverse(), "inverse");
      same(s.forwardBackward(), v.forwardBackward(), "forward-backward raw gradient");
      same(s.gradX, v.gradX, "forward-backward input gradient");
    }
  }

  private static void same(double[] s, double[] v, String what) {
    for (int i = 0; i < s.length; i++) {
      assertTrue(Double.isFinite(s[i]) && Math.abs(s[i] - v[i]) <= 1e-12 * Math.max(1, Math.max(Math.abs(s[i]), Math.abs(v[i]))),
          what + "[" + i + "]: scalar " + s[i] + ", vector " + v[i]);
    }
  }
}
