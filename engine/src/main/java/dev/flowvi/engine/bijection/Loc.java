package dev.flowvi.engine.bijection;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;

/** y = x + t per coordinate: a shift, volume preserving. Parameters: t (dim values). */
public final class Loc implements Bijection {
  private final double[] initialLoc;

  private Loc(double[] loc) {
    this.initialLoc = loc.clone();
  }

  /** Starts at t = 0. */
  public static Loc of(int dim) {
    return new Loc(new double[Checks.positive("dim", dim)]);
  }

  /** Starts at the given shift; every entry must be finite. */
  public static Loc of(double[] loc) {
    if (loc == null || loc.length == 0) {
      throw new IllegalArgumentException("loc is " + (loc == null ? "null" : "empty") + ", expected at least 1 value");
    }
    for (int j = 0; j < loc.length; j++) {
      Checks.finite("loc[" + j + "]", loc[j]);
    }
    return new Loc(loc);
  }

  @Override
  public int dim() {
    return initialLoc.length;
  }

  @Override
  public int parameterCount() {
    return initialLoc.length;
  }

  @Override
  public void initialise(double[] params, int offset, RandomStream rng) {
    Checks.params(params, offset, parameterCount());
    System.arraycopy(initialLoc, 0, params, offset, initialLoc.length);
  }

  @Override
  public Workspace newWorkspace(int capacity) {
    return Workspace.none(Checks.positive("capacity", capacity));
  }

  @Override
  public void forward(double[] params, int offset, double[] x, double[] cond, double[] y, double[] logDet, int n, Workspace ws) {
    PassChecks.pass(this, params, offset, "x", x, cond, "y", y, logDet, n, ws);
    for (int j = 0; j < dim(); j++) {
      double t = params[offset + j];
      for (int i = j * n; i < (j + 1) * n; i++) {
        y[i] = x[i] + t;
      }
    }
  }

  @Override
  public void inverse(double[] params, int offset, double[] y, double[] cond, double[] x, double[] logDet, int n, Workspace ws) {
    PassChecks.pass(this, params, offset, "y", y, cond, "x", x, logDet, n, ws);
    for (int j = 0; j < dim(); j++) {
      double t = params[offset + j];
      for (int i = j * n; i < (j + 1) * n; i++) {
        x[i] = y[i] - t;
      }
    }
  }

  @Override
  public void forwardBackward(double[] params, int offset, double[] x, double[] cond, double[] y,
      double[] gradY, double[] gradLogDet, double[] gradX, double[] gradParams, int n, Workspace ws) {
    PassChecks.backward(this, params, offset, "x", x, cond, "y", y, gradY, gradLogDet, gradX, gradParams, n, ws);
    pass(gradY, gradX, gradParams, offset, n, 1.0);
  }

  @Override
  public void inverseBackward(double[] params, int offset, double[] y, double[] cond, double[] x,
      double[] gradX, double[] gradLogDet, double[] gradY, double[] gradParams, int n, Workspace ws) {
    PassChecks.backward(this, params, offset, "y", y, cond, "x", x, gradX, gradLogDet, gradY, gradParams, n, ws);
    pass(gradX, gradY, gradParams, offset, n, -1.0);
  }

  /** dL/d(input) = dL/d(output); dL/dt = sign·Σ dL/d(output). */
  private void pass(double[] gradOut, double[] gradIn, double[] gradParams, int offset, int n, double sign) {
    for (int j = 0; j < dim(); j++) {
      double s = 0.0;
      for (int i = j * n; i < (j + 1) * n; i++) {
        gradIn[i] = gradOut[i];
        s += gradOut[i];
      }
      gradParams[offset + j] += sign * s;
    }
  }
}
