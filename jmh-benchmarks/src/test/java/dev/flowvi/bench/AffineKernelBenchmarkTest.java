package dev.flowvi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flowvi.engine.kernel.VectorSupport;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The benchmark is also a test: each variant's states are set up and every benchmark method runs
 * once, and the vector variant must agree with the scalar one to 1e-12 relative, so the figures
 * always describe correct code.
 */
class AffineKernelBenchmarkTest {

  private static AffineKernelBenchmark state(String kernel, int batch) {
    AffineKernelBenchmark b = new AffineKernelBenchmark();
    b.kernel = kernel;
    b.batch = batch;
    b.dim = 7;
    b.setUp();
    return b;
  }

  private static void agree(ToDoubleFunction<AffineKernelBenchmark> bench, String what, int batch) {
    AffineKernelBenchmark s = state("scalar", batch);
    AffineKernelBenchmark v = state("vector", batch);
    bench.applyAsDouble(s);
    bench.applyAsDouble(v);
    compare(s.y, v.y, what + " y");
    compare(s.gradX, v.gradX, what + " gradX");
    compare(s.logDet, v.logDet, what + " logDet");
    for (int k = 0; k < s.gradParams.length; k++) {
      // Parameter gradients are sums over the batch in a different order: compare on the batch scale.
      assertEquals(s.gradParams[k], v.gradParams[k], 1e-12 * batch * Math.max(1, Math.abs(s.gradParams[k])), what + " gradParams " + k);
    }
  }

  private static void compare(double[] s, double[] v, String what) {
    for (int e = 0; e < s.length; e++) {
      assertEquals(s[e], v[e], 1e-12 * Math.max(1e-300, Math.abs(s[e])), what + " at " + e);
    }
  }

  @Test
  void vectorVariantsAgreeWithScalar() {
    assumeTrue(VectorSupport.enabled(), "vector kernels are not enabled in this JVM");
    for (int batch : new int[] {64, 67}) {
      agree(AffineKernelBenchmark::affineForward, "affineForward", batch);
      agree(AffineKernelBenchmark::affineInverse, "affineInverse", batch);
      agree(AffineKernelBenchmark::affineForwardBackward, "affineForwardBackward", batch);
      agree(AffineKernelBenchmark::affineInverseBackward, "affineInverseBackward", batch);
      agree(AffineKernelBenchmark::triangularForward, "triangularForward", batch);
      agree(AffineKernelBenchmark::triangularInverse, "triangularInverse", batch);
      agree(AffineKernelBenchmark::triangularForwardBackward, "triangularForwardBackward", batch);
      agree(AffineKernelBenchmark::triangularInverseBackward, "triangularInverseBackward", batch);
    }
  }

  @Test
  void vectorVariantRefusesToMeasureTheFallback() {
    assumeTrue(!VectorSupport.enabled(), "vector kernels are enabled in this JVM");
    assertThrows(IllegalStateException.class, () -> state("vector", 64));
  }

  @Test
  void unknownKernelIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> state("gpu", 64));
  }
}
