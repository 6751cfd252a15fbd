package dev.flowvi.bench;

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
 * The other ceilings besides the FMA peak ({@link PeakFlopsBenchmark}), so that a kernel's time
 * can be set against what bounds it: exp, log and division throughput over {@link #SIZE} values
 * in L1 (scalar {@code Math.exp}/{@code Math.log} and the Vector API's lane-wise EXP/LOG, which
 * call the JDK's vector math library), and memory bandwidth from a triad y = a + s·b over arrays of
 * {@link #STREAM} doubles each (three 16 MiB arrays, past the 32 MiB L3 together).
 * Values per second = {@link #SIZE} (or {@link #STREAM}) / time per op; triad bytes per op = 24 per value.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MachineLimitsBenchmark {
  /** Values per transcendental op: 4096 doubles, 32 KiB in and out, L1/L2 resident. */
  public static final int SIZE = 4096;
  /** Values per triad op: 2M doubles per array. */
  public static final int STREAM = 1 << 21;

  @Param({"vector", "scalar"})
  public String kernel;

  double[] x;
  double[] z;
  double[] y;
  double[] a;
  double[] b;
  double[] c;

  @Setup(Level.Trial)
  public void setUp() {
    if (kernel.equals("vector") && !VectorSupport.enabled()) {
      throw new IllegalStateException("kernel=vector needs the vector path but " + VectorSupport.describe());
    }
    if (!kernel.equals("vector") && !kernel.equals("scalar")) {
      throw new IllegalArgumentException("kernel is '" + kernel + "', expected vector or scalar");
    }
    RandomStream rng = RandomStream.of(7);
    x = new double[SIZE];
    z = new double[SIZE];
    y = new double[SIZE];
    for (int i = 0; i < SIZE; i++) {
      // Inputs where exp and log take their general path: |x| < 8, and z in (0.5, 8.5).
      x[i] = 8 * (2 * rng.nextDouble() - 1);
      z[i] = 0.5 + 8 * rng.nextDouble();
    }
    a = new double[STREAM];
    b = new double[STREAM];
    c = new double[STREAM];
    java.util.Arrays.fill(b, 1.0);
    java.util.Arrays.fill(c, 2.0);
  }

  @Benchmark
  public double exp() {
    if (kernel.equals("vector")) {
      VectorLimits.exp(x, y);
    } else {
      for (int i = 0; i < SIZE; i++) {
        y[i] = Math.exp(x[i]);
      }
    }
    return y[SIZE - 1];
  }

  @Benchmark
  public double log() {
    if (kernel.equals("vector")) {
      VectorLimits.log(z, y);
    } else {
      for (int i = 0; i < SIZE; i++) {
        y[i] = Math.log(z[i]);
      }
    }
    return y[SIZE - 1];
  }

  @Benchmark
  public double divide() {
    if (kernel.equals("vector")) {
      VectorLimits.divide(x, z, y);
    } else {
      for (int i = 0; i < SIZE; i++) {
        y[i] = x[i] / z[i];
      }
    }
    return y[SIZE - 1];
  }

  /** The triad; plain Java (the JIT auto-vectorises it), so both kernels run the same loop. */
  @Benchmark
  public double triad() {
    double s = 1.5;
    for (int i = 0; i < STREAM; i++) {
      a[i] = b[i] + s * c[i];
    }
    return a[STREAM - 1];
  }
}
