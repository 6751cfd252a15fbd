package dev.flowvi.codegen.model;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.model.Model;
import dev.flowvi.engine.model.SpecialFunctions;
import dev.flowvi.engine.target.LogDensity;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The base of every class {@link ModelCompiler} generates: argument checks, the split of a batch
 * into fixed chunks of samples over the common fork-join pool, and per-thread scratch memory. The
 * generated subclass supplies {@link #sample}, the straight-line log density and gradient of one
 * sample. Each sample is computed on its own, so the results do not depend on the thread count.
 *
 * <p>The static helpers are the scalar forms the generated code calls; they are written exactly as
 * the interpreter's, so the scalar generated path rounds like the interpreted one.
 */
public abstract class CompiledModelDensity implements LogDensity {
  /** Sample-rows per chunk: below about this much work a fork-join task does not pay off. */
  private static final long CHUNK_WORK = 20_000;

  private final Model model;
  private final int rows;
  private final int scratchSize;
  private final ThreadLocal<double[]> scratch;

  protected CompiledModelDensity(Model model, int rows, int scratchSize) {
    this.model = model;
    this.rows = rows;
    this.scratchSize = scratchSize;
    this.scratch = ThreadLocal.withInitial(() -> new double[this.scratchSize]);
  }

  /**
   * log p̃ of sample {@code s} of the feature-major batch {@code z} of {@code n} points; when
   * {@code grad} is not null, writes its gradient into {@code grad[j·n + s]}. {@code w} is this
   * thread's scratch (node values, adjoints, constrained values and their gradient).
   */
  protected abstract double sample(double[] z, int n, int s, double[] grad, double[] w);

  public Model model() {
    return model;
  }

  /** Number of data rows the generated loops run over. */
  public int rows() {
    return rows;
  }

  @Override
  public int dim() {
    return model.dim();
  }

  @Override
  public String[] coordinateNames() {
    return model.coordinateNames();
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

  private void run(double[] z, int n, double[] logp, double[] grad) {
    Checks.positive("n", n);
    Checks.batch("z", z, dim(), n);
    Checks.perPoint("logp", logp, n);
    int chunk = (int) Math.max(1, Math.min(n, (CHUNK_WORK + rows - 1) / Math.max(1, rows)));
    int chunks = (n + chunk - 1) / chunk;
    if (chunks < 2 || ForkJoinPool.getCommonPoolParallelism() < 2) {
      range(z, n, logp, grad, 0, n);
      return;
    }
    ForkJoinPool.commonPool().invoke(new Chunks(z, n, logp, grad, chunk, 0, chunks));
  }

  private void range(double[] z, int n, double[] logp, double[] grad, int from, int to) {
    double[] w = scratch.get();
    for (int s = from; s < to; s++) {
      logp[s] = sample(z, n, s, grad, w);
    }
  }

  /** Fixed chunks of {@code chunk} samples; the chunk range is halved until one chunk is left. */
  private final class Chunks extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    private final double[] z;
    private final int n;
    private final double[] logp;
    private final double[] grad;
    private final int chunk;
    private final int lo;
    private final int hi;

    Chunks(double[] z, int n, double[] logp, double[] grad, int chunk, int lo, int hi) {
      this.z = z;
      this.n = n;
      this.logp = logp;
      this.grad = grad;
      this.chunk = chunk;
      this.lo = lo;
      this.hi = hi;
    }

    @Override
    protected void compute() {
      if (hi - lo == 1) {
        range(z, n, logp, grad, lo * chunk, Math.min(n, (lo + 1) * chunk));
        return;
      }
      int mid = (lo + hi) >>> 1;
      invokeAll(new Chunks(z, n, logp, grad, chunk, lo, mid), new Chunks(z, n, logp, grad, chunk, mid, hi));
    }
  }

  /** Sets w[from, to) to zero (the adjoints, at the start of a gradient). */
  protected static void zero(double[] w, int from, int to) {
    Arrays.fill(w, from, to, 0.0);
  }

  /** 1/(1 + e^−a), without overflow on either side. */
  public static double logistic(double a) {
    return a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a));
  }

  /** softplus log(1 + e^a) = max(a, 0) + log1p(e^−|a|). */
  public static double log1pExp(double a) {
    return Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a)));
  }

  /** ∂(a^b)/∂a = b·a^(b−1), finite at a = 0 when b ≥ 1. */
  public static double powBase(double a, double b) {
    return b == 0 ? 0 : b * Math.pow(a, b - 1);
  }

  /** ∂(a^b)/∂b = a^b·log a, taken as 0 where a^b = 0. */
  public static double powExponent(double a, double out) {
    return out == 0 ? 0 : out * Math.log(a);
  }

  public static double logGamma(double a) {
    return SpecialFunctions.logGamma(a);
  }

  public static double digamma(double a) {
    return SpecialFunctions.digamma(a);
  }
}
