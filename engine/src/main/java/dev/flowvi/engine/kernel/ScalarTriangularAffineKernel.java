package dev.flowvi.engine.kernel;

/** Plain-Java reference of {@link TriangularAffineKernel}; loops run over points innermost. */
final class ScalarTriangularAffineKernel implements TriangularAffineKernel {
  ScalarTriangularAffineKernel() {}

  @Override
  public void multiply(double[] a, int dim, boolean lower, double[] t, int tOff, double[] x, double[] y, int n) {
    for (int i = 0; i < dim; i++) {
      int yi = i * n;
      java.util.Arrays.fill(y, yi, yi + n, t[tOff + i]);
      for (int j = TriangularAffineKernel.firstColumn(i, lower); j < TriangularAffineKernel.endColumn(i, dim, lower); j++) {
        double aij = a[i * dim + j];
        int xj = j * n;
        for (int p = 0; p < n; p++) {
          y[yi + p] += aij * x[xj + p];
        }
      }
    }
  }

  @Override
  public void solve(double[] a, int dim, boolean lower, double[] t, int tOff, double[] y, double[] x, int n) {
    for (int k = 0; k < dim; k++) {
      int i = lower ? k : dim - 1 - k;
      int xi = i * n;
      double ti = t[tOff + i];
      for (int p = 0; p < n; p++) {
        x[xi + p] = y[xi + p] - ti;
      }
      int from = lower ? 0 : i + 1;
      int to = lower ? i : dim;
      for (int j = from; j < to; j++) {
        double aij = a[i * dim + j];
        int xj = j * n;
        for (int p = 0; p < n; p++) {
          x[xi + p] -= aij * x[xj + p];
        }
      }
      double d = a[i * dim + i];
      for (int p = 0; p < n; p++) {
        x[xi + p] /= d;
      }
    }
  }

  @Override
  public void multiplyTransposed(double[] a, int dim, boolean lower, double[] g, double[] out, int n) {
    for (int j = 0; j < dim; j++) {
      int oj = j * n;
      java.util.Arrays.fill(out, oj, oj + n, 0.0);
      // (Aᵀ g)_j = Σ_i a_ij g_i over rows i whose triangle holds column j.
      int from = lower ? j : 0;
      int to = lower ? dim : j + 1;
      for (int i = from; i < to; i++) {
        double aij = a[i * dim + j];
        int gi = i * n;
        for (int p = 0; p < n; p++) {
          out[oj + p] += aij * g[gi + p];
        }
      }
    }
  }

  @Override
  public void solveTransposed(double[] a, int dim, boolean lower, double[] g, double[] out, int n) {
    // Aᵀ is upper when A is lower: solve from the last coordinate down, and vice versa.
    for (int k = 0; k < dim; k++) {
      int j = lower ? dim - 1 - k : k;
      int oj = j * n;
      System.arraycopy(g, oj, out, oj, n);
      int from = lower ? j + 1 : 0;
      int to = lower ? dim : j;
      for (int i = from; i < to; i++) {
        double aij = a[i * dim + j];
        int oi = i * n;
        for (int p = 0; p < n; p++) {
          out[oj + p] -= aij * out[oi + p];
        }
      }
      double d = a[j * dim + j];
      for (int p = 0; p < n; p++) {
        out[oj + p] /= d;
      }
    }
  }

  @Override
  public void accumulateOuter(int dim, boolean lower, double[] g, double[] v, int n, double sign, double[] gradA, double[] gradT) {
    for (int i = 0; i < dim; i++) {
      int gi = i * n;
      double s = 0.0;
      for (int p = 0; p < n; p++) {
        s += g[gi + p];
      }
      gradT[i] += sign * s;
      for (int j = TriangularAffineKernel.firstColumn(i, lower); j < TriangularAffineKernel.endColumn(i, dim, lower); j++) {
        int vj = j * n;
        double dot = 0.0;
        for (int p = 0; p < n; p++) {
          dot += g[gi + p] * v[vj + p];
        }
        gradA[i * dim + j] += sign * dot;
      }
    }
  }
}
