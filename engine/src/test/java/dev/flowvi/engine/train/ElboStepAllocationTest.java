package dev.flowvi.engine.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.bijection.RationalQuadraticSpline;
import dev.flowvi.engine.core.AllocationCounter;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.distribution.Normal;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.examples.M1Data;
import dev.flowvi.engine.examples.M1LogPosterior;
import dev.flowvi.engine.flow.Flows;
import dev.flowvi.engine.kernel.VectorSupport;
import dev.flowvi.engine.random.RandomStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The seed's M1 ELBO step with the interpreted flow (spline MAF, 8 layers, 500 samples, the
 * hand-written posterior) allocates almost nothing once compiled. The calling thread runs the
 * flow, whose vector spline kernel JDK 17 used to box: 0.3 to 4 MB per step, in every JVM, from
 * the first C2 compile on, so no window is clean there; bound 2 KB per step (measured: about
 * 100 B on JDK 17 and 25). The posterior runs its 500 samples on its own workers, whose sweep
 * JDK 17 boxed in some JVMs (11-17 MB per step, from a vector stored straight from a loop phi;
 * docs/PERFORMANCE.md); counted over every thread the bound is 8 KB per step (measured: about
 * 1.2 KB, the pool's tasks). Cold Vector API code boxes too, so each test warms up and then looks
 * for one clean window of 20 steps in at most 40 tries.
 */
class ElboStepAllocationTest {

  @Test
  void warmM1StepAllocatesAlmostNothingOnTheCallingThread() {
    assertWarmStepUnder(2048, false, "on the calling thread");
  }

  @Test
  void warmM1StepAllocatesAlmostNothingOnAnyThread() {
    assertWarmStepUnder(8192, true, "over all threads");
  }

  private static void assertWarmStepUnder(long bound, boolean allThreads, String where) {
    com.sun.management.ThreadMXBean bean = AllocationCounter.bean();
    int window = 20;
    int tries = VectorSupport.enabled() ? 40 : 2;
    long bytes = allThreads
        ? AllocationCounter.warmWindowAllThreads(bean, m1Step(), 20, window, tries, bound * window)
        : AllocationCounter.warmWindow(bean, m1Step(), 20, window, tries, bound * window);
    long perStep = bytes / window;
    assertTrue(perStep < bound, "a warm M1 ELBO step allocated " + perStep + " bytes " + where);
  }

  /** One seed-preset M1 ELBO step, at fixed jittered parameters, with its own workspace. */
  private static Runnable m1Step() {
    TransformedDistribution flow = Flows.maskedAutoregressive(Normal.of(4, 0.5, 0.01))
        .transformer(RationalQuadraticSpline.of(4, 0.0, 1.0))
        .direction(Flows.Direction.SAMPLING_FAST).seed(1).build();
    ElboLoss loss = ElboLoss.of(flow, M1LogPosterior.of(M1Data.generate(1), M1LogPosterior.Parameterisation.UNIT_CUBE), false);
    double[] params = flow.initialParameters(11);
    RandomStream jitter = RandomStream.of(12);
    for (int k = 0; k < params.length; k++) {
      params[k] += 0.01 * jitter.nextGaussian();
    }
    int samples = 500;
    double[] grad = new double[loss.parameterCount()];
    Workspace workspace = loss.newWorkspace(samples);
    LossTotals totals = new LossTotals();
    RandomStream rng = RandomStream.of(13);
    int[] rows = new int[samples];
    Arrays.setAll(rows, i -> i);
    return () -> {
      Arrays.fill(grad, 0.0);
      totals.reset();
      loss.evaluate(params, rows, 0, samples, rng, workspace, grad, totals);
    };
  }
}
