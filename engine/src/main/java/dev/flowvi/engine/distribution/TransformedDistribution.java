package dev.flowvi.engine.distribution;

import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;
import java.util.Arrays;

/**
 * The push-forward of a base distribution through a bijection g (base → target): a normalising
 * flow. For z = g(ε), ε ~ p_base, the density is log q(z) = log p_base(ε) − log|det ∂g/∂ε|.
 *
 * <p><b>Parameters.</b> One flat block {@code [base | bijection]} starting at {@code offset}: the
 * base owns the first {@code base.parameterCount()} values.
 *
 * <p><b>Passes.</b> Sampling runs g forward ({@link #sampleAndLogProb}); density evaluation runs
 * g⁻¹ ({@link #logProb}). Each has a backward pass that adds dL/dparams for dL/dz and dL/dlog q,
 * so the ELBO, sticking-the-landing and maximum likelihood all reuse these four methods. The
 * workspace-taking methods allocate nothing; the {@link Distribution} methods allocate a workspace
 * per call and are meant for convenience, not training loops.
 *
 * <p>A conditional bijection ({@code conditionDim() > 0}) receives {@code cond} on every pass;
 * the {@link Distribution} methods, which have no conditioning argument, require an
 * unconditional bijection.
 */
public final class TransformedDistribution implements Distribution {
  private final Distribution base;
  private final Bijection bijection;

  private TransformedDistribution(Distribution base, Bijection bijection) {
    this.base = base;
    this.bijection = bijection;
  }

  /** The flow z = bijection(ε), ε ~ base. Their dimensions must agree. */
  public static TransformedDistribution of(Distribution base, Bijection bijection) {
    if (base == null || bijection == null) {
      throw new IllegalArgumentException("base and bijection must not be null (got base=" + base + ", bijection=" + bijection + ")");
    }
    Checks.sameDim("the base distribution (dim " + base.dim() + ")", base.dim(), "bijection " + bijection.name(), bijection.dim());
    return new TransformedDistribution(base, bijection);
  }

  public Distribution base() {
    return base;
  }

  public Bijection bijection() {
    return bijection;
  }

  @Override
  public int dim() {
    return base.dim();
  }

  /** Conditioning coordinates the bijection takes (0 when unconditional). */
  public int conditionDim() {
    return bijection.conditionDim();
  }

  @Override
  public int parameterCount() {
    return base.parameterCount() + bijection.parameterCount();
  }

  @Override
  public String name() {
    return "TransformedDistribution";
  }

  @Override
  public void describeParameters(ParameterLayout.Builder layout, String prefix) {
    base.describeParameters(layout, prefix + "base.");
    bijection.describeParameters(layout, prefix + "bijection.");
  }

  /** The flat layout of this flow's parameters: base blocks then bijection blocks. */
  public ParameterLayout layout() {
    ParameterLayout.Builder b = ParameterLayout.builder();
    describeParameters(b, "");
    return b.build();
  }

  @Override
  public void initialise(double[] params, int offset, RandomStream rng) {
    Checks.params(params, offset, parameterCount());
    base.initialise(params, offset, rng);
    bijection.initialise(params, offset + base.parameterCount(), rng);
  }

  /** A fresh parameter vector initialised from {@code seed}. */
  public double[] initialParameters(long seed) {
    double[] params = new double[parameterCount()];
    initialise(params, 0, RandomStream.of(seed));
    return params;
  }

  /** Scratch for batches of up to {@code capacity} points; one per thread. */
  public Scratch newWorkspace(int capacity) {
    Checks.positive("capacity", capacity);
    return new Scratch(capacity, dim(), bijection.newWorkspace(capacity));
  }

  // ---------------------------------------------------------------- sampling direction (g forward)

  /** Draws n points z = g(ε) into {@code z} and writes log q(z) into {@code logq}. */
  public void sampleAndLogProb(double[] params, int offset, RandomStream rng, double[] cond, double[] z, double[] logq, int n, Scratch ws) {
    checkPass(params, offset, cond, n, ws);
    base.sample(params, offset, rng, ws.eps, n);
    pushForwardChecked(params, offset, cond, z, logq, n, ws);
  }

