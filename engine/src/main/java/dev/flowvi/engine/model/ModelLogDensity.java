package dev.flowvi.engine.model;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.kernel.VectorSupport;
import dev.flowvi.engine.target.LogDensity;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * A model bound to its data: the log posterior density on the unconstrained space ℝ^dim (log
 * prior + log likelihood + log|J| of the constraint transforms) and its gradient by reverse mode.
 *
 * <p>Thread-safe: each thread evaluates with its own {@link GraphEvaluator}. A batch is split into
 * chunks of samples that run on the common fork-join pool when it is large enough to pay off; each
 * sample is computed independently, so results do not depend on the thread count.
 */
public final class ModelLogDensity implements LogDensity {
  /** Below this many sample-rows a batch runs on the calling thread. */
  private static final long PARALLEL_THRESHOLD = 20_000;

  private final Model model;
  private final CompiledGraph graph;
  private final RowKernels kernels;
  private final ThreadLocal<GraphEvaluator> evaluators;
  private final boolean parallel;

  ModelLogDensity(Model model, CompiledGraph graph, RowKernels kernels) {
    this(model, graph, kernels, true);
  }

  private ModelLogDensity(Model model, CompiledGraph graph, RowKernels kernels, boolean parallel) {
    this.model = model;
    this.graph = graph;
    this.kernels = kernels;
    this.parallel = parallel;
    this.evaluators = ThreadLocal.withInitial(() -> new GraphEvaluator(graph, kernels));
  }

  static RowKernels defaultKernels() {
    return VectorSupport.choose(RowKernels.class, "dev.flowvi.engine.model.VectorRowKernels", ScalarRowKernels::new);
  }

  /** The same density evaluated with the scalar reference kernels (for tests and comparisons). */
  ModelLogDensity withScalarKernels() {
    return new ModelLogDensity(model, graph, new ScalarRowKernels(), parallel);
  }

  /** The same density, evaluated on the calling thread only. */
  public ModelLogDensity sequential() {
    return new ModelLogDensity(model, graph, kernels, false);
  }

  public Model model() {
    return model;
  }

  /** Number of data rows bound. */
  public int rows() {
    return graph.rows;
  }

  @Override
  public int dim() {
    return model.dim();
  }

  @Override
  public String[] coordinateNames() {
    return model.coordinateNames();
  }

  /** Names of the constrained values, e.g. a[1], a[2], w1 …: the columns of {@link #constrain}. */
  public String[] parameterNames() {
    return model.parameterNames();
  }

  @Override
  public void logDensity(double[] z, int n, double[] logp) {
    run(z, n, logp, null);
  }

  @Override
  public void logDensityAndGradient(double[] z, int n, double[] logp, double[] grad) {
    Checks.batch("grad", grad, dim(), n);
    run(z, n, logp, grad);
  }

  /**
   * Maps a feature-major batch of unconstrained points z (dim·n) to constrained draws x
   * (constrainedDim·n, feature-major, in the order of {@link #parameterNames()}).
   */
  public void constrain(double[] z, int n, double[] x) {
    Checks.positive("n", n);
    Checks.batch("z", z, dim(), n);
    Checks.batch("x", x, model.constrainedDim(), n);
    double[] u = new double[dim()];
    double[] c = new double[model.constrainedDim()];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < u.length; j++) {
        u[j] = z[j * n + i];
      }
      model.constrain(u, c);
      for (int j = 0; j < c.length; j++) {
        x[j * n + i] = c[j];
      }
    }
  }

  private void run(double[] z, int n, double[] logp, double[] grad) {
    Checks.positive("n", n);
    Checks.batch("z", z, dim(), n);
    Checks.perPoint("logp", logp, n);
    // The calling thread computes alongside the pool's workers (invoke runs the root task here).
    int threads = ForkJoinPool.getCommonPoolParallelism() + 1;
    if (!parallel || n < 2 || (long) n * graph.rows < PARALLEL_THRESHOLD) {
      evaluateRange(z, n, logp, grad, 0, n);
      return;
    }
    int chunks = Math.min(n, 4 * threads);
    ForkJoinPool.commonPool().invoke(new Chunks(z, n, logp, grad, 0, chunks, chunks));
  }

  private void evaluateRange(double[] z, int n, double[] logp, double[] grad, int from, int to) {
    GraphEvaluator e = evaluators.get();
    for (int i = from; i < to; i++) {
      logp[i] = e.evaluate(z, i, n, grad, i);
    }
  }

  /** Splits the samples into a fixed number of contiguous chunks, halving the chunk range. */
  private final class Chunks extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    private final double[] z;
    private final int n;
    private final double[] logp;
    private final double[] grad;
    private final int lo;
    private final int hi;
    private final int chunks;

    Chunks(double[] z, int n, double[] logp, double[] grad, int lo, int hi, int chunks) {
      this.z = z;
      this.n = n;
      this.logp = logp;
      this.grad = grad;
      this.lo = lo;
      this.hi = hi;
      this.chunks = chunks;
    }

    @Override
    protected void compute() {
      if (hi - lo == 1) {
        evaluateRange(z, n, logp, grad, (int) ((long) n * lo / chunks), (int) ((long) n * hi / chunks));
        return;
      }
      int mid = (lo + hi) >>> 1;
      invokeAll(new Chunks(z, n, logp, grad, lo, mid, chunks), new Chunks(z, n, logp, grad, mid, hi, chunks));
    }
  }
}
