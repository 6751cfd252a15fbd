package dev.flowvi.bench;

import dev.flowvi.codegen.CodegenMode;
import dev.flowvi.codegen.KernelCache;
import dev.flowvi.codegen.flow.FlowCompiler;
import dev.flowvi.codegen.model.ModelCompiler;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.distribution.Normal;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.examples.M1Data;
import dev.flowvi.engine.examples.M1StandardisedExample;
import dev.flowvi.engine.examples.M2Data;
import dev.flowvi.engine.examples.SeedModels;
import dev.flowvi.engine.flow.Flows;
import dev.flowvi.engine.init.LaplaceApproximation;
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.model.Model;
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
 * One ELBO loss-and-gradient step over 500 samples on one thread, with the flow and the model
 * either compiled by codegen (strict: a failed compile is an error, never a silent fallback) or
 * interpreted by the engine: what {@code bin/flowvi example} runs by default and with
 * {@code --interpreted}. The models come from the model builder ({@link SeedModels}), so both
 * the flow compiler and the model compiler are in the comparison.
 *
 * <ul>
 *   <li>{@code m1}: the default preset's M1 step: the seed's 4-knot spline MAF (8 layers, width 50)
 *       ending in the frozen Laplace map, M1 on 400 rows, plain ELBO.
 *   <li>{@code m2}: the seed's M2 step: triangular spline flow (6 layers, 4 knots, LeakyTanh 3),
 *       base Normal(0, 0.1), sticking the landing, M2 on 10^4 rows.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class CompiledElboStepBenchmark {
  static final int SAMPLES = 500;

  @Param({"m1", "m2"})
  public String workload;

  @Param({"compiled", "interpreted"})
  public String path;

  ElboLoss loss;
  double[] params;
  double[] grad;
  Workspace workspace;
  LossTotals totals;
  RandomStream rng;
  int[] rows;

  @Setup(Level.Trial)
  public void setUp() {
    loss = workload(workload, mode(path));
    params = loss.flow().initialParameters(11);
    // Move off the identity start so every layer does representative work (frozen values too: harmless).
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

  static CodegenMode mode(String path) {
    return switch (path) {
      case "compiled" -> CodegenMode.STRICT;
      case "interpreted" -> CodegenMode.OFF;
      default -> throw new IllegalArgumentException("path is '" + path + "', expected compiled or interpreted");
    };
  }

  /** The loss of workload {@code name} on the given path; see the class comment. */
  static ElboLoss workload(String name, CodegenMode mode) {
    switch (name) {
      case "m1": {
        Model model = SeedModels.m1();
        DataTable data = M1Data.generate(1);
        LogDensity target = ModelCompiler.logDensity(model, data, mode, ModelCompiler.Lanes.AUTO);
        LaplaceApproximation laplace = M1StandardisedExample.laplace(target, 1);
        TransformedDistribution maf = compile(M1StandardisedExample.maf(1), mode);
        return ElboLoss.of(M1StandardisedExample.standardised(maf, laplace), target, false);
      }
      case "m2": {
        Model model = SeedModels.m2();
        LogDensity target = ModelCompiler.logDensity(model, M2Data.generate(1), mode, ModelCompiler.Lanes.AUTO);
        TransformedDistribution flow = Flows.triangularSpline(Normal.of(model.dim(), 0.0, 0.1))
            .layers(6).knots(4).tanhMaxVal(3.0)
            .direction(Flows.Direction.SAMPLING_FAST).seed(1).build();
        return ElboLoss.of(compile(flow, mode), target, true);
      }
      default:
        throw new IllegalArgumentException("workload is '" + name + "', expected m1 or m2");
    }
  }

  private static TransformedDistribution compile(TransformedDistribution flow, CodegenMode mode) {
    return TransformedDistribution.of(flow.base(), FlowCompiler.compileOrInterpret(mode, flow.bijection(), KernelCache.shared()));
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
