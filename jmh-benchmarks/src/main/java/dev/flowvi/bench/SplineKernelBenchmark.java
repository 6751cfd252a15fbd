package dev.flowvi.bench;

import dev.flowvi.engine.kernel.ScalarSplineKernel;
import dev.flowvi.engine.kernel.SplineKernel;
import dev.flowvi.engine.kernel.VectorSplineKernel;
import dev.flowvi.engine.random.RandomStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Rational-quadratic spline kernels, vector against scalar, with K = 8 knots on [−3, 3] and raw
 * parameters per point (as a conditioner emits them): forward, inverse and forward-backward over
 * batches of 64 to 4096 points. Both kernels are constructed directly, so the choice does not go
 * through {@code VectorSupport}. The measured methods allocate nothing (check with {@code -prof gc}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SplineKernelBenchmark {
  static final int KNOTS = 8;
  static final double BOUND = 3.0;

  @Param({"64", "256", "1024", "4096"})
  int batch;

  @Param({"vector", "scalar"})
  String kernel;

  SplineKernel spline;
  double[] raw;
  double[] x;
  double[] y;
  double[] out;
  double[] logDet;
  double[] gradY;
  double[] gradLogDet;
  double[] gradX;
  double[] gradRaw;

  @Setup(Level.Trial)
  public void setup() {
    spline = kernel.equals("vector") ? new VectorSplineKernel() : new ScalarSplineKernel();
    int p = 3 * KNOTS + 4;
    RandomStream rng = RandomStream.of(2026);
    raw = new double[p * batch];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = 1.5 * rng.nextGaussian();
    }
    x = new double[batch];
    for (int i = 0; i < batch; i++) {
      x[i] = 1.1 * BOUND * (2 * rng.nextDouble() - 1); // about 9% outside the interval
    }
    y = new double[batch];
    out = new double[batch];
    logDet = new double[batch];
    new ScalarSplineKernel().forward(KNOTS, -BOUND, BOUND, raw, 0, batch, x, 0, y, 0, logDet, batch);
    gradY = new double[batch];
    gradLogDet = new double[batch];
    for (int i = 0; i < batch; i++) {
      gradY[i] = rng.nextGaussian();
      gradLogDet[i] = rng.nextGaussian();
    }
    gradX = new double[batch];
    gradRaw = new double[p * batch];
  }

  @Benchmark
  public double[] forward() {
    spline.forward(KNOTS, -BOUND, BOUND, raw, 0, batch, x, 0, out, 0, logDet, batch);
    return out;
  }

  @Benchmark
  public double[] inverse() {
    spline.inverse(KNOTS, -BOUND, BOUND, raw, 0, batch, y, 0, out, 0, logDet, batch);
    return out;
  }

  @Benchmark
  public double[] forwardBackward() {
    spline.forwardBackward(KNOTS, -BOUND, BOUND, raw, 0, batch, x, 0, gradY, 0, gradLogDet, gradX, 0, gradRaw, 0, batch);
    return gradRaw;
  }
}
