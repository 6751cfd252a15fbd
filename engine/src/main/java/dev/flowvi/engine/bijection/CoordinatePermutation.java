package dev.flowvi.engine.bijection;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;

/**
 * A fixed reordering of coordinates, y_j = x_{perm[j]}: volume preserving (log-det 0) and free of
 * parameters. With feature-major batches each coordinate is one contiguous row, so a pass is a
 * row copy per coordinate.
 */
abstract class CoordinatePermutation implements Bijection {
  private final int[] perm;

  CoordinatePermutation(int[] perm) {
    this.perm = perm.clone();
  }

  /** The permutation, y_j = x_{perm[j]}. */
  public final int[] permutation() {
    return perm.clone();
  }

  @Override
  public final int dim() {
    return perm.length;
  }

  @Override
  public final int parameterCount() {
    return 0;
  }

  @Override
  public final void initialise(double[] params, int offset, RandomStream rng) {}

  @Override
  public final Workspace newWorkspace(int capacity) {
    return Workspace.none(Checks.positive("capacity", capacity));
  }

  @Override
  public final void forward(double[] params, int offset, double[] x, double[] cond, double[] y, double[] logDet, int n, Workspace ws) {
    PassChecks.pass(this, params, offset, "x", x, cond, "y", y, logDet, n, ws);
    gather(x, y, n);
  }

  @Override
  public final void inverse(double[] params, int offset, double[] y, double[] cond, double[] x, double[] logDet, int n, Workspace ws) {
    PassChecks.pass(this, params, offset, "y", y, cond, "x", x, logDet, n, ws);
    scatter(y, x, n);
  }

  @Override
  public final void forwardBackward(double[] params, int offset, double[] x, double[] cond, double[] y,
      double[] gradY, double[] gradLogDet, double[] gradX, double[] gradParams, int n, Workspace ws) {
    PassChecks.backward(this, params, offset, "x", x, cond, "y", y, gradY, gradLogDet, gradX, gradParams, n, ws);
    scatter(gradY, gradX, n);
  }

  @Override
  public final void inverseBackward(double[] params, int offset, double[] y, double[] cond, double[] x,
      double[] gradX, double[] gradLogDet, double[] gradY, double[] gradParams, int n, Workspace ws) {
    PassChecks.backward(this, params, offset, "y", y, cond, "x", x, gradX, gradLogDet, gradY, gradParams, n, ws);
    gather(gradX, gradY, n);
  }

  /** out_j = in_{perm[j]}. */
  private void gather(double[] in, double[] out, int n) {
    for (int j = 0; j < perm.length; j++) {
      System.arraycopy(in, perm[j] * n, out, j * n, n);
    }
  }

  /** out_{perm[j]} = in_j. */
  private void scatter(double[] in, double[] out, int n) {
    for (int j = 0; j < perm.length; j++) {
      System.arraycopy(in, j * n, out, perm[j] * n, n);
    }
  }
}
