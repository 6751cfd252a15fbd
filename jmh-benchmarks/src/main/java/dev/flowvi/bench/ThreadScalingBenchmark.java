package dev.flowvi.bench;

import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.train.ElboLoss;
import dev.flowvi.engine.train.LossTotals;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * The ELBO step of {@link ElboStepBenchmark} split as the Trainer splits it: 500 samples in
 * {@link #CHUNKS} fixed chunks, each with its own workspace, gradient and random stream, reduced
 * in chunk order, on 1 or 2 threads. The work per step is the same for both thread counts, so
 * the ratio of times is the parallel speed-up.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ThreadScalingBenchmark {
  static final int CHUNKS = 4;
  static final int CHUNK = ElboStepBenchmark.SAMPLES / CHUNKS;

  @Param({"m1", "maf26"})
  public String workload;

  @Param({"1", "2"})
  public int threads;

  ElboLoss loss;
  double[] params;
  double[] grad;
  double[][] chunkGrads;
  LossTotals[] chunkTotals;
  Workspace[] workspaces;
  RandomStream root;
  ExecutorService pool;
  Future<?>[] futures;
  long step;

  @Setup(Level.Trial)
  public void setUp() {
    if (threads != 1 && threads != 2) {
      throw new IllegalArgumentException("threads is " + threads + ", expected 1 or 2");
    }
    ElboStepBenchmark single = new ElboStepBenchmark();
    single.workload = workload;
    single.setUp();
    loss = single.loss;
    params = single.params;
    grad = new double[loss.parameterCount()];
    chunkGrads = new double[CHUNKS][loss.parameterCount()];
    chunkTotals = new LossTotals[CHUNKS];
    for (int c = 0; c < CHUNKS; c++) {
      chunkTotals[c] = new LossTotals();
    }
    workspaces = new Workspace[threads];
    for (int w = 0; w < threads; w++) {
      workspaces[w] = loss.newWorkspace(CHUNK);
    }
    root = RandomStream.of(13);
    pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "flowvi-bench");
      t.setDaemon(true);
      return t;
    }) : null;
    futures = new Future<?>[threads];
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  private void worker(int w) {
    for (int c = w; c < CHUNKS; c += threads) {
      Arrays.fill(chunkGrads[c], 0.0);
      chunkTotals[c].reset();
      loss.evaluate(params, null, c * CHUNK, CHUNK, root.derive(step, c), workspaces[w], chunkGrads[c], chunkTotals[c]);
    }
  }

  /** One step; returns the mean loss over kept samples. */
  @Benchmark
  public double elboStep() throws InterruptedException, ExecutionException {
    step++;
    if (pool == null) {
      worker(0);
    } else {
      for (int w = 0; w < threads; w++) {
        final int worker = w;
        futures[w] = pool.submit(() -> worker(worker));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    }
    Arrays.fill(grad, 0.0);
    double sum = 0;
    int kept = 0;
    for (int c = 0; c < CHUNKS; c++) {
      sum += chunkTotals[c].lossSum();
      kept += chunkTotals[c].kept();
      double[] g = chunkGrads[c];
      for (int k = 0; k < g.length; k++) {
        grad[k] += g[k];
      }
    }
    return sum / kept;
  }
}
