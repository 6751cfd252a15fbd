package dev.flowvi.engine.train;

import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.target.LogDensity;

/**
 * Per-thread scratch shared by the sampling losses: draws z = g(ε) with log q(z), scores them
 * under the target, and drops the samples whose log p̃, gradient, z or log q is non-finite.
 *
 * <p>Dropped samples are removed by compacting their base draws and re-running the flow on the
 * kept ones, so no NaN of a dropped sample can reach the backward pass (0·NaN is NaN). After
 * {@link #draw} the first {@link #kept()} points of every buffer are valid, feature-major with
 * stride {@code kept()}; {@link #origin()} maps each kept point to its index in the draw.
 */
final class FlowSamples implements Workspace {
  final int capacity;
  final int dim;
  final TransformedDistribution.Scratch flow;
  final double[] z;
  final double[] logq;
  final double[] logp;
  final double[] gradLogp;
  final double[] gradZ;
  final double[] gradLogq;
  private final double[] epsKept;
  private final int[] origin;
  private final int[] originNext;
  private int kept;

  FlowSamples(TransformedDistribution q, int capacity) {
    this.capacity = capacity;
    this.dim = q.dim();
    this.flow = q.newWorkspace(capacity);
    int size = Math.multiplyExact(dim, capacity);
    z = new double[size];
    logq = new double[capacity];
    logp = new double[capacity];
    gradLogp = new double[size];
    gradZ = new double[size];
    gradLogq = new double[capacity];
    epsKept = new double[size];
    origin = new int[capacity];
    originNext = new int[capacity];
  }

  @Override
  public int capacity() {
    return capacity;
  }

  int kept() {
    return kept;
  }

  int[] origin() {
    return origin;
  }

  /** Draws m samples and keeps the finite ones; returns how many were dropped. */
  int draw(TransformedDistribution q, LogDensity target, double[] params, RandomStream rng, int m) {
    q.sampleAndLogProb(params, 0, rng, null, z, logq, m, flow);
    target.logDensityAndGradient(z, m, logp, gradLogp);
    for (int i = 0; i < m; i++) {
      origin[i] = i;
    }
    int n = m;
    while (true) {
      int good = countFinite(n);
      if (good == n) {
        kept = n;
        return m - n;
      }
      if (good == 0) {
        kept = 0;
        return m;
      }
      // Compact the base draws of the finite points and re-run flow and target on them.
      double[] eps = flow.eps();
      int k = 0;
      for (int i = 0; i < n; i++) {
        if (finite(i, n)) {
          for (int j = 0; j < dim; j++) {
            epsKept[j * good + k] = eps[j * n + i];
          }
          originNext[k] = origin[i];
          k++;
        }
      }
      System.arraycopy(originNext, 0, origin, 0, good);
      n = good;
      q.pushForward(params, 0, epsKept, null, z, logq, n, flow);
      target.logDensityAndGradient(z, n, logp, gradLogp);
    }
  }

  private int countFinite(int n) {
    int c = 0;
    for (int i = 0; i < n; i++) {
      if (finite(i, n)) {
        c++;
      }
    }
    return c;
  }

  private boolean finite(int i, int n) {
    if (!Double.isFinite(logp[i]) || !Double.isFinite(logq[i])) {
      return false;
    }
    for (int j = 0; j < dim; j++) {
      if (!Double.isFinite(z[j * n + i]) || !Double.isFinite(gradLogp[j * n + i])) {
        return false;
      }
    }
    return true;
  }
}
