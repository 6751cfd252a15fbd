package dev.flowvi.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flowvi.engine.core.AllocationCounter;
import dev.flowvi.engine.random.RandomStream;
import org.junit.jupiter.api.Test;

/**
 * The vector spline kernel allocates nothing once C2 has compiled it, in all four passes, across
 * chunk boundaries and a padded tail. It complements ElboStepAllocationTest (engine.train), which
 * covers the kernel inside the M1 step, where JDK 17 used to box, but runs only the forward passes.
 * Cold Vector API code boxes (it runs the Java fallbacks), so the test warms up and then looks for
 * one clean window of 50 rounds. Bound: 50 bytes a round, where one boxed vector per 4-lane block
 * would cost more than 5 KB.
 */
class SplineKernelAllocationTest {

  @Test
  void warmPassesAllocateNothing() throws ReflectiveOperationException {
    assumeTrue(VectorSupport.enabled(), "vector kernels disabled: " + VectorSupport.describe());
    com.sun.management.ThreadMXBean bean = AllocationCounter.bean();
    SplineKernel k = (SplineKernel) Class.forName("dev.flowvi.engine.kernel.VectorSplineKernel")
        .getDeclaredConstructor().newInstance();
    RandomStream rng = RandomStream.of(5);
    int knots = 4;
    int n = 301; // two chunks, the second short, and a tail for any width above 1
    int stride = n;
    double lo = -3;
    double hi = 3;
    double[] raw = new double[SplineKernel.rawRows(knots) * stride];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = rng.nextGaussian();
    }
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = -3.5 + 7 * rng.nextDouble();
    }
    double[] y = new double[n];
    double[] back = new double[n];
    double[] logDet = new double[n];
    double[] gradOut = new double[n];
    double[] gradLogDet = new double[n];
    for (int i = 0; i < n; i++) {
      gradOut[i] = rng.nextGaussian();
      gradLogDet[i] = rng.nextGaussian();
    }
    double[] gradIn = new double[n];
    double[] gradRaw = new double[raw.length];
    Runnable round = () -> {
      k.forward(knots, lo, hi, raw, 0, stride, x, 0, y, 0, logDet, n);
      k.inverse(knots, lo, hi, raw, 0, stride, y, 0, back, 0, logDet, n);
      k.forwardBackward(knots, lo, hi, raw, 0, stride, x, 0, gradOut, 0, gradLogDet, gradIn, 0, gradRaw, 0, n);
      k.inverseBackward(knots, lo, hi, raw, 0, stride, y, 0, gradOut, 0, gradLogDet, gradIn, 0, gradRaw, 0, n);
    };
    long bytes = AllocationCounter.warmWindow(bean, round, 200, 50, 60, 50 * 50);
    assertTrue(bytes < 50 * 50, "50 warm rounds of the four passes allocated " + bytes + " bytes");
  }
}
