package dev.flowvi.bench;

import dev.flowvi.codegen.CodegenMode;
import dev.flowvi.codegen.CompiledClass;
import dev.flowvi.codegen.GeneratedSource;
import dev.flowvi.codegen.KernelCompiler;
import dev.flowvi.codegen.model.CompiledModelDensity;
import dev.flowvi.codegen.model.ModelCompiler;
import dev.flowvi.engine.examples.M2Data;
import dev.flowvi.engine.examples.M2LogPosterior;
import dev.flowvi.engine.examples.SeedModels;
import dev.flowvi.engine.kernel.VectorSupport;
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.model.Model;
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
 * M2's log density and gradient over 500 samples × 10^4 rows: the model compiled to one class
 * (vector or scalar row loop), the interpreter, and the hand-written M2LogPosterior; and the time
 * to generate and compile M2's class. The vector loop needs C2 (the interpreter runs Vector API
 * code very slowly): allow several warm-up iterations. Run with
 * {@code java --add-modules jdk.incubator.vector -jar jmh-benchmarks/target/benchmarks.jar ModelCompiler}
 * (one size: {@code -p rows=10000}).
 *
 * <p>Work per data row of one sample, counted in the generated vector source of M2 (add, sub, mul,
 * max, and a fused multiply-add as 2; exp, log and division apart): the value loop is
 * {@link #VALUE_FLOPS_PER_ROW} flops and 4 exp; the fused value-and-gradient loop is
 * {@link #GRADIENT_LOOP_FLOPS_PER_ROW} flops, 4 exp and 1 division. Both take one log per lane per
 * tile of 256 rows, of the product of the rows' shifted sums. Gflop/s of a
 * logDensityAndGradient figure: GRADIENT_LOOP_FLOPS_PER_ROW · rows · 500 / (ms · 10^6); of a
 * logDensity figure, VALUE_FLOPS_PER_ROW.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class ModelCompilerBenchmark {
  static final int SAMPLES = 500;
  /** Per row (add 11, sub 17, mul 19, max 3, fma 21): 3 tracks × 4 residuals, their squares summed, and the log-sum-exp. */
  static final int VALUE_FLOPS_PER_ROW = 92;
  /**
   * Per row, the generated tiled loop of value and adjoints (add 24, sub 17, mul 35, max 3, fma 45);
   * 233 before the adjoints reused the residuals and left row-invariant factors out of the loop,
   * 267 in the fused loop before the tiles.
   */
  static final int GRADIENT_LOOP_FLOPS_PER_ROW = 169;

  @State(Scope.Benchmark)
  public static class Density {
    @Param({"compiledVector", "compiledScalar", "interpreted", "handWritten"})
    public String impl;

    /** Data rows; the agreement test shrinks them. */
    @Param({"1000", "10000", "100000", "1000000"})
    public int rows = M2Data.DEFAULT_ROWS;

    int samples = SAMPLES;
    LogDensity density;
    double[] z;
    double[] logp;
    double[] grad;

    @Setup(Level.Trial)
    public void setUp() {
      DataTable data = M2Data.generate(7, rows);
      Model m2 = SeedModels.m2();
      switch (impl) {
        case "compiledVector":
          density = ModelCompiler.logDensity(m2, data, CodegenMode.STRICT,
              VectorSupport.enabled() ? ModelCompiler.Lanes.VECTOR : ModelCompiler.Lanes.SCALAR);
          break;
        case "compiledScalar":
          density = ModelCompiler.logDensity(m2, data, CodegenMode.STRICT, ModelCompiler.Lanes.SCALAR);
          break;
        case "interpreted":
          density = m2.bind(data);
          break;
        default:
          density = M2LogPosterior.of(data);
      }
      if (impl.startsWith("compiled") && !(density instanceof CompiledModelDensity)) {
        throw new IllegalStateException("expected a compiled density, got " + density.getClass());
      }
      int d = density.dim();
      double[] u0 = m2.unconstrain(truth());
      RandomStream rng = RandomStream.of(8);
      z = new double[d * samples];
      for (int j = 0; j < d; j++) {
        for (int i = 0; i < samples; i++) {
          z[j * samples + i] = u0[j] + 0.02 * rng.nextGaussian();
        }
      }
      logp = new double[samples];
      grad = new double[d * samples];
    }
  }

  /** M2's true constrained values in declaration order (EXAMPLES.md). */
  static double[] truth() {
    double[] x = new double[27];
    int k = 0;
    for (int t = 0; t < 3; t++) {
      for (double v : new double[] {M2Data.A[t][0], M2Data.A[t][1], M2Data.A[t][2], M2Data.B[t][0], M2Data.B[t][1],
          M2Data.LOG_E[t], M2Data.PHI[t]}) {
        x[k++] = v;
      }
    }
    x[k++] = Math.log(M2Data.SIGMA);
    x[k++] = Math.log(M2Data.SIGMA_E);
    for (double w : M2Data.WEIGHTS) {
      x[k++] = w;
    }
    return x;
  }

  @Benchmark
  public double logDensityAndGradient(Density s) {
    s.density.logDensityAndGradient(s.z, s.samples, s.logp, s.grad);
    return s.logp[0] + s.grad[0];
  }

  @Benchmark
  public double logDensity(Density s) {
    s.density.logDensity(s.z, s.samples, s.logp);
    return s.logp[0];
  }

  @State(Scope.Benchmark)
  public static class Compile {
    @Param({"VECTOR", "SCALAR"})
    public String lanes;

    Model m2;
    DataTable data;
    ModelCompiler.Lanes chosen;

    @Setup(Level.Trial)
    public void setUp() {
      m2 = SeedModels.m2();
      data = M2Data.generate(9, M2Data.DEFAULT_ROWS);
      chosen = VectorSupport.enabled() ? ModelCompiler.Lanes.valueOf(lanes) : ModelCompiler.Lanes.SCALAR;
    }
  }

  /** Graph building, source generation and a fresh Janino compilation (no cache). */
  @Benchmark
  public Class<?> compileM2(Compile c) {
    GeneratedSource source = ModelCompiler.source(c.m2, c.data, c.chosen);
    CompiledClass compiled = KernelCompiler.forEngine().compile(source);
    return compiled.type();
  }
}
