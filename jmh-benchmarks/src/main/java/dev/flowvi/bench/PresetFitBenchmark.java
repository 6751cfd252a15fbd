package dev.flowvi.bench;

import dev.flowvi.codegen.CodegenMode;
import dev.flowvi.codegen.KernelCache;
import dev.flowvi.codegen.flow.FlowCompiler;
import dev.flowvi.codegen.model.ModelCompiler;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.examples.M1Data;
import dev.flowvi.engine.examples.M1Example;
import dev.flowvi.engine.examples.M1StandardisedExample;
import dev.flowvi.engine.examples.SeedModels;
import dev.flowvi.engine.init.LaplaceApproximation;
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.target.LogDensity;
import dev.flowvi.engine.train.TrainingListener;
import dev.flowvi.engine.train.TrainingResult;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole M1 preset, as a library user runs it in a JVM that has already run it: one operation
 * is one complete fit (300 steps of 500 samples on {@code threads} threads), with the flow and
 * model classes compiled once in the set-up, as a long-lived process keeps them. It does not
 * count the JVM's start, the JIT's first compiles or the CLI's 4000 diagnostic draws and report
 * (docs/PERFORMANCE.md times those with whole {@code bin/flowvi example} runs).
 *
 * <ul>
 *   <li>{@code m1}: the default preset: the model builder's M1 (compiled), the mode search from 32
 *       starts and the Laplace approximation there (inside the operation), then the compiled 4-knot
 *       spline MAF ending in the frozen Laplace map, trained with the plain ELBO.
 *   <li>{@code m1-seed}: the seed's preset: the hand-written M1 posterior on the unit cube, the
 *       compiled spline MAF over Normal(0.5, 0.01), 100 steps at 1e-2 then 200 at 1e-3 as two fits
 *       (each with a fresh Adam state, as the seed's two calls).
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 6)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class PresetFitBenchmark {
  @Param({"m1", "m1-seed"})
  public String workload;

  @Param({"2"})
  public int threads;

  static final long SEED = 1;

  LogDensity target;
  TransformedDistribution flow;

  @Setup
  public void setUp() {
    if (threads < 1) {
      throw new IllegalArgumentException("threads is " + threads + ", expected at least 1");
    }
    DataTable data = M1Data.generate(M1Example.DATA_SEED);
    switch (workload) {
      case "m1":
        target = ModelCompiler.logDensity(SeedModels.m1(), data, CodegenMode.STRICT, ModelCompiler.Lanes.AUTO);
        flow = compiled(M1StandardisedExample.maf(SEED));
        break;
      case "m1-seed":
        target = M1Example.target(data);
        flow = compiled(M1Example.flow());
        break;
      default:
        throw new IllegalArgumentException("workload is '" + workload + "', expected m1 or m1-seed");
    }
  }

  private static TransformedDistribution compiled(TransformedDistribution f) {
    return TransformedDistribution.of(f.base(), FlowCompiler.compileOrInterpret(CodegenMode.STRICT, f.bijection(), KernelCache.shared()));
  }

  /** One whole fit; returns its result so that nothing is dead code. */
  @Benchmark
  public TrainingResult fit() {
    if (workload.equals("m1")) {
      LaplaceApproximation laplace = M1StandardisedExample.laplace(target, SEED);
      TransformedDistribution standardised = M1StandardisedExample.standardised(flow, laplace);
      return M1StandardisedExample.run(standardised, target, SEED, threads, TrainingListener.none());
    }
    return M1Example.run(flow, target, SEED, threads, TrainingListener.none());
  }
}
