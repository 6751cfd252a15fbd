package dev.flowvi.engine.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.core.AllocationCounter;
import dev.flowvi.engine.core.PerSample;
import dev.flowvi.engine.examples.M2Data;
import dev.flowvi.engine.examples.SeedModels;
import org.junit.jupiter.api.Test;

/**
 * The interpreted model density allocates nothing per call in steady state, counted over every
 * thread (the calling thread and the pool's workers). One {@link GraphEvaluator} for M2 holds
 * tens of KB of tiles, so building one per call or per new worker, as the common pool made it do
 * by restarting its only worker between batches on 2 cores (281 KB per call here), exceeds the
 * bound; what stays is the parallel stream's small tasks (a few KB at most).
 */
class ModelAllocationTest {
  @Test
  void steadyStateCallsBuildNoEvaluators() {
    com.sun.management.ThreadMXBean bean = AllocationCounter.bean();
    ModelLogDensity density = SeedModels.m2().bind(M2Data.generate(3, 200));
    int n = PerSample.PARALLEL_FROM + 44; // a batch the pool runs in parallel
    int dim = density.dim();
    double[] z = new double[dim * n];
    for (int k = 0; k < z.length; k++) {
      z[k] = 0.01 * (k % 7);
    }
    double[] logp = new double[n];
    double[] grad = new double[dim * n];
    // Warm rounds until C2 has the evaluator (a clean window ends the loop early).
    double perCall = AllocationCounter.warmWindowAllThreads(bean, () -> density.logDensityAndGradient(z, n, logp, grad),
        10, 10, 40, 16_384L * 10) / 10.0;
    assertTrue(perCall < 16_384, "the interpreted M2 density allocated " + perCall + " bytes per call in steady state");
  }
}
