package dev.flowvi.bench;

import dev.flowvi.codegen.CodegenMode;
import dev.flowvi.codegen.model.ModelCompiler;
import dev.flowvi.engine.examples.M2Data;
import dev.flowvi.engine.examples.M2LogPosterior;
import dev.flowvi.engine.examples.SeedModels;
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.target.LogDensity;
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
 * The hot path of the seed's 26-parameter fit: M2's log density and gradient for 500 samples ×
 * 10^4 data rows (or the {@code rows} given), through the model builder's interpreter, its
 * compiled class (ModelCompiler, vector lanes when enabled) and the hand-written reference. All
 * three run in parallel over samples on the common fork-join pool.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class M2LogDensityBenchmark {
  @Param({"interpreted", "handwritten", "compiled"})
  public String implementation;

  @Param({"500"})
  public int samples;

  /** Data rows (model level: log density and gradient); ModelCompilerBenchmark documents M2's flops per row. */
  @Param({"1000", "10000", "100000", "1000000"})
  public int rows;

  private LogDensity density;
  private double[] z;
  private double[] logp;
  private double[] grad;

  @Setup(Level.Trial)
  public void setUp() {
    DataTable data = M2Data.generate(1, rows);
    switch (implementation) {
      case "interpreted":
        density = SeedModels.m2().bind(data);
        break;
      case "compiled":
        density = ModelCompiler.logDensity(SeedModels.m2(), data, CodegenMode.STRICT, ModelCompiler.Lanes.AUTO);
        break;
      default:
        density = M2LogPosterior.of(data);
    }
    RandomStream rng = RandomStream.of(2);
    z = new double[density.dim() * samples];
    for (int k = 0; k < z.length; k++) {
      z[k] = 0.1 * rng.nextGaussian();
    }
    logp = new double[samples];
    grad = new double[density.dim() * samples];
  }

  @Benchmark
  public double[] logDensityAndGradient() {
    density.logDensityAndGradient(z, samples, logp, grad);
    return grad;
  }

  @Benchmark
  public double[] logDensity() {
    density.logDensity(z, samples, logp);
    return logp;
  }
}
