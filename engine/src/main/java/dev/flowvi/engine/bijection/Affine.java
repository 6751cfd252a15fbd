package dev.flowvi.engine.bijection;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.kernel.AffineKernel;
import dev.flowvi.engine.random.RandomStream;

/**
 * y = s ⊙ x + t per coordinate, with s = softplus(r) so the scale stays positive for any raw r;
 * log|det| = Σ_j log s_j. Parameters: loc t (dim values), then raw scale r (dim values).
 */
public final class Affine implements Bijection {
  private final int dim;
  private final double[] initialLoc;
  private final double[] initialScale;
  private final AffineKernel kernel;

  private Affine(double[] loc, double[] scale, AffineKernel kernel) {
    this.dim = loc.length;
    this.initialLoc = loc.clone();
    this.initialScale = scale.clone();
    this.kernel = kernel;
  }

  /** The identity at start: loc 0, scale 1. */
  public static Affine of(int dim) {
    Checks.positive("dim", dim);
    double[] scale = new double[dim];
    java.util.Arrays.fill(scale, 1.0);
    return new Affine(new double[dim], scale, AffineKernel.PREFERRED);
  }

  /** Starts at the given loc and scale per coordinate; every scale must be finite and &gt; 0. */
  public static Affine of(double[] loc, double[] scale) {
    if (loc == null || scale == null || loc.length == 0 || loc.length != scale.length) {
      throw new IllegalArgumentException("loc and scale have lengths " + (loc == null ? "null" : loc.length) + " and "
          + (scale == null ? "null" : scale.length) + ", expected equal lengths of at least 1");
    }
    for (int j = 0; j < loc.length; j++) {
      Checks.finite("loc[" + j + "]", loc[j]);
      Checks.positive("scale[" + j + "]", scale[j]);
    }
    return new Affine(loc, scale, AffineKernel.PREFERRED);
  }

  /** The same map computed with another kernel, e.g. {@link AffineKernel#SCALAR} for reference runs. */
  public Affine withKernel(AffineKernel kernel) {
    if (kernel == null) {
      throw new IllegalArgumentException("kernel is null, expected an AffineKernel");
    }
    return new Affine(initialLoc, initialScale, kernel);
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public int parameterCount() {
    return 2 * dim;
  }

  @Override
  public void describeParameters(ParameterLayout.Builder layout, String prefix) {
    layout.add(prefix + name() + ".loc", dim);
    layout.add(prefix + name() + ".scale", dim);
  }

  @Override
  public void initialise(double[] params, int offset, RandomStream rng) {
    Checks.params(params, offset, parameterCount());
    for (int j = 0; j < dim; j++) {
      params[offset + j] = initialLoc[j];
      params[offset + dim + j] = Logistic.softplusInverse(initialScale[j]);
    }
  }

  @Override
  public Workspace newWorkspace(int capacity) {
    return new Sums(Checks.positive("capacity", capacity));
  }

  @Override
  public void forward(double[] params, int offset, double[] x, double[] cond, double[] y, double[] logDet, int n, Workspace ws) {
    PassChecks.pass(this, params, offset, "x", x, cond, "y", y, logDet, n, ws);
    double ld = 0.0;
    for (int j = 0; j < dim; j++) {
      double r = params[offset + dim + j];
      kernel.scaleShift(x, j * n, Logistic.softplus(r), params[offset + j], y, j * n, n);
      ld += Logistic.logSoftplus(r);
    }
    PerPoint.addToAll(logDet, n, ld);
  }

  @Override
  public void inverse(double[] params, int offset, double[] y, double[] cond, double[] x, double[] logDet, int n, Workspace ws) {
    PassChecks.pass(this, params, offset, "y", y, cond, "x", x, logDet, n, ws);
    double ld = 0.0;
    for (int j = 0; j < dim; j++) {
      double r = params[offset + dim + j];
      kernel.unshiftUnscale(y, j * n, params[offset + j], Logistic.softplus(r), x, j * n, n);
      ld -= Logistic.logSoftplus(r);
    }
    PerPoint.addToAll(logDet, n, ld);
  }

  @Override
  public void forwardBackward(double[] params, int offset, double[] x, double[] cond, double[] y,
      double[] gradY, double[] gradLogDet, double[] gradX, double[] gradParams, int n, Workspace ws) {
    PassChecks.backward(this, params, offset, "x", x, cond, "y", y, gradY, gradLogDet, gradX, gradParams, n, ws);
    double[] sums = PassChecks.workspace(Sums.class, ws, name()).sums;
    double gld = PerPoint.sum(gradLogDet, n);
    for (int j = 0; j < dim; j++) {
      double r = params[offset + dim + j];
      sums[0] = 0.0;
      sums[1] = 0.0;
      kernel.scaleAndReduce(gradY, j * n, x, j * n, Logistic.softplus(r), gradX, j * n, n, sums);
      gradParams[offset + j] += sums[0];
      // ∂y/∂r = σ(r)·x and ∂log s/∂r = σ(r)/softplus(r).
      gradParams[offset + dim + j] += Logistic.sigmoid(r) * sums[1] + gld * Logistic.logSoftplusSlope(r);
    }
  }

  @Override
  public void inverseBackward(double[] params, int offset, double[] y, double[] cond, double[] x,
      double[] gradX, double[] gradLogDet, double[] gradY, double[] gradParams, int n, Workspace ws) {
    PassChecks.backward(this, params, offset, "y", y, cond, "x", x, gradX, gradLogDet, gradY, gradParams, n, ws);
    double[] sums = PassChecks.workspace(Sums.class, ws, name()).sums;
    double gld = PerPoint.sum(gradLogDet, n);
    for (int j = 0; j < dim; j++) {
      double r = params[offset + dim + j];
      double s = Logistic.softplus(r);
      sums[0] = 0.0;
      sums[1] = 0.0;
      kernel.scaleAndReduce(gradX, j * n, x, j * n, 1.0 / s, gradY, j * n, n, sums);
      // x = (y − t)/s: ∂x/∂t = −1/s and ∂x/∂s = −x/s.
      gradParams[offset + j] -= sums[0] / s;
      gradParams[offset + dim + j] -= Logistic.sigmoid(r) * sums[1] / s + gld * Logistic.logSoftplusSlope(r);
    }
  }

  /** Two running sums for the backward reductions. */
  private static final class Sums implements Workspace {
    private final int capacity;
    private final double[] sums = new double[2];

    Sums(int capacity) {
      this.capacity = capacity;
    }

    @Override
    public int capacity() {
      return capacity;
    }
  }
}
