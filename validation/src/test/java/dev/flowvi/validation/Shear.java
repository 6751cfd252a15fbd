package dev.flowvi.validation;

import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;

/**
 * Test bijection on ℝ² with a full, non-symmetric Jacobian: y0 = a·x0 + x1 with a = e^{p0},
 * y1 = x1 + w·tanh(y0) with w = p1. log|det| = log a. Its inverse is explicit: x1 = y1 − w·tanh(y0),
 * x0 = (y0 − x1)/a.
 */
final class Shear implements Bijection {
  @Override
  public int dim() {
    return 2;
  }

  @Override
  public int parameterCount() {
    return 2;
  }

  @Override
  public void initialise(double[] params, int offset, RandomStream rng) {
    params[offset] = 0;
    params[offset + 1] = 0;
  }

  @Override
  public Workspace newWorkspace(int capacity) {
    return Workspace.none(capacity);
  }

  @Override
  public void forward(double[] params, int offset, double[] x, double[] cond, double[] y, double[] logDet, int n, Workspace ws) {
    double a = Math.exp(params[offset]);
    double w = params[offset + 1];
    for (int i = 0; i < n; i++) {
      double y0 = a * x[i] + x[n + i];
      y[i] = y0;
      y[n + i] = x[n + i] + w * Math.tanh(y0);
      logDet[i] += params[offset];
    }
  }

  @Override
  public void inverse(double[] params, int offset, double[] y, double[] cond, double[] x, double[] logDet, int n, Workspace ws) {
    double a = Math.exp(params[offset]);
    double w = params[offset + 1];
    for (int i = 0; i < n; i++) {
      double x1 = y[n + i] - w * Math.tanh(y[i]);
      x[n + i] = x1;
      x[i] = (y[i] - x1) / a;
      logDet[i] -= params[offset];
    }
  }

  @Override
  public void forwardBackward(double[] params, int offset, double[] x, double[] cond, double[] y,
      double[] gradY, double[] gradLogDet, double[] gradX, double[] gradParams, int n, Workspace ws) {
    double a = Math.exp(params[offset]);
    double w = params[offset + 1];
    for (int i = 0; i < n; i++) {
      double t = Math.tanh(y[i]);
      double gY0 = gradY[i] + gradY[n + i] * w * (1 - t * t); // total dL/dy0
      gradX[i] = gY0 * a;
      gradX[n + i] = gY0 + gradY[n + i];
      gradParams[offset] += gY0 * a * x[i] + gradLogDet[i];
      gradParams[offset + 1] += gradY[n + i] * t;
    }
  }

  @Override
  public void inverseBackward(double[] params, int offset, double[] y, double[] cond, double[] x,
      double[] gradX, double[] gradLogDet, double[] gradY, double[] gradParams, int n, Workspace ws) {
    double a = Math.exp(params[offset]);
    double w = params[offset + 1];
    for (int i = 0; i < n; i++) {
      double t = Math.tanh(y[i]);
      double gX0 = gradX[i];
      double gX1 = gradX[n + i] - gX0 / a; // total dL/dx1, since x0 = (y0 − x1)/a
      gradY[i] = gX0 / a - gX1 * w * (1 - t * t);
      gradY[n + i] = gX1;
      gradParams[offset] += -gX0 * x[i] - gradLogDet[i];
      gradParams[offset + 1] += -gX1 * t;
    }
  }
}
