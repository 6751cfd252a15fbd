package dev.flowvi.engine.bijection;

import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;

/**
 * Test-only conditional bijection y = x + w ⊙ c (one weight per coordinate, cond of the same dim),
 * to check that composites hand {@code cond} to their conditional parts.
 */
final class ConditionalShift implements Bijection {
  private final int dim;

  ConditionalShift(int dim) {
    this.dim = dim;
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public int conditionDim() {
    return dim;
  }

  @Override
  public int parameterCount() {
    return dim;
  }

  @Override
  public void initialise(double[] params, int offset, RandomStream rng) {
    java.util.Arrays.fill(params, offset, offset + dim, 1.0);
  }

  @Override
  public Workspace newWorkspace(int capacity) {
    return Workspace.none(capacity);
  }

  @Override
  public void forward(double[] params, int offset, double[] x, double[] cond, double[] y, double[] logDet, int n, Workspace ws) {
    PassChecks.pass(this, params, offset, "x", x, cond, "y", y, logDet, n, ws);
    for (int j = 0; j < dim; j++) {
      for (int i = j * n; i < (j + 1) * n; i++) {
        y[i] = x[i] + params[offset + j] * cond[i];
      }
    }
  }

  @Override
  public void inverse(double[] params, int offset, double[] y, double[] cond, double[] x, double[] logDet, int n, Workspace ws) {
    PassChecks.pass(this, params, offset, "y", y, cond, "x", x, logDet, n, ws);
    for (int j = 0; j < dim; j++) {
      for (int i = j * n; i < (j + 1) * n; i++) {
        x[i] = y[i] - params[offset + j] * cond[i];
      }
    }
  }

  @Override
  public void forwardBackward(double[] params, int offset, double[] x, double[] cond, double[] y,
      double[] gradY, double[] gradLogDet, double[] gradX, double[] gradParams, int n, Workspace ws) {
    backward(offset, cond, gradY, gradX, gradParams, n, 1.0);
  }

  @Override
  public void inverseBackward(double[] params, int offset, double[] y, double[] cond, double[] x,
      double[] gradX, double[] gradLogDet, double[] gradY, double[] gradParams, int n, Workspace ws) {
    backward(offset, cond, gradX, gradY, gradParams, n, -1.0);
  }

  private void backward(int offset, double[] cond, double[] gOut, double[] gIn, double[] gP, int n, double sign) {
    for (int j = 0; j < dim; j++) {
      for (int i = j * n; i < (j + 1) * n; i++) {
        gIn[i] = gOut[i];
        gP[offset + j] += sign * gOut[i] * cond[i];
      }
    }
  }
}
