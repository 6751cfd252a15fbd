package dev.flowvi.bench;

import dev.flowvi.codegen.CodegenMode;
import dev.flowvi.codegen.KernelCache;
import dev.flowvi.codegen.flow.FlowCompiler;
import dev.flowvi.engine.bijection.Affine;
import dev.flowvi.engine.bijection.AffineTransformer;
import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.bijection.Bounded;
import dev.flowvi.engine.bijection.Elementwise;
import dev.flowvi.engine.bijection.Exp;
import dev.flowvi.engine.bijection.LeakyTanh;
import dev.flowvi.engine.bijection.Loc;
import dev.flowvi.engine.bijection.Loft;
import dev.flowvi.engine.bijection.Permute;
import dev.flowvi.engine.bijection.RationalQuadraticSpline;
import dev.flowvi.engine.bijection.Scale;
import dev.flowvi.engine.bijection.Sigmoid;
import dev.flowvi.engine.bijection.SoftPlus;
import dev.flowvi.engine.bijection.Tanh;
import dev.flowvi.engine.bijection.TriangularAffine;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.flow.BlockAutoregressiveNetwork;
import dev.flowvi.engine.flow.Coupling;
import dev.flowvi.engine.flow.MaskedAutoregressive;
import dev.flowvi.engine.flow.Planar;
import dev.flowvi.engine.nn.Activation;
import dev.flowvi.engine.random.RandomStream;
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
 * Every bijection kind, and every flow layer, at D = 26 on a batch of {@code batch} points: the
 * four passes (forward, inverse, and the backward pass of each), interpreted by the engine or
 * compiled by codegen (strict: a kind the flow compiler cannot compile fails its setup rather than
 * silently timing the interpreted code).
 *
 * <p>Vector against scalar: the engine picks its kernels once per JVM, so the scalar column is a
 * second run with {@code -jvmArgsAppend -Dflowvi.kernels=scalar}. Parameters are the kind's
 * initialisation moved off the identity, so every weight matters; inverse passes invert the
 * forward pass's output, which keeps bounded kinds (sigmoid, bounded) inside their range.
 *
 * <p>Run: {@code java -jar jmh-benchmarks/target/benchmarks.jar BijectionBenchmark -p kind=spline,affine -p batch=512}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class BijectionBenchmark {
  static final int DIM = 26;
  /** Every kind this suite knows; {@link #bijection} builds each. */
  static final String[] KINDS = {
    "spline", "affine", "loc", "scale", "triangularAffine", "leakyTanh", "tanh", "sigmoid", "softPlus", "exp",
    "bounded", "loft", "permute", "maskedAutoregressive", "coupling", "planar", "blockNeuralAutoregressive"
  };

  @Param({
    "spline", "affine", "loc", "scale", "triangularAffine", "leakyTanh", "tanh", "sigmoid", "softPlus", "exp",
    "bounded", "loft", "permute", "maskedAutoregressive", "coupling", "planar", "blockNeuralAutoregressive"
  })
  public String kind;

  @Param({"interpreted", "compiled"})
  public String path;

  @Param({"64", "512", "8192"})
  public int batch;

  Bijection bijection;
  double[] params;
  Workspace ws;
  double[] x;
  double[] y;
  double[] back;
  double[] logDet;
  double[] gradOut;
  double[] gradLogDet;
  double[] gradIn;
  double[] gradParams;

  /** The kind named {@code name} at dimension {@code dim}. */
  static Bijection bijection(String name, int dim, RandomStream rng) {
    return switch (name) {
      case "spline" -> Elementwise.of(RationalQuadraticSpline.of(8, 4.0), dim);
      case "affine" -> Affine.of(dim);
      case "loc" -> Loc.of(dim);
      case "scale" -> Scale.of(dim);
      case "triangularAffine" -> TriangularAffine.lower(dim);
      case "leakyTanh" -> LeakyTanh.of(dim, 3.0);
      case "tanh" -> Tanh.of(dim);
      case "sigmoid" -> Sigmoid.of(dim);
      case "softPlus" -> SoftPlus.of(dim);
      case "exp" -> Exp.of(dim);
      case "bounded" -> Bounded.of(dim, -2.0, 3.0);
      case "loft" -> Loft.of(dim);
      case "permute" -> Permute.random(dim, rng);
      case "maskedAutoregressive" -> MaskedAutoregressive.of(AffineTransformer.withScaleFloor(), dim, 0, 50, 1, Activation.RELU);
      case "coupling" -> Coupling.of(AffineTransformer.withScaleFloor(), dim, 0, 50, 1, Activation.RELU);
      case "planar" -> Planar.of(dim, Planar.Nonlinearity.TANH);
      case "blockNeuralAutoregressive" -> BlockAutoregressiveNetwork.of(dim, 0, 8, 1);
      default -> throw new IllegalArgumentException("kind is '" + name + "', expected one of " + Arrays.toString(KINDS));
    };
  }

  @Setup(Level.Trial)
  public void setUp() {
    RandomStream rng = RandomStream.of(2026);
    Bijection source = bijection(kind, DIM, rng);
    bijection = switch (path) {
      case "interpreted" -> source;
      case "compiled" -> FlowCompiler.compileOrInterpret(CodegenMode.STRICT, source, KernelCache.shared());
      default -> throw new IllegalArgumentException("path is '" + path + "', expected interpreted or compiled");
    };
    params = FlowCompilerBenchmark.params(source, rng);
    ws = bijection.newWorkspace(batch);
    x = FlowCompilerBenchmark.gaussian(rng, DIM * batch);
    y = new double[DIM * batch];
    back = new double[DIM * batch];
    logDet = new double[batch];
    bijection.forward(params, 0, x, null, y, logDet, batch, ws);
    gradOut = FlowCompilerBenchmark.gaussian(rng, DIM * batch);
    gradLogDet = FlowCompilerBenchmark.gaussian(rng, batch);
    gradIn = new double[DIM * batch];
    gradParams = new double[Math.max(1, params.length)];
  }

  @Benchmark
  public double forward() {
    Arrays.fill(logDet, 0.0);
    bijection.forward(params, 0, x, null, y, logDet, batch, ws);
    return y[0] + logDet[0];
  }

  @Benchmark
  public double inverse() {
    Arrays.fill(logDet, 0.0);
    bijection.inverse(params, 0, y, null, back, logDet, batch, ws);
    return back[0] + logDet[0];
  }

  @Benchmark
  public double forwardBackward() {
    Arrays.fill(logDet, 0.0);
    bijection.forward(params, 0, x, null, y, logDet, batch, ws);
    bijection.forwardBackward(params, 0, x, null, y, gradOut, gradLogDet, gradIn, gradParams, batch, ws);
    return gradIn[0];
  }

  @Benchmark
  public double inverseBackward() {
    Arrays.fill(logDet, 0.0);
    bijection.inverse(params, 0, y, null, back, logDet, batch, ws);
    bijection.inverseBackward(params, 0, y, null, back, gradOut, gradLogDet, gradIn, gradParams, batch, ws);
    return gradIn[0];
  }
}
