package dev.flowvi.engine.train;

import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;

/**
 * Test-scope bijection y = L x + t with L lower triangular, L_ii = exp(s_i): with a standard
 * normal base it spans every Gaussian, so Gaussian targets have an exact variational optimum.
 * Parameters: [s (d) | strictly lower entries of L, row-major (d(d−1)/2) | t (d)]. With
 * {@code diagonal} the strictly lower block is absent.
 */
final class TestLowerTriangularAffine implements Bijection {
  private final int d;
  private final boolean diagonal;

  TestLowerTriangularAffine(int d, boolean diagonal) {
    this.d = d;
    this.diagonal = diagonal;
  }

  private int lowerCount() {
    return diagonal ? 0 : d * (d - 1) / 2;
  }

  private int lowerIndex(int i, int j) {
    return i * (i - 1) / 2 + j;
  }

  @Override
  public int dim() {
    return d;
  }

  @Override
  public int parameterCount() {
    return 2 * d + lowerCount();
  }

  @Override
  public void describeParameters(ParameterLayout.Builder layout, String prefix) {
    layout.add(prefix + "logScale", d);
    layout.add(prefix + "lower", lowerCount());
    layout.add(prefix + "shift", d);
  }

  @Override
  public void initialise(double[] params, int offset, RandomStream rng) {
    java.util.Arrays.fill(params, offset, offset + parameterCount(), 0.0);
  }

  @Override
  public Workspace newWorkspace(int capacity) {
    return Workspace.none(capacity);
  }

  private double l(double[] p, int off, int i, int j) {
    if (i == j) {
      return Math.exp(p[off + i]);
    }
    if (diagonal || j > i) {
      return 0.0;
    }
    return p[off + d + lowerIndex(i, j)];
  }

  private int shift(int off) {
    return off + d + lowerCount();
  }

  @Override
  public void forward(double[] p, int off, double[] x, double[] cond, double[] y, double[] logDet, int n, Workspace ws) {
    double sumS = 0;
    for (int i = 0; i < d; i++) {
      sumS += p[off + i];
    }
    for (int i = 0; i < d; i++) {
      for (int k = 0; k < n; k++) {
        double v = p[shift(off) + i];
        for (int j = 0; j <= i; j++) {
          v += l(p, off, i, j) * x[j * n + k];
        }
        y[i * n + k] = v;
      }
    }
    for (int k = 0; k < n; k++) {
      logDet[k] += sumS;
    }
  }

  @Override
  public void inverse(double[] p, int off, double[] y, double[] cond, double[] x, double[] logDet, int n, Workspace ws) {
    double sumS = 0;
    for (int i = 0; i < d; i++) {
      sumS += p[off + i];
    }
    for (int i = 0; i < d; i++) {
      for (int k = 0; k < n; k++) {
        double v = y[i * n + k] - p[shift(off) + i];
        for (int j = 0; j < i; j++) {
          v -= l(p, off, i, j) * x[j * n + k];
        }
        x[i * n + k] = v / l(p, off, i, i);
      }
    }
    for (int k = 0; k < n; k++) {
      logDet[k] -= sumS;
    }
  }

  @Override
  public void forwardBackward(double[] p, int off, double[] x, double[] cond, double[] y, double[] gY, double[] gLD, double[] gX, double[] gP, int n, Workspace ws) {
    for (int j = 0; j < d; j++) {
      for (int k = 0; k < n; k++) {
        double v = 0;
        for (int i = j; i < d; i++) {
          v += l(p, off, i, j) * gY[i * n + k];
        }
        gX[j * n + k] = v;
      }
    }
    double sumLD = 0;
    for (int k = 0; k < n; k++) {
      sumLD += gLD[k];
    }
    for (int i = 0; i < d; i++) {
      double gs = sumLD;
      double gt = 0;
      for (int k = 0; k < n; k++) {
        gs += gY[i * n + k] * x[i * n + k] * l(p, off, i, i);
        gt += gY[i * n + k];
      }
      gP[off + i] += gs;
      gP[shift(off) + i] += gt;
      if (!diagonal) {
        for (int j = 0; j < i; j++) {
          double g = 0;
          for (int k = 0; k < n; k++) {
            g += gY[i * n + k] * x[j * n + k];
          }
          gP[off + d + lowerIndex(i, j)] += g;
        }
      }
    }
  }

  @Override
  public void inverseBackward(double[] p, int off, double[] y, double[] cond, double[] x, double[] gX, double[] gLD, double[] gY, double[] gP, int n, Workspace ws) {
    // gU = L^{-T} gX by back substitution; then gY = gU, grad t = −gU, grad L = −gU xᵀ.
    for (int i = d - 1; i >= 0; i--) {
      for (int k = 0; k < n; k++) {
        double v = gX[i * n + k];
        for (int r = i + 1; r < d; r++) {
          v -= l(p, off, r, i) * gY[r * n + k];
        }
        gY[i * n + k] = v / l(p, off, i, i);
      }
    }
    double sumLD = 0;
    for (int k = 0; k < n; k++) {
      sumLD += gLD[k];
    }
    for (int i = 0; i < d; i++) {
      double gs = -sumLD;
      double gt = 0;
      for (int k = 0; k < n; k++) {
        gs -= gY[i * n + k] * x[i * n + k] * l(p, off, i, i);
        gt -= gY[i * n + k];
      }
      gP[off + i] += gs;
      gP[shift(off) + i] += gt;
      if (!diagonal) {
        for (int j = 0; j < i; j++) {
          double g = 0;
          for (int k = 0; k < n; k++) {
            g -= gY[i * n + k] * x[j * n + k];
          }
          gP[off + d + lowerIndex(i, j)] += g;
        }
      }
    }
  }
}
