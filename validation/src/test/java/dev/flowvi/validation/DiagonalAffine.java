package dev.flowvi.validation;

import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;

/**
 * Test bijection y = s⊙x + t with s = softplus(r), parameters [t (dim) | r (dim)], and an optional
 * deliberate flaw, so that the checks can be shown to fail when something is wrong.
 */
final class DiagonalAffine implements Bijection {
  enum Flaw {
    NONE,
    /** forwardBackward drops the sigmoid factor of d softplus/dr. */
    SCALE_GRADIENT,
    /** inverseBackward returns dL/dy without dividing by s. */
    INVERSE_INPUT_GRADIENT,
    /** forward reports 2·log s. */
    LOG_DET,
    /** inverse adds 1e-3 to x. */
    INVERSE_VALUE,
  }

  private final int dim;
  private final Flaw flaw;

  DiagonalAffine(int dim, Flaw flaw) {
    this.dim = dim;
    this.flaw = flaw;
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
    layout.add(prefix + "loc", dim);
    layout.add(prefix + "scale_raw", dim);
  }

  @Override
  public void initialise(double[] params, int offset, RandomStream rng) {
    for (int j = 0; j < dim; j++) {
      params[offset + j] = 0;
      params[offset + dim + j] = Math.log(Math.expm1(1.0));
    }
  }

  @Override
  public Workspace newWorkspace(int capacity) {
    return Workspace.none(capacity);
  }

  static double softplus(double r) {
    return Math.max(r, 0) + Math.log1p(Math.exp(-Math.abs(r)));
  }

  static double sigmoid(double r) {
    return 1 / (1 + Math.exp(-r));
  }

  @Override
  public void forward(double[] params, int offset, double[] x, double[] cond, double[] y, double[] logDet, int n, Workspace ws) {
    for (int j = 0; j < dim; j++) {
      double t = params[offset + j];
      double s = softplus(params[offset + dim + j]);
      double ld = (flaw == Flaw.LOG_DET ? 2 : 1) * Math.log(s);
      for (int i = 0; i < n; i++) {
        y[j * n + i] = s * x[j * n + i] + t;
        logDet[i] += ld;
      }
    }
  }

  @Override
  public void inverse(double[] params, int offset, double[] y, double[] cond, double[] x, double[] logDet, int n, Workspace ws) {
    for (int j = 0; j < dim; j++) {
      double t = params[offset + j];
      double s = softplus(params[offset + dim + j]);
      for (int i = 0; i < n; i++) {
        x[j * n + i] = (y[j * n + i] - t) / s + (flaw == Flaw.INVERSE_VALUE ? 1e-3 : 0);
        logDet[i] -= Math.log(s);
      }
    }
  }

  @Override
  public void forwardBackward(double[] params, int offset, double[] x, double[] cond, double[] y,
      double[] gradY, double[] gradLogDet, double[] gradX, double[] gradParams, int n, Workspace ws) {
    for (int j = 0; j < dim; j++) {
      double r = params[offset + dim + j];
      double s = softplus(r);
      double gt = 0;
      double gs = 0;
      for (int i = 0; i < n; i++) {
        int e = j * n + i;
        gradX[e] = gradY[e] * s;
        gt += gradY[e];
        gs += gradY[e] * x[e] + gradLogDet[i] / s;
      }
      gradParams[offset + j] += gt;
      gradParams[offset + dim + j] += gs * (flaw == Flaw.SCALE_GRADIENT ? 1 : sigmoid(r));
    }
  }

  @Override
  public void inverseBackward(double[] params, int offset, double[] y, double[] cond, double[] x,
      double[] gradX, double[] gradLogDet, double[] gradY, double[] gradParams, int n, Workspace ws) {
    for (int j = 0; j < dim; j++) {
      double t = params[offset + j];
      double r = params[offset + dim + j];
      double s = softplus(r);
      double gt = 0;
      double gs = 0;
      for (int i = 0; i < n; i++) {
        int e = j * n + i;
        gradY[e] = flaw == Flaw.INVERSE_INPUT_GRADIENT ? gradX[e] : gradX[e] / s;
        gt -= gradX[e] / s;
        // x = (y − t)/s: ∂x/∂s = −(y − t)/s², ∂(−log s)/∂s = −1/s
        gs -= gradX[e] * (y[e] - t) / (s * s) + gradLogDet[i] / s;
      }
      gradParams[offset + j] += gt;
      gradParams[offset + dim + j] += gs * sigmoid(r);
    }
  }

  /** Random parameters away from the identity. */
  double[] randomParams(long seed) {
    RandomStream rng = RandomStream.of(seed);
    double[] p = new double[parameterCount()];
    for (int k = 0; k < p.length; k++) {
      p[k] = rng.nextGaussian();
    }
    return p;
  }
}
