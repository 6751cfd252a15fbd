package dev.flowvi.engine.examples;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * How the hand-written example densities spread a batch's samples: a batch as small as the
 * trainer's chunks runs on the calling thread, because the trainer already keeps every core busy
 * with chunks of its own, and a second level of parallelism there only competes with it; a large
 * batch from one thread (the diagnostics' draws) runs in parallel on the common pool.
 */
final class PerSample {
  /** Batches of at least this many samples run in parallel. */
  static final int PARALLEL_FROM = 256;

  private PerSample() {}

  /** Runs {@code work} for samples 0..n−1, each independent of the others. */
  static void each(int n, IntConsumer work) {
    if (n < PARALLEL_FROM) {
      for (int i = 0; i < n; i++) {
        work.accept(i);
      }
    } else {
      IntStream.range(0, n).parallel().forEach(work);
    }
  }
}