  /**
   * Like {@link #sampleAndLogProb} with given base draws ε ({@code eps}, dim·n) instead of fresh
   * ones: used to re-run a batch after dropping points, and by tests.
   */
  public void pushForward(double[] params, int offset, double[] eps, double[] cond, double[] z, double[] logq, int n, Scratch ws) {
    checkPass(params, offset, cond, n, ws);
    Checks.batch("eps", eps, dim(), n);
    if (eps != ws.eps) {
      System.arraycopy(eps, 0, ws.eps, 0, dim() * n);
    }
    pushForwardChecked(params, offset, cond, z, logq, n, ws);
  }

  private void pushForwardChecked(double[] params, int offset, double[] cond, double[] z, double[] logq, int n, Scratch ws) {
    Checks.batch("z", z, dim(), n);
    Checks.perPoint("logq", logq, n);
    base.logProb(params, offset, ws.eps, logq, n);
    Arrays.fill(ws.logDet, 0, n, 0.0);
    bijection.forward(params, offset + base.parameterCount(), ws.eps, cond, z, ws.logDet, n, ws.bijection);
    for (int i = 0; i < n; i++) {
      logq[i] -= ws.logDet[i];
    }
  }

  /**
   * Backward pass of the last {@link #sampleAndLogProb}/{@link #pushForward} on {@code ws}: for
   * dL/dz ({@code gradZ}, null means zero) and dL/dlog q ({@code gradLogq}, null means zero), adds
   * dL/dparams into {@code gradParams} at {@code offset}. Gradients reach the base parameters both
   * through log p_base(ε) and through the reparameterised draw ε.
   */
  public void sampleAndLogProbBackward(
      double[] params, int offset, double[] cond, double[] z, double[] gradZ, double[] gradLogq, double[] gradParams, int n, Scratch ws) {
    checkPass(params, offset, cond, n, ws);
    int d = dim();
    double[] gz = gradZ;
    if (gz == null) {
      gz = ws.gradBuffer;
      Arrays.fill(gz, 0, d * n, 0.0);
    }
    // log q = log p_base(ε) − logdet, so dL/dlogdet = −dL/dlog q.
    for (int i = 0; i < n; i++) {
      double g = gradLogq == null ? 0.0 : gradLogq[i];
      ws.gradLogDet[i] = -g;
      ws.gradLogBase[i] = g;
    }
    bijection.forwardBackward(params, offset + base.parameterCount(), ws.eps, cond, z, gz, ws.gradLogDet, ws.gradEps, gradParams, n, ws.bijection);
    base.logProbBackward(params, offset, ws.eps, ws.gradLogBase, ws.gradEpsBase, gradParams, n);
    for (int k = 0; k < d * n; k++) {
      ws.gradEps[k] += ws.gradEpsBase[k];
    }
    base.sampleBackward(params, offset, ws.eps, ws.gradEps, gradParams, n);
  }

  // ---------------------------------------------------------------- density direction (g inverse)

  /** Writes log q(x) for n points: ε = g⁻¹(x), log q = log p_base(ε) + log|det ∂g⁻¹/∂x|. */
  public void logProb(double[] params, int offset, double[] x, double[] cond, double[] logq, int n, Scratch ws) {
    checkPass(params, offset, cond, n, ws);
    Checks.batch("x", x, dim(), n);
    Checks.perPoint("logq", logq, n);
    Arrays.fill(ws.logDet, 0, n, 0.0);
    bijection.inverse(params, offset + base.parameterCount(), x, cond, ws.eps, ws.logDet, n, ws.bijection);
    base.logProb(params, offset, ws.eps, logq, n);
    for (int i = 0; i < n; i++) {
      logq[i] += ws.logDet[i];
    }
  }

