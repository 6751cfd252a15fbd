package dev.flowvi.engine.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flowvi.engine.examples.M1Data;
import dev.flowvi.engine.examples.M1LogPosterior;
import dev.flowvi.engine.examples.M2Data;
import dev.flowvi.engine.examples.M2LogPosterior;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.target.LogDensity;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class PerSampleTest {
  @Test
  void everySampleRunsOnceBelowAndAboveTheParallelThreshold() {
    for (int n : new int[] {1, PerSample.PARALLEL_FROM - 1, PerSample.PARALLEL_FROM, 3 * PerSample.PARALLEL_FROM + 1}) {
      AtomicIntegerArray runs = new AtomicIntegerArray(n);
      PerSample.each(n, runs::incrementAndGet);
      for (int i = 0; i < n; i++) {
        assertEquals(1, runs.get(i), "sample " + i + " of " + n);
      }
    }
  }

  /**
   * The parallel pool keeps its workers between batches, so per-thread scratch is built once per
   * worker: over 200 batches, at most one thread-local initialisation per core (the common pool,
   * which retires idle workers, gave 94 on 2 cores).
   */
  @Test
  void theParallelPoolKeepsItsWorkers() {
    java.util.concurrent.atomic.AtomicInteger inits = new java.util.concurrent.atomic.AtomicInteger();
    ThreadLocal<double[]> scratch = ThreadLocal.withInitial(() -> {
      inits.incrementAndGet();
      return new double[8];
    });
    for (int b = 0; b < 200; b++) {
      PerSample.each(2 * PerSample.PARALLEL_FROM, i -> scratch.get()[0] += i);
    }
    int cores = Runtime.getRuntime().availableProcessors();
    org.junit.jupiter.api.Assertions.assertTrue(inits.get() <= cores, inits.get() + " thread-local initialisations for " + cores + " cores");
  }

  /** An exception thrown for one sample reaches the caller. */
  @Test
  void aFailingSampleFailsTheBatch() {
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> PerSample.each(PerSample.PARALLEL_FROM, i -> {
          if (i == 7) {
            throw new IllegalStateException("sample 7");
          }
        }));
    org.junit.jupiter.api.Assertions.assertTrue(String.valueOf(e.getMessage()).contains("sample 7")
        || (e.getCause() != null && String.valueOf(e.getCause().getMessage()).contains("sample 7")), String.valueOf(e));
  }

  /**
   * A batch of the trainer's chunk size runs sequentially, a large one in parallel: the same
   * values, up to the ulp by which the vector sweeps' EXP and LOG can differ between JIT tiers
   * (different threads may run different tiers), so to 1e-12 relative.
   */
  @Test
  void theExampleDensitiesGiveTheSameValuesInChunksAsInOneParallelBatch() {
    int n = 2 * PerSample.PARALLEL_FROM + 8;
    int chunk = 64;
    LogDensity[] targets = {M1LogPosterior.of(M1Data.generate(3), M1LogPosterior.Parameterisation.UNIT_CUBE), M2LogPosterior.of(M2Data.generate(3, 500))};
    for (LogDensity target : targets) {
      int d = target.dim();
      RandomStream rng = RandomStream.of(5);
      double[] z = new double[d * n];
      for (int q = 0; q < z.length; q++) {
        z[q] = d == 4 ? 0.3 + 0.4 * rng.nextDouble() : 0.1 * rng.nextGaussian();
      }
      double[] logp = new double[n];
      double[] grad = new double[d * n];
      target.logDensityAndGradient(z, n, logp, grad);
      for (int from = 0; from < n; from += chunk) {
        int m = Math.min(chunk, n - from);
        double[] zc = new double[d * m];
        for (int j = 0; j < d; j++) {
          System.arraycopy(z, j * n + from, zc, j * m, m);
        }
        double[] lc = new double[m];
        double[] gc = new double[d * m];
        target.logDensityAndGradient(zc, m, lc, gc);
        for (int i = 0; i < m; i++) {
          close(logp[from + i], lc[i], "log density of sample " + (from + i));
          for (int j = 0; j < d; j++) {
            close(grad[j * n + from + i], gc[j * m + i], "gradient coordinate " + j + " of sample " + (from + i));
          }
        }
      }
    }
  }

  private static void close(double expected, double actual, String what) {
    assertEquals(expected, actual, 1e-12 * Math.max(1.0, Math.abs(expected)), what);
  }
}
