package dev.flowvi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The benchmark's states run as a test on a small problem: the interpreted, compiled and
 * hand-written variants must agree (to 1e-10 relative, as the engine's SeedModelsTest requires), so the
 * benchmark figures always describe correct code.
 */
class M2LogDensityBenchmarkTest {

  private static M2LogDensityBenchmark state(String implementation) {
    M2LogDensityBenchmark b = new M2LogDensityBenchmark();
    b.implementation = implementation;
    b.samples = 7;
    b.rows = 1003;
    b.setUp();
    return b;
  }

  @Test
  void interpretedAndHandWrittenAgree() {
    agree(state("interpreted"), state("handwritten"));
  }

  @Test
  void compiledAndHandWrittenAgree() {
    agree(state("compiled"), state("handwritten"));
  }

  private static void agree(M2LogDensityBenchmark interpreted, M2LogDensityBenchmark handWritten) {
    double[] gi = interpreted.logDensityAndGradient().clone();
    double[] gh = handWritten.logDensityAndGradient().clone();
    double[] li = interpreted.logDensity().clone();
    double[] lh = handWritten.logDensity().clone();
    for (int i = 0; i < li.length; i++) {
      assertEquals(lh[i], li[i], 1e-10 * Math.abs(lh[i]), "log density of sample " + i);
    }
    double scale = 1;
    for (double v : gh) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int k = 0; k < gi.length; k++) {
      assertEquals(gh[k], gi[k], 1e-10 * scale, "gradient entry " + k);
    }
  }
}
