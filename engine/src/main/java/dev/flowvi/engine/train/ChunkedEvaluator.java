package dev.flowvi.engine.train;

import dev.flowvi.engine.core.Unchecked;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Evaluates a {@link ChunkedLoss} over a step's units in fixed chunks, on one or more threads,
 * and reduces the chunks in chunk order.
 *
 * <p>The chunk count depends only on the units and the chunk size; chunk c of step s draws from
 * {@code root.derive(s, c)}; every chunk writes its own gradient array. So the reduced loss and
 * gradient are the same sums in the same order for any number of threads. Workers (the calling
 * thread is one of them) take the next chunk not yet taken, each with a workspace of its own, so a
 * worker that the OS or the JIT's compiler threads hold back does not hold the whole step back.
 *
 * <p>The other workers are daemon threads that live as long as the evaluator and wait parked
 * between steps; a step hands them its inputs through fields and a ticket, so a step allocates
 * nothing (an executor's task, future and queue node came to about 220 B per step).
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
  /** Chunk c's stream, restarted every step as root.derive(step, c). */
  private final RandomStream[] chunkStreams;
  private final AtomicInteger nextChunk = new AtomicInteger();
  /** Workers 1, 2, …: threads of their own; worker 0 is the calling thread. */
  private final Helper[] helpers;
  /** Helpers still running the current step. */
  private final AtomicInteger busy = new AtomicInteger();
  /** The first failure on a helper in the current step. */
  private final AtomicReference<Throwable> helperFailure = new AtomicReference<>();
  private volatile boolean closed;

  // The current step, written by the caller before it hands out tickets (a volatile write), read
  // by every worker: the caller and the helpers after they see their ticket.
  private Thread caller;
  private double[] stepParams;
  private int[] stepRows;
  private int stepUnits;
  private int stepChunks;
  private long stepIndex;
  private boolean stepWithGrad;

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
    this.chunkStreams = new RandomStream[maxChunks];
    for (int c = 0; c < maxChunks; c++) {
      chunkTotals[c] = new LossTotals();
      chunkStreams[c] = root.derive(0, c);
    }
    this.helpers = new Helper[Math.max(0, workers - 1)];
    for (int h = 0; h < helpers.length; h++) {
      helpers[h] = new Helper(h + 1);
      helpers[h].thread.start();
    }
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
    if (closed) {
      throw new IllegalStateException("the evaluator is closed");
    }
    stepParams = params;
    stepRows = rows;
    stepUnits = units;
    stepChunks = chunks;
    stepIndex = step;
    stepWithGrad = grad != null;
    nextChunk.set(0);
    int active = Math.min(workers, chunks);
    try {
      if (active <= 1) {
        runWorker(0);
      } else {
        runOnAll(active);
      }
    } finally {
      stepParams = null;
      stepRows = null;
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

  /** One step on the calling thread and {@code active − 1} helpers; returns when all have stopped. */
  private void runOnAll(int active) {
    caller = Thread.currentThread();
    helperFailure.set(null);
    busy.set(active - 1);
    for (int h = 0; h < active - 1; h++) {
      helpers[h].ticket++;
      LockSupport.unpark(helpers[h].thread);
    }
    // The first failure, on any worker, is rethrown once every worker has stopped touching the chunks.
    Throwable failure = null;
    try {
      runWorker(0);
    } catch (RuntimeException | Error e) {
      failure = e;
      nextChunk.set(stepChunks);
    }
    boolean interrupted = false;
    while (busy.get() > 0) {
      LockSupport.park(this);
      if (Thread.interrupted()) {
        interrupted = true;
        nextChunk.set(stepChunks);
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("training was interrupted");
    }
    if (failure == null) {
      failure = helperFailure.get();
    }
    if (failure != null) {
      throw Unchecked.of(failure, "a training chunk failed");
    }
  }

  /** Takes the current step's chunks not yet taken until none is left, with worker {@code worker}'s workspace. */
  private void runWorker(int worker) {
    Workspace ws = workspaces[worker];
    int chunks = stepChunks;
    for (int c = nextChunk.getAndIncrement(); c < chunks; c = nextChunk.getAndIncrement()) {
      int from = c * chunkSize;
      int count = Math.min(chunkSize, stepUnits - from);
      double[] g = chunkGrads[c];
      Arrays.fill(g, 0.0);
      chunkTotals[c].reset();
      RandomStream stream = chunkStreams[c];
      stream.restartAsDerived(root, stepIndex, c);
      loss.evaluate(stepParams, stepRows, from, count, stream, ws, stepWithGrad ? g : null, chunkTotals[c]);
    }
  }

  /** A worker thread: parked until its ticket changes, then one step's chunks, then parked again. */
  private final class Helper implements Runnable {
    final int worker;
    final Thread thread;
    volatile long ticket;

    Helper(int worker) {
      this.worker = worker;
      this.thread = new Thread(this, "flowvi-trainer-" + worker);
      thread.setDaemon(true);
    }

    @Override
    public void run() {
      long done = 0;
      while (true) {
        long t;
        while ((t = ticket) == done) {
          if (closed) {
            return;
          }
          LockSupport.park(this);
        }
        done = t;
        try {
          runWorker(worker);
        } catch (Throwable e) {
          helperFailure.compareAndSet(null, e);
          nextChunk.set(stepChunks);
        } finally {
          if (busy.decrementAndGet() == 0) {
            LockSupport.unpark(caller);
          }
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Helper h : helpers) {
      LockSupport.unpark(h.thread);
    }
  }
}
