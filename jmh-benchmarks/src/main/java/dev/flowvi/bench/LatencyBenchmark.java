package dev.flowvi.bench;

import dev.flowvi.codegen.CodegenMode;
import dev.flowvi.codegen.KernelCache;
import dev.flowvi.codegen.KernelCompiler;
import dev.flowvi.codegen.flow.FlowCompiler;
import dev.flowvi.engine.distribution.StandardNormal;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.flow.Flows;
import dev.flowvi.engine.random.RandomStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Serving latency of a trained-shape flow: an 8-layer, 26-D masked autoregressive flow (width
 * 50), density-fast, with random parameters around its identity start, scoring or drawing 1 or 8
 * points per call. Each thread owns a workspace made once, so a call allocates nothing (check
 * with {@code -prof gc}: about 0 B/op). {@code path} is the interpreted engine flow (what a library
 * user gets from {@link Flows}) or the same flow compiled by {@link FlowCompiler} (the CLI's
 * default).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class LatencyBenchmark {
  static final int DIM = 26;

  @Param({"1", "8"})
  public int points;

  @Param({"interpreted", "compiled"})
  public String path = "interpreted";

  TransformedDistribution flow;
  double[] params;
  TransformedDistribution.Scratch workspace;
  RandomStream rng;
  double[] x;
  double[] z;
  double[] logq;

  @Setup(Level.Trial)
  public void setUp() {
    if (points < 1) {
      throw new IllegalArgumentException("points is " + points + ", expected at least 1");
    }
    flow = Flows.maskedAutoregressive(StandardNormal.of(DIM)).direction(Flows.Direction.DENSITY_FAST).seed(3).build();
    switch (path) {
      case "interpreted" -> { }
      case "compiled" -> flow = TransformedDistribution.of(flow.base(),
          FlowCompiler.compileOrInterpret(CodegenMode.STRICT, flow.bijection(), new KernelCache(KernelCompiler.forEngine(), 4)));
      default -> throw new IllegalArgumentException("path is '" + path + "', expected interpreted or compiled");
    }
    params = flow.initialParameters(5);
    RandomStream jitter = RandomStream.of(6);
    for (int k = 0; k < params.length; k++) {
      params[k] += 0.05 * jitter.nextGaussian();
    }
    workspace = flow.newWorkspace(points);
    rng = RandomStream.of(7);
    x = new double[DIM * points];
    rng.fillGaussian(x, 0, x.length);
    z = new double[DIM * points];
    logq = new double[points];
  }

  /** log q of the fixed points: the density-fast single pass. */
  @Benchmark
  public double logProb() {
    flow.logProb(params, 0, x, null, logq, points, workspace);
    return logq[0];
  }

  /** Fresh draws with their log q: the slow direction of a density-fast flow. */
  @Benchmark
  public double sample() {
    flow.sampleAndLogProb(params, 0, rng, null, z, logq, points, workspace);
    return logq[0];
  }
}
