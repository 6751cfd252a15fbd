package dev.flowvi.bench;

import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.distribution.StandardNormal;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.flow.Flows;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.train.ElboLoss;
import dev.flowvi.engine.train.LossTotals;
import java.util.Arrays;
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
 * Every flow factory with its defaults (sampling-fast) at dimension {@code dim}, on 500 points:
 * one sample-and-log-prob pass, and one ELBO loss and gradient step against the
 * {@link GaussianTarget} of that dimension.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FlowBenchmark {
  static final int POINTS = 500;

  @Param({"maf", "coupling", "bnaf", "planar", "triangularSpline"})
  public String factory;

  @Param({"2", "8", "26", "64", "128"})
  public int dim;

  TransformedDistribution flow;
  ElboLoss loss;
  double[] params;
  double[] grad;
  TransformedDistribution.Scratch flowWorkspace;
  Workspace lossWorkspace;
  LossTotals totals;
  RandomStream rng;
  double[] z;
  double[] logq;

  @Setup(Level.Trial)
  public void setUp() {
    flow = flow(factory, dim);
    loss = ElboLoss.of(flow, GaussianTarget.spread(dim), false);
    params = flow.initialParameters(21);
    RandomStream jitter = RandomStream.of(22);
    for (int k = 0; k < params.length; k++) {
      params[k] += 0.01 * jitter.nextGaussian();
    }
    grad = new double[params.length];
    flowWorkspace = flow.newWorkspace(POINTS);
    lossWorkspace = loss.newWorkspace(POINTS);
    totals = new LossTotals();
    rng = RandomStream.of(23);
    z = new double[dim * POINTS];
    logq = new double[POINTS];
  }

  /** The factory {@code name} with its defaults over a standard normal of {@code dim} coordinates. */
  static TransformedDistribution flow(String name, int dim) {
    StandardNormal base = StandardNormal.of(dim);
    Flows.Direction fast = Flows.Direction.SAMPLING_FAST;
    return switch (name) {
      case "maf" -> Flows.maskedAutoregressive(base).direction(fast).seed(1).build();
      case "coupling" -> Flows.coupling(base).direction(fast).seed(1).build();
      case "bnaf" -> Flows.blockNeuralAutoregressive(base).direction(fast).seed(1).build();
      case "planar" -> Flows.planar(base).direction(fast).seed(1).build();
      case "triangularSpline" -> Flows.triangularSpline(base).direction(fast).seed(1).build();
      default -> throw new IllegalArgumentException(
          "factory is '" + name + "', expected maf, coupling, bnaf, planar or triangularSpline");
    };
  }

  @Benchmark
  public double sampleAndLogProb() {
    flow.sampleAndLogProb(params, 0, rng, null, z, logq, POINTS, flowWorkspace);
    return logq[0];
  }

  @Benchmark
  public double elboGradient() {
    Arrays.fill(grad, 0.0);
    totals.reset();
    loss.evaluate(params, null, 0, POINTS, rng, lossWorkspace, grad, totals);
    return totals.mean();
  }
}