  /**
   * Backward pass of the last {@link #logProb} on {@code ws}: for dL/dlog q, writes dL/dx into
   * {@code gradX} (null to skip) and adds dL/dparams into {@code gradParams}.
   */
  public void logProbBackward(
      double[] params, int offset, double[] x, double[] cond, double[] gradLogq, double[] gradX, double[] gradParams, int n, Scratch ws) {
    checkPass(params, offset, cond, n, ws);
    Checks.perPoint("gradLogq", gradLogq, n);
    base.logProbBackward(params, offset, ws.eps, gradLogq, ws.gradEps, gradParams, n);
    double[] gx = gradX == null ? ws.gradBuffer : gradX;
    Checks.batch("gradX", gx, dim(), n);
    bijection.inverseBackward(params, offset + base.parameterCount(), x, cond, ws.eps, ws.gradEps, gradLogq, gx, gradParams, n, ws.bijection);
  }

  // ---------------------------------------------------------------- Distribution (convenience)

  @Override
  public void sample(double[] params, int offset, RandomStream rng, double[] x, int n) {
    requireUnconditional();
    Scratch ws = newWorkspace(n);
    sampleAndLogProb(params, offset, rng, null, x, new double[n], n, ws);
  }

  @Override
  public void logProb(double[] params, int offset, double[] x, double[] logp, int n) {
    requireUnconditional();
    logProb(params, offset, x, null, logp, n, newWorkspace(n));
  }

  @Override
  public void logProbBackward(double[] params, int offset, double[] x, double[] gradLogp, double[] gradX, double[] gradParams, int n) {
    requireUnconditional();
    Scratch ws = newWorkspace(n);
    logProb(params, offset, x, null, new double[n], n, ws);
    logProbBackward(params, offset, x, null, gradLogp, gradX, gradParams, n, ws);
  }

  /** Recovers ε = g⁻¹(x), re-runs the forward pass from it and back-propagates dL/dx. */
  @Override
  public void sampleBackward(double[] params, int offset, double[] x, double[] gradX, double[] gradParams, int n) {
    requireUnconditional();
    Scratch ws = newWorkspace(n);
    logProb(params, offset, x, null, new double[n], n, ws);
    double[] eps = Arrays.copyOf(ws.eps, dim() * n);
    double[] z = new double[dim() * n];
    pushForward(params, offset, eps, null, z, new double[n], n, ws);
    sampleAndLogProbBackward(params, offset, null, z, gradX, null, gradParams, n, ws);
  }

  private void requireUnconditional() {
    if (bijection.conditionDim() != 0) {
      throw new IllegalArgumentException(
          "bijection " + bijection.name() + " has conditionDim " + bijection.conditionDim()
              + ", expected 0 for the Distribution methods; use the methods that take cond");
    }
  }

  private void checkPass(double[] params, int offset, double[] cond, int n, Scratch ws) {
    if (ws == null) {
      throw new IllegalArgumentException("ws must not be null (expected a workspace from newWorkspace)");
    }
    Checks.batchSize(n, ws);
    Checks.params(params, offset, parameterCount());
    int c = bijection.conditionDim();
    if (c > 0) {
      Checks.batch("cond", cond, c, n);
    } else if (cond != null) {
      throw new IllegalArgumentException("cond has length " + cond.length + ", expected null: the flow is unconditional");
    }
  }

  /** Per-thread scratch of a {@link TransformedDistribution}: base draws and pass buffers. */
  public static final class Scratch implements Workspace {
    private final int capacity;
    final Workspace bijection;
    final double[] eps;
    final double[] logDet;
    final double[] gradLogDet;
    final double[] gradLogBase;
    final double[] gradEps;
    final double[] gradEpsBase;
    final double[] gradBuffer;

    Scratch(int capacity, int dim, Workspace bijection) {
      this.capacity = capacity;
      this.bijection = bijection;
      int size = Math.multiplyExact(dim, capacity);
      eps = new double[size];
      logDet = new double[capacity];
      gradLogDet = new double[capacity];
      gradLogBase = new double[capacity];
      gradEps = new double[size];
      gradEpsBase = new double[size];
      gradBuffer = new double[size];
    }

    @Override
    public int capacity() {
      return capacity;
    }

    /** The base draws ε of the last pass (feature-major, read-only for callers). */
    public double[] eps() {
      return eps;
    }
  }
}
