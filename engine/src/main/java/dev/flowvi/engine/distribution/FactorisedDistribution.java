package dev.flowvi.engine.distribution;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.random.RandomStream;

/**
 * A distribution whose coordinates are independent, so that its log density is a sum over
 * coordinates. Such distributions can be stacked per dimension ({@link StackedDistribution}): each
 * part works on its own contiguous slice of a feature-major batch, found by an offset into the
 * batch, without copying.
 *
 * <p>The public {@link Distribution} methods check their arguments and delegate to the
 * offset-taking passes below, which subclasses implement. Those passes are package-private, so
 * every factorised distribution lives in this package and a stack needs no scratch memory.
 */
public abstract class FactorisedDistribution implements Distribution {
  private final int dim;

  FactorisedDistribution(int dim) {
    this.dim = Checks.positive("dim", dim);
  }

  @Override
  public final int dim() {
    return dim;
  }

  @Override
  public final void sample(double[] params, int offset, RandomStream rng, double[] x, int n) {
    Checks.batchSize(n, null);
    Checks.params(params, offset, parameterCount());
    Checks.batch("x", x, dim, n);
    if (rng == null) {
      throw new IllegalArgumentException("rng must not be null");
    }
    sampleAt(params, offset, rng, x, 0, n);
  }

  @Override
  public final void logProb(double[] params, int offset, double[] x, double[] logp, int n) {
    Checks.batchSize(n, null);
    Checks.params(params, offset, parameterCount());
    Checks.batch("x", x, dim, n);
    Checks.perPoint("logp", logp, n);
    java.util.Arrays.fill(logp, 0, n, 0.0);
    addLogProb(params, offset, x, 0, logp, n);
  }

  @Override
  public final void logProbBackward(
      double[] params, int offset, double[] x, double[] gradLogp, double[] gradX, double[] gradParams, int n) {
    Checks.batchSize(n, null);
    Checks.params(params, offset, parameterCount());
    Checks.batch("x", x, dim, n);
    Checks.perPoint("gradLogp", gradLogp, n);
    if (gradX != null) {
      Checks.batch("gradX", gradX, dim, n);
    }
    Checks.params("gradParams", gradParams, offset, parameterCount());
    logProbBackwardAt(params, offset, x, 0, gradLogp, gradX, gradParams, n);
  }

  @Override
  public final void sampleBackward(double[] params, int offset, double[] x, double[] gradX, double[] gradParams, int n) {
    Checks.batchSize(n, null);
    Checks.params(params, offset, parameterCount());
    Checks.batch("x", x, dim, n);
    Checks.batch("gradX", gradX, dim, n);
    Checks.params("gradParams", gradParams, offset, parameterCount());
    sampleBackwardAt(params, offset, x, 0, gradX, gradParams, n);
  }

  /** Writes n draws of this distribution's dim coordinates to x, coordinate j of point i at xOff + j·n + i. */
  abstract void sampleAt(double[] params, int offset, RandomStream rng, double[] x, int xOff, int n);

  /** Adds this distribution's log density of each point to logp[0..n). */
  abstract void addLogProb(double[] params, int offset, double[] x, int xOff, double[] logp, int n);

  /** Writes d/dx of Σ gradLogp[i]·log p(x_i) at gradX[xOff..] (unless gradX is null) and adds d/dparams. */
  abstract void logProbBackwardAt(
      double[] params, int offset, double[] x, int xOff, double[] gradLogp, double[] gradX, double[] gradParams, int n);

  /** Adds the reparameterisation gradient dL/dparams of draws x, given dL/dx at gradX[xOff..]. */
  abstract void sampleBackwardAt(double[] params, int offset, double[] x, int xOff, double[] gradX, double[] gradParams, int n);
}
