package dev.flowvi.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
