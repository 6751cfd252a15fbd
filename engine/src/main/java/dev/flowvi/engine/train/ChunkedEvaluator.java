package dev.flowvi.engine.train;

import dev.flowvi.engine.core.Unchecked;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Evaluates a {@link ChunkedLoss} over a step's units in fixed chunks, on one or more threads,
 * and reduces the chunks in chunk order.
 *
 * <p>The chunk count depends only on the units and the chunk size; chunk c of step s draws from
 * {@code root.derive(s, c)}; every chunk writes its own gradient array. So the reduced loss and
 * gradient are the same sums in the same order for any number of threads. Workers (the calling
 * thread is one of them) take the next chunk not yet taken, each with a workspace of its own, so a
 * worker that the OS or the JIT's compiler threads hold back does not hold the whole step back.
 */
final class ChunkedEvaluator implements AutoCloseable {
  private final ChunkedLoss loss;
  private final RandomStream root;
  private final int chunkSize;
  private final int maxChunks;
  private final int workers;
  private final Workspace[] workspaces;
  private final double[][] chunkGrads;
  private final LossTotals[] chunkTotals;
  private final ExecutorService pool;
  private final List<Future<?>> futures = new ArrayList<>();
  private final AtomicInteger nextChunk = new AtomicInteger();

  ChunkedEvaluator(ChunkedLoss loss, RandomStream root, int maxUnits, int chunkSize, int threads) {
    this.loss = loss;
    this.root = root;
    this.chunkSize = Math.min(chunkSize, maxUnits);
    this.maxChunks = (maxUnits + this.chunkSize - 1) / this.chunkSize;
    this.workers = Math.min(threads, maxChunks);
    this.workspaces = new Workspace[workers];
    for (int w = 0; w < workers; w++) {
      workspaces[w] = loss.newWorkspace(this.chunkSize);
    }
    this.chunkGrads = new double[maxChunks][loss.parameterCount()];
    this.chunkTotals = new LossTotals[maxChunks];
    for (int c = 0; c < maxChunks; c++) {
      chunkTotals[c] = new LossTotals();
    }
    this.pool = workers > 1 ? Executors.newFixedThreadPool(workers - 1, r -> {
      Thread t = new Thread(r, "flowvi-trainer");
      t.setDaemon(true);
      return t;
    }) : null;
  }

  /**
   * Evaluates units [0, units) of step {@code step} (rows as for {@link ChunkedLoss#evaluate}),
   * writes the mean gradient over kept units into {@code grad} (null: value only) and the summed
   * totals into {@code totals}. The mean loss is {@code totals.mean()}.
   */
  void evaluate(double[] params, int[] rows, int units, long step, double[] grad, LossTotals totals) {
    int chunks = (units + chunkSize - 1) / chunkSize;
    if (chunks > maxChunks) {
      throw new IllegalArgumentException("units is " + units + ", expected at most " + (maxChunks * chunkSize));
    }
    int active = Math.min(workers, chunks);
    nextChunk.set(0);
    if (pool == null || active == 1) {
      runWorker(0, chunks, units, params, rows, step, grad != null);
    } else {
      futures.clear();
      for (int w = 1; w < active; w++) {
        final int worker = w;
        futures.add(pool.submit(() -> runWorker(worker, chunks, units, params, rows, step, grad != null)));
      }
      // The first failure, on any worker, is rethrown once every worker has stopped touching the chunks.
      Throwable failure = null;
      try {
        runWorker(0, chunks, units, params, rows, step, grad != null);
      } catch (RuntimeException | Error e) {
        failure = e;
        nextChunk.set(chunks);
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("training was interrupted", e);
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = e.getCause();
            nextChunk.set(chunks);
          }
        }
      }
      if (failure != null) {
        throw Unchecked.of(failure, "a training chunk failed");
      }
    }
    totals.reset();
    if (grad != null) {
      Arrays.fill(grad, 0.0);
    }
    for (int c = 0; c < chunks; c++) {
      LossTotals t = chunkTotals[c];
      totals.add(t.lossSum(), t.kept(), t.dropped());
      if (grad != null) {
        double[] g = chunkGrads[c];
        for (int k = 0; k < g.length; k++) {
          grad[k] += g[k];
        }
      }
    }
    if (grad != null && totals.kept() > 0) {
      double inv = 1.0 / totals.kept();
      for (int k = 0; k < grad.length; k++) {
        grad[k] *= inv;
      }
    }
  }

  /** Takes chunks not yet taken until none is left, with worker {@code worker}'s workspace. */
  private void runWorker(int worker, int chunks, int units, double[] params, int[] rows, long step, boolean withGrad) {
    Workspace ws = workspaces[worker];
    for (int c = nextChunk.getAndIncrement(); c < chunks; c = nextChunk.getAndIncrement()) {
      int from = c * chunkSize;
      int count = Math.min(chunkSize, units - from);
      double[] g = chunkGrads[c];
      Arrays.fill(g, 0.0);
      chunkTotals[c].reset();
      loss.evaluate(params, rows, from, count, root.derive(step, c), ws, withGrad ? g : null, chunkTotals[c]);
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
