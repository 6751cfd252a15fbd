package dev.flowvi.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The regression guard's decision, on fabricated times (no timing happens here). */
class QuickBenchTest {

  @Test
  void compiledFasterPasses() {
    String v = QuickBench.guardVerdict(1.8e6, 17.2e6);
    assertTrue(v.startsWith("ok") && v.contains("9.6x"), v);
  }

  @Test
  void compiledNotFasterFailsAndSaysWhatToDo() {
    String equal = QuickBench.guardVerdict(17.2e6, 17.2e6);
    assertTrue(equal.startsWith("FAILED") && equal.contains("1.00x"), equal);
    String slower = QuickBench.guardVerdict(20e6, 17.2e6);
    assertTrue(slower.startsWith("FAILED") && slower.contains("flowvi.codegen.dump"), slower);
  }

  @Test
  void noMeasurementFails() {
    assertTrue(QuickBench.guardVerdict(Double.NaN, 17.2e6).startsWith("FAILED"));
    assertTrue(QuickBench.guardVerdict(1.8e6, 0).startsWith("FAILED"));
  }

  @Test
  void theGuardWorkloadExists() throws Exception {
    String[] parts = QuickBench.GUARD_BENCHMARK.split("\\.");
    assertTrue(FlowCompilerBenchmark.class.getSimpleName().equals(parts[0]));
    FlowCompilerBenchmark.class.getMethod(parts[1]);
  }
}
