package dev.flowvi.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.core.AllocationCounter;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ChunkedEvaluatorTest {
  private static final int PARAMS = 3;

  /**
   * Each unit adds a random loss and gradient drawn from its chunk's stream, and counts the chunk
   * as evaluated; chunk {@code slowChunk} sleeps first and chunk {@code failingChunk} throws.
   */
  private static class CountingLoss implements ChunkedLoss {
    final AtomicIntegerArray evaluations = new AtomicIntegerArray(64);
    final Thread[] ranOn = new Thread[64];
    final int slowChunk;
    final int failingChunk;
    final int chunkSize;

    CountingLoss(int chunkSize, int slowChunk, int failingChunk) {
      this.chunkSize = chunkSize;
      this.slowChunk = slowChunk;
      this.failingChunk = failingChunk;
    }

    @Override
    public int parameterCount() {
      return PARAMS;
    }

    @Override
    public ParameterLayout layout() {
      return ParameterLayout.builder().add("w", PARAMS).build();
    }

    @Override
    public Workspace newWorkspace(int capacity) {
      return Workspace.none(capacity);
    }

    @Override
    public void evaluate(double[] params, int[] rows, int from, int count, RandomStream rng, Workspace ws, double[] grad,
        LossTotals totals) {
      int chunk = from / chunkSize;
      evaluations.incrementAndGet(chunk);
      ranOn[chunk] = Thread.currentThread();
      if (chunk == failingChunk) {
        throw new ArithmeticException("chunk " + chunk + " failed");
      }
      if (chunk == slowChunk) {
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      double sum = 0;
      for (int u = 0; u < count; u++) {
        double v = rng.nextDouble();
        sum += v * params[0];
        if (grad != null) {
          for (int k = 0; k < PARAMS; k++) {
            grad[k] += v * rng.nextDouble();
          }
        }
      }
      totals.add(sum, count, 0);
    }
  }

  private static double[] run(int threads, CountingLoss loss, int units, LossTotals totals) {
    double[] grad = new double[PARAMS];
    try (ChunkedEvaluator e = new ChunkedEvaluator(loss, RandomStream.of(7), units, loss.chunkSize, threads)) {
      e.evaluate(new double[] {2, 0, 0}, null, units, 3, grad, totals);
    }
    return grad;
  }

  /**
   * A step hands its chunks to the parked helper threads and restarts each chunk's stream in place:
   * over 2000 warm steps on 1 and 3 threads neither the calling thread nor the helpers allocate
   * (the bound, 8 B per step, is far below the 60 B per chunk of a derived stream and the ~220 B per
   * step of an executor's task, future and queue node that this replaced).
   */
  @Test
  void warmStepsAllocateNothingOnAnyThread() {
    com.sun.management.ThreadMXBean bean = AllocationCounter.bean();
    for (int threads : new int[] {1, 3}) {
      CountingLoss loss = new CountingLoss(10, -1, -1);
      double[] params = {2, 0, 0};
      double[] grad = new double[PARAMS];
      LossTotals totals = new LossTotals();
      try (ChunkedEvaluator e = new ChunkedEvaluator(loss, RandomStream.of(7), 95, 10, threads)) {
        int steps = 2000;
        for (int s = 0; s < steps; s++) {
          e.evaluate(params, null, 95, s, grad, totals);
        }
        long[] ids = trainerThreadIds();
        long before = allocated(bean, ids);
        for (int s = 0; s < steps; s++) {
          e.evaluate(params, null, 95, steps + s, grad, totals);
        }
        long bytes = allocated(bean, ids) - before;
        assertTrue(bytes < 8L * steps, threads + " threads: " + bytes + " bytes in " + steps + " warm steps");
      }
    }
  }

  /** This thread and every live trainer thread (the helpers are named flowvi-trainer-*). */
  private static long[] trainerThreadIds() {
    return java.util.stream.Stream.concat(java.util.stream.Stream.of(Thread.currentThread()),
            Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("flowvi-trainer")))
        .mapToLong(Thread::getId).toArray();
  }

  /** Bytes the threads {@code ids} have allocated so far; reading them allocates nothing. */
  private static long allocated(com.sun.management.ThreadMXBean bean, long[] ids) {
    long bytes = 0;
    for (long id : ids) {
      bytes += Math.max(0, bean.getThreadAllocatedBytes(id));
    }
    return bytes;
  }

  @Test
  void anyThreadCountGivesTheSameSumsAndEvaluatesEveryChunkOnce() {
    LossTotals one = new LossTotals();
    double[] expected = run(1, new CountingLoss(10, -1, -1), 95, one);
    for (int threads : new int[] {2, 3, 4}) {
      CountingLoss loss = new CountingLoss(10, -1, -1);
      LossTotals totals = new LossTotals();
      assertArrayEquals(expected, run(threads, loss, 95, totals), 0.0, threads + " threads");
      assertEquals(one.lossSum(), totals.lossSum(), 0.0);
      assertEquals(95, totals.kept());
      for (int c = 0; c < 10; c++) {
        assertEquals(1, loss.evaluations.get(c), "chunk " + c + " with " + threads + " threads");
      }
    }
  }

  @Test
  void aWorkerHeldBackOnOneChunkLeavesTheOthersToTheRest() {
    CountingLoss loss = new CountingLoss(10, 0, -1);
    run(2, loss, 95, new LossTotals());
    for (int c = 1; c < 10; c++) {
      assertNotSame(loss.ranOn[0], loss.ranOn[c], "chunk " + c + " waited for the worker asleep on chunk 0");
    }
  }

  @Test
  void aFailingChunkReachesTheCallerOnEveryThreadCountAndTheNextStepStillWorks() {
    for (int threads : new int[] {1, 2, 3}) {
      for (int failing : new int[] {0, 1, 9}) {
        CountingLoss loss = new CountingLoss(10, -1, failing);
        try (ChunkedEvaluator e = new ChunkedEvaluator(loss, RandomStream.of(7), 95, 10, threads)) {
          ArithmeticException thrown = assertThrows(ArithmeticException.class,
              () -> e.evaluate(new double[] {2, 0, 0}, null, 95, 3, new double[PARAMS], new LossTotals()));
          assertEquals("chunk " + failing + " failed", thrown.getMessage());
          // Fewer units than the failing chunk needs: the same evaluator finishes a step again.
          LossTotals totals = new LossTotals();
          e.evaluate(new double[] {2, 0, 0}, null, failing * 10, 4, new double[PARAMS], totals);
          assertEquals(failing * 10, totals.kept());
        }
      }
    }
  }

  @Test
  void anErrorOnAWorkerIsRethrownAsItself() {
    AssertionError error = new AssertionError("boom");
    ChunkedLoss loss = new CountingLoss(10, -1, -1) {
      @Override
      public void evaluate(double[] params, int[] rows, int from, int count, RandomStream rng, Workspace ws, double[] grad,
          LossTotals totals) {
        throw error;
      }
    };
    try (ChunkedEvaluator e = new ChunkedEvaluator(loss, RandomStream.of(7), 40, 10, 2)) {
      assertSame(error, assertThrows(AssertionError.class,
          () -> e.evaluate(new double[PARAMS], null, 40, 0, new double[PARAMS], new LossTotals())));
    }
  }
}
