package dev.flowvi.engine.bijection;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;

/**
 * y = s ⊙ x per coordinate with s = softplus(r) &gt; 0; log|det| = Σ_j log s_j. Parameters: raw
 * scale r (dim values).
 */
public final class Scale implements Bijection {
  private final double[] initialScale;

  private Scale(double[] scale) {
    this.initialScale = scale.clone();
  }

  /** Starts at s = 1. */
  public static Scale of(int dim) {
    double[] s = new double[Checks.positive("dim", dim)];
    java.util.Arrays.fill(s, 1.0);
    return new Scale(s);
  }

  /** Starts at the given scales; every one must be finite and &gt; 0. */
  public static Scale of(double[] scale) {
    if (scale == null || scale.length == 0) {
      throw new IllegalArgumentException("scale is " + (scale == null ? "null" : "empty") + ", expected at least 1 value");
    }
    for (int j = 0; j < scale.length; j++) {
      Checks.positive("scale[" + j + "]", scale[j]);
    }
    return new Scale(scale);
  }

  @Override
  public int dim() {
    return initialScale.length;
  }

  @Override
  public int parameterCount() {
    return initialScale.length;
  }

  @Override
  public void initialise(double[] params, int offset, RandomStream rng) {
    Checks.params(params, offset, parameterCount());
    for (int j = 0; j < dim(); j++) {
      params[offset + j] = Logistic.softplusInverse(initialScale[j]);
    }
  }

  @Override
  public Workspace newWorkspace(int capacity) {
    return Workspace.none(Checks.positive("capacity", capacity));
  }

  @Override
  public void forward(double[] params, int offset, double[] x, double[] cond, double[] y, double[] logDet, int n, Workspace ws) {
    PassChecks.pass(this, params, offset, "x", x, cond, "y", y, logDet, n, ws);
    double ld = 0.0;
    for (int j = 0; j < dim(); j++) {
      double r = params[offset + j];
      double s = Logistic.softplus(r);
      for (int i = j * n; i < (j + 1) * n; i++) {
        y[i] = s * x[i];
      }
      ld += Logistic.logSoftplus(r);
    }
    PerPoint.addToAll(logDet, n, ld);
  }

  @Override
  public void inverse(double[] params, int offset, double[] y, double[] cond, double[] x, double[] logDet, int n, Workspace ws) {
    PassChecks.pass(this, params, offset, "y", y, cond, "x", x, logDet, n, ws);
    double ld = 0.0;
    for (int j = 0; j < dim(); j++) {
      double r = params[offset + j];
      double s = Logistic.softplus(r);
      for (int i = j * n; i < (j + 1) * n; i++) {
        x[i] = y[i] / s;
      }
      ld -= Logistic.logSoftplus(r);
    }
    PerPoint.addToAll(logDet, n, ld);
  }

  @Override
  public void forwardBackward(double[] params, int offset, double[] x, double[] cond, double[] y,
      double[] gradY, double[] gradLogDet, double[] gradX, double[] gradParams, int n, Workspace ws) {
    PassChecks.backward(this, params, offset, "x", x, cond, "y", y, gradY, gradLogDet, gradX, gradParams, n, ws);
    double gld = PerPoint.sum(gradLogDet, n);
    for (int j = 0; j < dim(); j++) {
      double r = params[offset + j];
      double s = Logistic.softplus(r);
      double dot = 0.0;
      for (int i = j * n; i < (j + 1) * n; i++) {
        gradX[i] = gradY[i] * s;
        dot += gradY[i] * x[i];
      }
      gradParams[offset + j] += Logistic.sigmoid(r) * dot + gld * Logistic.logSoftplusSlope(r);
    }
  }

  @Override
  public void inverseBackward(double[] params, int offset, double[] y, double[] cond, double[] x,
      double[] gradX, double[] gradLogDet, double[] gradY, double[] gradParams, int n, Workspace ws) {
    PassChecks.backward(this, params, offset, "y", y, cond, "x", x, gradX, gradLogDet, gradY, gradParams, n, ws);
    double gld = PerPoint.sum(gradLogDet, n);
    for (int j = 0; j < dim(); j++) {
      double r = params[offset + j];
      double s = Logistic.softplus(r);
      double dot = 0.0;
      for (int i = j * n; i < (j + 1) * n; i++) {
        gradY[i] = gradX[i] / s;
        dot += gradX[i] * x[i];
      }
      // x = y/s: ∂x/∂s = −x/s.
      gradParams[offset + j] -= Logistic.sigmoid(r) * dot / s + gld * Logistic.logSoftplusSlope(r);
    }
  }
}
