package dev.flowvi.bench;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Runs each variant of the model-compiler benchmark once and checks that all four compute the same
 * M2 log density and gradient, so the figures describe correct code. The generated and interpreted
 * paths agree to 1e-12 relative (codegen's ModelCompilerTest); the hand-written M2LogPosterior
 * groups the same terms differently, so over 600 rows the bound is 1e-10 relative to the point's
 * largest value.
 */
class ModelCompilerBenchmarkTest {

  @Test
  void everyVariantComputesTheSameDensityAndGradient() {
    ModelCompilerBenchmark bench = new ModelCompilerBenchmark();
    ModelCompilerBenchmark.Density reference = state("handWritten");
    bench.logDensityAndGradient(reference);
    for (String impl : new String[] {"compiledVector", "compiledScalar", "interpreted"}) {
      ModelCompilerBenchmark.Density s = state(impl);
      bench.logDensityAndGradient(s);
      int n = s.samples;
      for (int i = 0; i < n; i++) {
        double scale = Math.max(1, Math.abs(reference.logp[i]));
        assertTrue(Math.abs(s.logp[i] - reference.logp[i]) <= 1e-10 * scale,
            impl + " log density at " + i + ": " + s.logp[i] + " vs " + reference.logp[i]);
        double gScale = 1;
        for (int j = 0; j < s.density.dim(); j++) {
          gScale = Math.max(gScale, Math.abs(reference.grad[j * n + i]));
        }
        for (int j = 0; j < s.density.dim(); j++) {
          assertTrue(Math.abs(s.grad[j * n + i] - reference.grad[j * n + i]) <= 1e-10 * gScale,
              impl + " gradient " + j + " at " + i + ": " + s.grad[j * n + i] + " vs " + reference.grad[j * n + i]);
        }
      }
    }
    ModelCompilerBenchmark.Compile c = new ModelCompilerBenchmark.Compile();
    c.lanes = "SCALAR";
    c.setUp();
    assertNotNull(bench.compileM2(c));
  }

  private static ModelCompilerBenchmark.Density state(String impl) {
    ModelCompilerBenchmark.Density s = new ModelCompilerBenchmark.Density();
    s.impl = impl;
    s.rows = 600;
    s.samples = 12;
    s.setUp();
    return s;
  }
}
