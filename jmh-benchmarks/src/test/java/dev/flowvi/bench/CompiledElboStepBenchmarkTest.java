package dev.flowvi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.codegen.CodegenMode;
import dev.flowvi.codegen.model.CompiledModelDensity;
import org.junit.jupiter.api.Test;

/**
 * The benchmark is also a test: each workload's compiled step is really compiled (strict mode
 * throws rather than falling back, and the model is a {@link CompiledModelDensity}),
 * and it gives the interpreted step's loss and gradient from the same seeds, to 1e-9 relative:
 * both paths compute the same sums in different orders, and the vector EXP/LOG are within 1 ulp
 * but not bit-stable, so agreement is at round-off, amplified by the log-sum-exps over rows.
 */
class CompiledElboStepBenchmarkTest {

  private static CompiledElboStepBenchmark state(String workload, String path) {
    CompiledElboStepBenchmark b = new CompiledElboStepBenchmark();
    b.workload = workload;
    b.path = path;
    b.setUp();
    return b;
  }

  @Test
  void compiledAndInterpretedStepsAgree() {
    for (String w : new String[] {"m1", "m2"}) {
      CompiledElboStepBenchmark compiled = state(w, "compiled");
      CompiledElboStepBenchmark interpreted = state(w, "interpreted");
      assertTrue(compiled.loss.target() instanceof CompiledModelDensity, w + " model is compiled");
      double a = compiled.elboStep();
      double b = interpreted.elboStep();
      assertTrue(Double.isFinite(a), w + " loss " + a);
      assertEquals(b, a, 1e-9 * Math.abs(b), w + " loss");
      double scale = 0;
      for (double g : interpreted.grad) {
        scale = Math.max(scale, Math.abs(g));
      }
      assertTrue(scale > 0, w + " gradient is zero");
      for (int k = 0; k < compiled.grad.length; k++) {
        assertEquals(interpreted.grad[k], compiled.grad[k], 1e-9 * scale, w + " gradient entry " + k);
      }
    }
  }

  @Test
  void badNamesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> state("m3", "compiled"));
    assertThrows(IllegalArgumentException.class, () -> state("m1", "fast"));
    assertEquals(CodegenMode.STRICT, CompiledElboStepBenchmark.mode("compiled"));
  }
}
