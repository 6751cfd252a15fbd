package dev.flowvi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.codegen.MethodSizes;
import dev.flowvi.codegen.flow.CompiledFlow;
import org.junit.jupiter.api.Test;

/**
 * The benchmark is also a test: both variants are set up on a small batch, every benchmark method
 * runs, and the compiled results agree with the interpreted ones to 1e-12 of each array's largest
 * magnitude (the tolerance of FlowCompilerTest), so the figures describe correct code.
 */
class FlowCompilerBenchmarkTest {

  private static FlowCompilerBenchmark state(String flow) {
    FlowCompilerBenchmark b = new FlowCompilerBenchmark();
    b.flow = flow;
    b.batch = 9;
    b.setUp();
    return b;
  }

  @Test
  void compiledVariantsAgreeWithInterpreted() {
    FlowCompilerBenchmark c = state("compiled");
    FlowCompilerBenchmark i = state("interpreted");
    assertTrue(c.triangular instanceof CompiledFlow && c.autoregressive instanceof CompiledFlow);
    c.triangularSample();
    i.triangularSample();
    close(i.y, c.y, "triangular y");
    close(i.logDet, c.logDet, "triangular logDet");
    close(i.gradX, c.gradX, "triangular gradX");
    close(i.gradParams, c.gradParams, "triangular gradParams");
    c.autoregressiveInverse();
    i.autoregressiveInverse();
    close(i.y, c.y, "autoregressive inverse x");
    close(i.logDet, c.logDet, "autoregressive inverse logDet");
  }

  @Test
  void compileBenchmarksProduceClassesUnderTheMethodLimit() {
    FlowCompilerBenchmark c = state("compiled");
    assertTrue(c.compileTriangular().largestMethodSize() < MethodSizes.HUGE_METHOD_LIMIT);
    assertTrue(c.compileAutoregressive().largestMethodSize() < MethodSizes.HUGE_METHOD_LIMIT);
  }

  @Test
  void unknownVariantIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> state("jit"));
  }

  private static void close(double[] expected, double[] actual, String what) {
    double scale = 1.0;
    for (double e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    for (int k = 0; k < expected.length; k++) {
      assertEquals(expected[k], actual[k], 1e-12 * scale, what + " at " + k);
    }
  }
}
