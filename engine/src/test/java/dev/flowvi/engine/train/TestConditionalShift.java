package dev.flowvi.engine.train;

import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;

/**
 * Test-scope conditional bijection y = exp(s) ⊙ x + W c: a per-coordinate scale and a shift
 * linear in the conditioning inputs. Parameters: [s (d) | W (d×c, row-major)].
 */
final class TestConditionalShift implements Bijection {
  private final int d;
  private final int c;

  TestConditionalShift(int d, int c) {
    this.d = d;
    this.c = c;
  }

  @Override
  public int dim() {
    return d;
  }

  @Override
  public int conditionDim() {
    return c;
  }

  @Override
  public int parameterCount() {
    return d + d * c;
  }

  @Override
  public void initialise(double[] params, int offset, RandomStream rng) {
    java.util.Arrays.fill(params, offset, offset + parameterCount(), 0.0);
  }

  @Override
  public Workspace newWorkspace(int capacity) {
    return Workspace.none(capacity);
  }

  private double shift(double[] p, int off, double[] cond, int j, int i, int n) {
    double v = 0;
    for (int k = 0; k < c; k++) {
      v += p[off + d + j * c + k] * cond[k * n + i];
    }
    return v;
  }

  @Override
  public void forward(double[] p, int off, double[] x, double[] cond, double[] y, double[] logDet, int n, Workspace ws) {
    for (int j = 0; j < d; j++) {
      for (int i = 0; i < n; i++) {
        y[j * n + i] = Math.exp(p[off + j]) * x[j * n + i] + shift(p, off, cond, j, i, n);
        logDet[i] += p[off + j];
      }
    }
  }

  @Override
  public void inverse(double[] p, int off, double[] y, double[] cond, double[] x, double[] logDet, int n, Workspace ws) {
    for (int j = 0; j < d; j++) {
      for (int i = 0; i < n; i++) {
        x[j * n + i] = (y[j * n + i] - shift(p, off, cond, j, i, n)) * Math.exp(-p[off + j]);
        logDet[i] -= p[off + j];
      }
    }
  }

  @Override
  public void forwardBackward(double[] p, int off, double[] x, double[] cond, double[] y, double[] gY, double[] gLD, double[] gX, double[] gP, int n, Workspace ws) {
    for (int j = 0; j < d; j++) {
      double e = Math.exp(p[off + j]);
      for (int i = 0; i < n; i++) {
        double g = gY[j * n + i];
        gX[j * n + i] = e * g;
        gP[off + j] += g * e * x[j * n + i] + gLD[i];
        for (int k = 0; k < c; k++) {
          gP[off + d + j * c + k] += g * cond[k * n + i];
        }
      }
    }
  }

  @Override
  public void inverseBackward(double[] p, int off, double[] y, double[] cond, double[] x, double[] gX, double[] gLD, double[] gY, double[] gP, int n, Workspace ws) {
    for (int j = 0; j < d; j++) {
      double e = Math.exp(-p[off + j]);
      for (int i = 0; i < n; i++) {
        double g = gX[j * n + i];
        gY[j * n + i] = e * g;
        gP[off + j] += -g * x[j * n + i] - gLD[i];
        for (int k = 0; k < c; k++) {
          gP[off + d + j * c + k] -= e * g * cond[k * n + i];
        }
      }
    }
  }
}
