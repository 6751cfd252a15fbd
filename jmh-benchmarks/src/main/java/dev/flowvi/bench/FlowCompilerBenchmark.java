package dev.flowvi.bench;

import dev.flowvi.codegen.CodegenMode;
import dev.flowvi.codegen.CompiledClass;
import dev.flowvi.codegen.KernelCache;
import dev.flowvi.codegen.KernelCompiler;
import dev.flowvi.codegen.flow.FlowCompiler;
import dev.flowvi.engine.bijection.AffineTransformer;
import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.bijection.Chain;
import dev.flowvi.engine.bijection.Elementwise;
import dev.flowvi.engine.bijection.Invert;
import dev.flowvi.engine.bijection.LeakyTanh;
import dev.flowvi.engine.bijection.Permute;
import dev.flowvi.engine.bijection.RationalQuadraticSpline;
import dev.flowvi.engine.bijection.TriangularAffine;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.flow.MaskedAutoregressive;
import dev.flowvi.engine.nn.Activation;
import dev.flowvi.engine.random.RandomStream;
import java.util.ArrayList;
import java.util.List;
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
 * Compiled ({@link FlowCompiler}) against interpreted flows at D = 26 (the seed's M2):
 *
 * <ul>
 *   <li>{@code triangularSample}: the triangular spline flow, 6 layers of LeakyTanh(3) sandwich
 *       around a 4-knot spline on [−1, 1], weight-normalised lower TriangularAffine and a permutation, in its sampling direction: forward
 *       and its backward pass on a batch of {@code batch} points (one ELBO step's flow work);
 *   <li>{@code autoregressiveInverse}: the inverse of two MaskedAutoregressive layers (width 50,
 *       ReLU, affine) with a permutation between them: D network passes per layer interpreted,
 *       one compiled;
 *   <li>{@code compileTriangular}, {@code compileAutoregressive}: generating and compiling the
 *       class with a fresh compiler (no cache), the one-off cost per topology.
 * </ul>
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar jmh-benchmarks/target/benchmarks.jar FlowCompiler}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FlowCompilerBenchmark {
  static final int DIM = 26;

  @Param({"compiled", "interpreted"})
  public String flow;

  @Param({"500"})
  public int batch;

  Bijection triangular;
  Bijection autoregressive;
  Bijection triangularSource;
  Bijection autoregressiveSource;
  double[] triangularParams;
  double[] autoregressiveParams;
  Workspace triangularWs;
  Workspace autoregressiveWs;
  double[] x;
  double[] y;
  double[] logDet;
  double[] gradY;
  double[] gradLogDet;
  double[] gradX;
  double[] gradParams;

  /** The triangular spline flow (REFERENCE.md) with 4 knots per spline. */
  static Bijection triangularFlow(int dim, int layers, RandomStream rng) {
    List<Bijection> parts = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      parts.add(LeakyTanh.of(dim, 3.0));
      parts.add(Elementwise.of(RationalQuadraticSpline.of(4, 1.0), dim));
      parts.add(Invert.of(LeakyTanh.of(dim, 3.0)));
      parts.add(TriangularAffine.lower(dim).weightNormalised());
      parts.add(Permute.random(dim, rng));
    }
    return Chain.of(parts);
  }

  static Bijection autoregressiveFlow(int dim, RandomStream rng) {
    return Chain.of(
        MaskedAutoregressive.of(AffineTransformer.withScaleFloor(), dim, 0, 50, 1, Activation.RELU),
        Permute.random(dim, rng),
        MaskedAutoregressive.of(AffineTransformer.withScaleFloor(), dim, 0, 50, 1, Activation.RELU));
  }

  @Setup(Level.Trial)
  public void setUp() {
    boolean compiled = switch (flow) {
      case "compiled" -> true;
      case "interpreted" -> false;
      default -> throw new IllegalArgumentException("flow is '" + flow + "', expected compiled or interpreted");
    };
    RandomStream rng = RandomStream.of(2026);
    triangularSource = triangularFlow(DIM, 6, rng);
    autoregressiveSource = autoregressiveFlow(DIM, rng);
    KernelCache cache = new KernelCache(KernelCompiler.forEngine(), 4);
    triangular = compiled ? FlowCompiler.compileOrInterpret(CodegenMode.STRICT, triangularSource, cache) : triangularSource;
    autoregressive = compiled ? FlowCompiler.compileOrInterpret(CodegenMode.STRICT, autoregressiveSource, cache) : autoregressiveSource;
    triangularParams = params(triangularSource, rng);
    autoregressiveParams = params(autoregressiveSource, rng);
    triangularWs = triangular.newWorkspace(batch);
    autoregressiveWs = autoregressive.newWorkspace(batch);
    x = gaussian(rng, DIM * batch);
    y = new double[DIM * batch];
    logDet = new double[batch];
    gradY = gaussian(rng, DIM * batch);
    gradLogDet = gaussian(rng, batch);
    gradX = new double[DIM * batch];
    gradParams = new double[Math.max(triangularParams.length, autoregressiveParams.length)];
  }

  /** Initialised, then moved off the identity so that every weight matters. */
  static double[] params(Bijection b, RandomStream rng) {
    double[] p = new double[b.parameterCount()];
    b.initialise(p, 0, rng);
    for (int k = 0; k < p.length; k++) {
      p[k] += 0.05 * rng.nextGaussian();
    }
    return p;
  }

  static double[] gaussian(RandomStream rng, int size) {
    double[] v = new double[size];
    rng.fillGaussian(v, 0, size);
    return v;
  }

  @Benchmark
  public double triangularSample() {
    java.util.Arrays.fill(logDet, 0.0);
    triangular.forward(triangularParams, 0, x, null, y, logDet, batch, triangularWs);
    triangular.forwardBackward(triangularParams, 0, x, null, y, gradY, gradLogDet, gradX, gradParams, batch, triangularWs);
    return gradX[0] + logDet[0];
  }

  @Benchmark
  public double autoregressiveInverse() {
    java.util.Arrays.fill(logDet, 0.0);
    autoregressive.inverse(autoregressiveParams, 0, x, null, y, logDet, batch, autoregressiveWs);
    return y[0] + logDet[0];
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public CompiledClass compileTriangular() {
    return KernelCompiler.forEngine().compile(FlowCompiler.source(triangularSource));
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public CompiledClass compileAutoregressive() {
    return KernelCompiler.forEngine().compile(FlowCompiler.source(autoregressiveSource));
  }
}
