package dev.flowvi.cli.bench;

import java.util.Arrays;

/**
 * Times one operation: runs it untimed for a warm-up period (so the JIT compiles it, and the
 * vector kernels leave their cold, ~700× slower state), then repeatedly for a measuring period,
 * and reports the median and the fastest time per call.
 */
public final class Stopwatch {
  private Stopwatch() {}

  /** Median and minimum nanoseconds per call, and how many calls were timed. */
  public record Timing(double medianNanos, double minNanos, int calls) {}

  public static Timing time(Runnable op, double warmupSeconds, double measureSeconds, int minCalls) {
    long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
    do {
      op.run();
    } while (System.nanoTime() < warmEnd);
    long[] samples = new long[64];
    int calls = 0;
    long end = System.nanoTime() + (long) (measureSeconds * 1e9);
    while (calls < minCalls || System.nanoTime() < end) {
      long t0 = System.nanoTime();
      op.run();
      long t = System.nanoTime() - t0;
      if (calls == samples.length) {
        samples = Arrays.copyOf(samples, calls * 2);
      }
      samples[calls++] = t;
    }
    long[] sorted = Arrays.copyOf(samples, calls);
    Arrays.sort(sorted);
    double median = calls % 2 == 1 ? sorted[calls / 2] : 0.5 * (sorted[calls / 2 - 1] + sorted[calls / 2]);
    return new Timing(median, sorted[0], calls);
  }
}
