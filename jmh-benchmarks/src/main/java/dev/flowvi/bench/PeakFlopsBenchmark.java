package dev.flowvi.bench;

import dev.flowvi.engine.kernel.VectorSupport;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * This machine's double-precision FMA peak on one core, from independent FMA chains
 * ({@link FmaChains}): scalar {@code Math.fma} and {@code DoubleVector.fma} on the preferred
 * species. Time per op; Gflop/s = {@link #scalarFlopsPerOp()} (or {@link #vectorFlopsPerOp()}) /
 * (ns/op). {@link QuickBench} does that division and uses the vector figure as the peak.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class PeakFlopsBenchmark {
  /** Read from a field so that the JIT cannot constant-fold the chains. */
  public double start = 0.25;

  public static long scalarFlopsPerOp() {
    return FmaChains.scalarFlops();
  }

  /** Flops of one {@link #vectorFma()} call; needs the vector module. */
  public static long vectorFlopsPerOp() {
    requireVector();
    return VectorFmaChains.flops();
  }

  private static void requireVector() {
    if (!VectorSupport.enabled()) {
      throw new IllegalStateException("vectorFma needs the vector path but " + VectorSupport.describe());
    }
  }

  @Benchmark
  public double scalarFma() {
    return FmaChains.scalar(start);
  }

  @Benchmark
  public double vectorFma() {
    return VectorFmaChains.run(start);
  }
}
