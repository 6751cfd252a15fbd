package dev.flowvi.engine.model;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.PerSample;
import dev.flowvi.engine.kernel.VectorSupport;
import dev.flowvi.engine.target.LogDensity;

/**
 * A model bound to its data: the log posterior density on the unconstrained space ℝ^dim (log
 * prior + log likelihood + log|J| of the constraint transforms) and its gradient by reverse mode.
 *
 * <p>Thread-safe: each thread evaluates with its own {@link GraphEvaluator}. A large batch from one
 * thread runs its samples in parallel on {@link PerSample}'s pool, whose workers keep their
 * evaluators between batches; each sample is computed independently, so results do not depend on
 * the thread count.
 */
public final class ModelLogDensity implements LogDensity {
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
    if (parallel) {
      PerSample.each(n, i -> logp[i] = evaluators.get().evaluate(z, i, n, grad, i));
      return;
    }
    GraphEvaluator e = evaluators.get();
    for (int i = 0; i < n; i++) {
      logp[i] = e.evaluate(z, i, n, grad, i);
    }
  }
}
