package dev.flowvi.engine.core;

import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * How densities spread a batch's samples over threads: a batch as small as the trainer's chunks
 * runs on the calling thread, because the trainer already keeps every core busy with chunks of its
 * own, and a second level of parallelism there only competes with it; a large batch from one
 * thread (the diagnostics' draws, a mode search) runs in parallel on a pool of this class's own.
 * Not the common pool: on 2 cores (parallelism 1) it retired and restarted its worker between
 * batches, 94 new workers in 200 batches of 500 (JDK 17), and each new worker rebuilt the
 * densities' per-thread scratch: about 11 KB per 500-sample step for the hand-written M1, 282 KB
 * per M2 step for the interpreted model graph.
 */
public final class PerSample {
  /** Batches of at least this many samples run in parallel. */
  public static final int PARALLEL_FROM = 256;

  /** Daemon workers, one per core, kept between batches. */
  private static final ForkJoinPool POOL = new ForkJoinPool(Runtime.getRuntime().availableProcessors());

  private PerSample() {}

  /** Runs {@code work} for samples 0..n−1, each independent of the others. */
  public static void each(int n, IntConsumer work) {
    if (n < PARALLEL_FROM) {
      for (int i = 0; i < n; i++) {
        work.accept(i);
      }
    } else {
      POOL.submit(() -> IntStream.range(0, n).parallel().forEach(work)).join();
    }
  }
}
