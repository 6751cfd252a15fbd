package dev.flowvi.bench;

import dev.flowvi.engine.bijection.Affine;
import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.bijection.TriangularAffine;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.kernel.AffineKernel;
import dev.flowvi.engine.kernel.TriangularAffineKernel;
import dev.flowvi.engine.kernel.VectorSupport;
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
 * The Affine and TriangularAffine layers on a batch, with the Vector API kernels against the
 * scalar references, in both directions and their backward passes. Each benchmark is one layer
 * pass over {@code batch} points of {@code dim} coordinates (26 is the seed's M2).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar jmh-benchmarks/target/benchmarks.jar AffineKernel}.
 * The {@code vector} variant needs the module; without it setup fails rather than silently
 * measuring the scalar fallback.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class AffineKernelBenchmark {
  @Param({"64", "256", "1024", "4096"})
  public int batch;

  @Param({"26"})
  public int dim;

  @Param({"vector", "scalar"})
  public String kernel;

  Bijection affine;
  Bijection triangular;
  double[] affineParams;
  double[] triangularParams;
  Workspace affineWs;
  Workspace triangularWs;
  double[] x;
  double[] y;
  double[] logDet;
  double[] gradY;
  double[] gradLogDet;
  double[] gradX;
  double[] gradParams;

  @Setup(Level.Trial)
  public void setUp() {
    boolean vector = switch (kernel) {
      case "vector" -> true;
      case "scalar" -> false;
      default -> throw new IllegalArgumentException("kernel is '" + kernel + "', expected vector or scalar");
    };
    if (vector && !VectorSupport.enabled()) {
      throw new IllegalStateException("kernel=vector but " + VectorSupport.describe());
    }
    affine = Affine.of(dim).withKernel(vector ? AffineKernel.PREFERRED : AffineKernel.SCALAR);
    triangular = TriangularAffine.lower(dim).weightNormalised()
        .withKernel(vector ? TriangularAffineKernel.PREFERRED : TriangularAffineKernel.SCALAR);
    RandomStream rng = RandomStream.of(2024);
    affineParams = randomParams(affine, rng);
    triangularParams = randomParams(triangular, rng);
    affineWs = affine.newWorkspace(batch);
    triangularWs = triangular.newWorkspace(batch);
    x = gaussian(rng, dim * batch);
    y = new double[dim * batch];
    logDet = new double[batch];
    gradY = gaussian(rng, dim * batch);
    gradLogDet = gaussian(rng, batch);
    gradX = new double[dim * batch];
    gradParams = new double[Math.max(affine.parameterCount(), triangular.parameterCount())];
    // The backward benchmarks differentiate a forward pass made once here.
    affine.forward(affineParams, 0, x, null, y, logDet, batch, affineWs);
  }

  private static double[] randomParams(Bijection b, RandomStream rng) {
    double[] p = new double[b.parameterCount()];
    b.initialise(p, 0, rng);
    for (int k = 0; k < p.length; k++) {
      p[k] += 0.1 * rng.nextGaussian();
    }
    return p;
  }

  private static double[] gaussian(RandomStream rng, int size) {
    double[] v = new double[size];
    rng.fillGaussian(v, 0, size);
    return v;
  }

  @Benchmark
  public double affineForward() {
    affine.forward(affineParams, 0, x, null, y, logDet, batch, affineWs);
    return y[0];
  }

  @Benchmark
  public double affineInverse() {
    affine.inverse(affineParams, 0, x, null, y, logDet, batch, affineWs);
    return y[0];
  }

  @Benchmark
  public double affineForwardBackward() {
    affine.forwardBackward(affineParams, 0, x, null, y, gradY, gradLogDet, gradX, gradParams, batch, affineWs);
    return gradX[0];
  }

  @Benchmark
  public double affineInverseBackward() {
    affine.inverseBackward(affineParams, 0, x, null, y, gradY, gradLogDet, gradX, gradParams, batch, affineWs);
    return gradX[0];
  }

  @Benchmark
  public double triangularForward() {
    triangular.forward(triangularParams, 0, x, null, y, logDet, batch, triangularWs);
    return y[0];
  }

  @Benchmark
  public double triangularInverse() {
    triangular.inverse(triangularParams, 0, x, null, y, logDet, batch, triangularWs);
    return y[0];
  }

  @Benchmark
  public double triangularForwardBackward() {
    triangular.forwardBackward(triangularParams, 0, x, null, y, gradY, gradLogDet, gradX, gradParams, batch, triangularWs);
    return gradX[0];
  }

  @Benchmark
  public double triangularInverseBackward() {
    triangular.inverseBackward(triangularParams, 0, x, null, y, gradY, gradLogDet, gradX, gradParams, batch, triangularWs);
    return gradX[0];
  }
}
