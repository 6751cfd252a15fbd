package dev.flowvi.engine.bijection;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;

/**
 * A parameter-free bijection that applies a strictly increasing scalar map f to each coordinate
 * (f may depend on the coordinate index j). Subclasses give f and its inverse g = f⁻¹ with their
 * log-derivatives and the slopes of those; this class runs the batches and the backward passes:
 *
 * <ul>
 *   <li>forward: y = f(x), logDet += Σ_j log f'(x_j), dL/dx = dL/dy·f'(x) + dL/dlogDet·(log f')'(x);
 *   <li>inverse: x = g(y), logDet += Σ_j log g'(y_j), dL/dy = dL/dx·g'(y) + dL/dlogDet·(log g')'(y).
 * </ul>
 *
 * Writing both directions in their own variable, rather than g' = 1/f'(g(y)), keeps the inverse
 * exact near the edges of the image, where f' underflows.
 *
 * <p><b>Domain of the inverse.</b> Inside the image the inverse and its gradients are finite. On
 * the edge of an open image, which the forward pass reaches by rounding, the value and log-det
 * are ±∞ (and the gradients non-finite), so training drops that sample as non-finite rather than
 * failing the step. Beyond the edge, or NaN, the inverse throws an IllegalArgumentException
 * naming the entry.
 */
abstract class ElementwiseMap implements Bijection {
  private final int dim;

  ElementwiseMap(int dim) {
    this.dim = Checks.positive("dim", dim);
  }

  abstract double forwardValue(int j, double x);

  /** log f'(x). */
  abstract double forwardLogDerivative(int j, double x);

  /** f'(x). */
  abstract double forwardDerivative(int j, double x);

  /** d/dx log f'(x). */
  abstract double forwardLogDerivativeSlope(int j, double x);

  /**
   * Whether y lies in the closure of the image of f. Values on the edge of an open image (σ(x)
   * rounds to exactly 1 for x &gt; 37) are accepted and give ±∞, so a saturated draw surfaces
   * as a non-finite log density that training drops; anything beyond the edge is a caller error.
   */
  abstract boolean inImage(int j, double y);

  /** The image of f in words, for error messages, e.g. "(0, 1)". */
  abstract String image(int j);

  abstract double inverseValue(int j, double y);

  /** log g'(y). */
  abstract double inverseLogDerivative(int j, double y);

  /** g'(y). */
  abstract double inverseDerivative(int j, double y);

  /** d/dy log g'(y). */
  abstract double inverseLogDerivativeSlope(int j, double y);

  @Override
  public final int dim() {
    return dim;
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
    for (int j = 0; j < dim; j++) {
      int row = j * n;
      for (int i = 0; i < n; i++) {
        double v = x[row + i];
        y[row + i] = forwardValue(j, v);
        logDet[i] += forwardLogDerivative(j, v);
      }
    }
  }

  @Override
  public final void inverse(double[] params, int offset, double[] y, double[] cond, double[] x, double[] logDet, int n, Workspace ws) {
    PassChecks.pass(this, params, offset, "y", y, cond, "x", x, logDet, n, ws);
    checkImage(y, n);
    for (int j = 0; j < dim; j++) {
      int row = j * n;
      for (int i = 0; i < n; i++) {
        double v = y[row + i];
        x[row + i] = inverseValue(j, v);
        logDet[i] += inverseLogDerivative(j, v);
      }
    }
  }

  @Override
  public final void forwardBackward(double[] params, int offset, double[] x, double[] cond, double[] y,
      double[] gradY, double[] gradLogDet, double[] gradX, double[] gradParams, int n, Workspace ws) {
    PassChecks.backward(this, params, offset, "x", x, cond, "y", y, gradY, gradLogDet, gradX, gradParams, n, ws);
    for (int j = 0; j < dim; j++) {
      int row = j * n;
      for (int i = 0; i < n; i++) {
        double v = x[row + i];
        gradX[row + i] = gradY[row + i] * forwardDerivative(j, v) + gradLogDet[i] * forwardLogDerivativeSlope(j, v);
      }
    }
  }

  @Override
  public final void inverseBackward(double[] params, int offset, double[] y, double[] cond, double[] x,
      double[] gradX, double[] gradLogDet, double[] gradY, double[] gradParams, int n, Workspace ws) {
    PassChecks.backward(this, params, offset, "y", y, cond, "x", x, gradX, gradLogDet, gradY, gradParams, n, ws);
    checkImage(y, n);
    for (int j = 0; j < dim; j++) {
      int row = j * n;
      for (int i = 0; i < n; i++) {
        double v = y[row + i];
        gradY[row + i] = gradX[row + i] * inverseDerivative(j, v) + gradLogDet[i] * inverseLogDerivativeSlope(j, v);
      }
    }
  }

  private void checkImage(double[] y, int n) {
    for (int j = 0; j < dim; j++) {
      int row = j * n;
      for (int i = 0; i < n; i++) {
        if (!inImage(j, y[row + i])) {
          throw new IllegalArgumentException("y[" + (row + i) + "] (coordinate " + j + " of point " + i + ") is "
              + y[row + i] + ", expected a value in " + image(j) + ", the image of " + name());
        }
      }
    }
  }
}
