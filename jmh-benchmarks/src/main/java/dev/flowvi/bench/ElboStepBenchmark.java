package dev.flowvi.bench;

import dev.flowvi.codegen.CodegenMode;
import dev.flowvi.codegen.KernelCache;
import dev.flowvi.codegen.KernelCompiler;
import dev.flowvi.codegen.flow.FlowCompiler;
import dev.flowvi.engine.bijection.RationalQuadraticSpline;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.distribution.Normal;
import dev.flowvi.engine.distribution.StandardNormal;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.examples.M1Data;
import dev.flowvi.engine.examples.M1LogPosterior;
import dev.flowvi.engine.examples.M2Data;
import dev.flowvi.engine.examples.M2LogPosterior;
import dev.flowvi.engine.flow.Flows;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.target.LogDensity;
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
 * One ELBO loss-and-gradient step, the Trainer's per-step work minus the optimiser: draw the
 * samples, push them through the flow, score the target, and run the backward pass into the flat
 * gradient, on one thread ({@link ElboLoss#evaluate} over all samples as one chunk).
 *
 * <ul>
 *   <li>{@code m1}: the seed's M1 preset: masked autoregressive flow (8 layers, width 50), 4-knot
 *       spline on (0, 1), base Normal(0.5, 0.01), 500 samples, hand-written M1 posterior on the
 *       unit cube (400 rows), plain gradient.
 *   <li>{@code maf26}: the same flow family with the default affine transformer at D = 26 against a
 *       26-D Gaussian: the flow's own cost.
 *   <li>{@code m2}: the seed's M2 preset: triangular spline flow (6 layers, 4 knots, LeakyTanh 3),
 *       base Normal(0, 0.1), sticking the landing, hand-written M2 posterior with 10^4 rows.
 *   <li>{@code m1-compiled}, {@code maf26-compiled}: the same losses with the flow compiled by
 *       {@link FlowCompiler} (strict: a compile failure fails the benchmark), the CLI's default.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ElboStepBenchmark {
  static final int SAMPLES = 500;

  @Param({"m1", "maf26", "m2", "m1-compiled", "maf26-compiled"})
  public String workload;

  ElboLoss loss;
  double[] params;
  double[] grad;
  Workspace workspace;
  LossTotals totals;
  RandomStream rng;
  int[] rows;

  @Setup(Level.Trial)
  public void setUp() {
    loss = workload(workload);
    params = loss.flow().initialParameters(11);
    // Move off the identity start so every layer does representative work.
    RandomStream jitter = RandomStream.of(12);
    for (int k = 0; k < params.length; k++) {
      params[k] += 0.01 * jitter.nextGaussian();
    }
    grad = new double[loss.parameterCount()];
    workspace = loss.newWorkspace(SAMPLES);
    totals = new LossTotals();
    rng = RandomStream.of(13);
    rows = new int[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      rows[i] = i;
    }
  }

  /** The loss of workload {@code name}; see the class comment. */
  static ElboLoss workload(String name) {
    if (name.endsWith("-compiled")) {
      ElboLoss interpreted = workload(name.substring(0, name.length() - "-compiled".length()));
      TransformedDistribution flow = interpreted.flow();
      TransformedDistribution compiled = TransformedDistribution.of(flow.base(),
          FlowCompiler.compileOrInterpret(CodegenMode.STRICT, flow.bijection(), new KernelCache(KernelCompiler.forEngine(), 4)));
      return ElboLoss.of(compiled, interpreted.target(), interpreted.stickingTheLanding());
    }
    return switch (name) {
      case "m1" -> {
        TransformedDistribution flow = Flows.maskedAutoregressive(Normal.of(4, 0.5, 0.01))
            .transformer(RationalQuadraticSpline.of(4, 0.0, 1.0))
            .direction(Flows.Direction.SAMPLING_FAST).seed(1).build();
        LogDensity target = M1LogPosterior.of(M1Data.generate(1), M1LogPosterior.Parameterisation.UNIT_CUBE);
        yield ElboLoss.of(flow, target, false);
      }
      case "maf26" -> {
        TransformedDistribution flow = Flows.maskedAutoregressive(StandardNormal.of(26))
            .direction(Flows.Direction.SAMPLING_FAST).seed(1).build();
        yield ElboLoss.of(flow, GaussianTarget.spread(26), false);
      }
      case "m2" -> {
        TransformedDistribution flow = Flows.triangularSpline(Normal.of(M2LogPosterior.DIM, 0.0, 0.1))
            .layers(6).knots(4).tanhMaxVal(3.0)
            .direction(Flows.Direction.SAMPLING_FAST).seed(1).build();
        yield ElboLoss.of(flow, M2LogPosterior.of(M2Data.generate(1)), true);
      }
      default -> throw new IllegalArgumentException("workload is '" + name + "', expected m1, maf26 or m2, optionally with -compiled");
    };
  }

  /** One step; returns the mean loss so that nothing is dead code. */
  @Benchmark
  public double elboStep() {
    Arrays.fill(grad, 0.0);
    totals.reset();
    loss.evaluate(params, rows, 0, SAMPLES, rng, workspace, grad, totals);
    return totals.mean();
  }
}
