package dev.flowvi.engine.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link TriangularAffineKernel}. Each pass walks the batch in chunks of one vector
 * and keeps a point-chunk's running sum in a register across the whole row of A, instead of
 * re-reading and re-writing the output row once per column as the scalar reference does.
 */
final class VectorTriangularAffineKernel implements TriangularAffineKernel {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final VectorOperators.Associative ADD = VectorOperators.ADD;

  VectorTriangularAffineKernel() {}

  @Override
  public void multiply(double[] a, int dim, boolean lower, double[] t, int tOff, double[] x, double[] y, int n) {
    int bound = S.loopBound(n);
    for (int p = 0; p < bound; p += S.length()) {
      for (int i = 0; i < dim; i++) {
        DoubleVector acc = DoubleVector.broadcast(S, t[tOff + i]);
        for (int j = TriangularAffineKernel.firstColumn(i, lower); j < TriangularAffineKernel.endColumn(i, dim, lower); j++) {
          acc = acc.add(DoubleVector.fromArray(S, x, j * n + p).mul(a[i * dim + j]));
        }
        acc.intoArray(y, i * n + p);
      }
    }
    for (int p = bound; p < n; p++) {
      for (int i = 0; i < dim; i++) {
        double acc = t[tOff + i];
        for (int j = TriangularAffineKernel.firstColumn(i, lower); j < TriangularAffineKernel.endColumn(i, dim, lower); j++) {
          acc += a[i * dim + j] * x[j * n + p];
        }
        y[i * n + p] = acc;
      }
    }
  }

  @Override
  public void solve(double[] a, int dim, boolean lower, double[] t, int tOff, double[] y, double[] x, int n) {
    int bound = S.loopBound(n);
    for (int p = 0; p < bound; p += S.length()) {
      for (int k = 0; k < dim; k++) {
        int i = lower ? k : dim - 1 - k;
        DoubleVector r = DoubleVector.fromArray(S, y, i * n + p).sub(t[tOff + i]);
        int to = lower ? i : dim;
        for (int j = lower ? 0 : i + 1; j < to; j++) {
          r = r.sub(DoubleVector.fromArray(S, x, j * n + p).mul(a[i * dim + j]));
        }
        r.div(a[i * dim + i]).intoArray(x, i * n + p);
      }
    }
    for (int p = bound; p < n; p++) {
      for (int k = 0; k < dim; k++) {
        int i = lower ? k : dim - 1 - k;
        double r = y[i * n + p] - t[tOff + i];
        int to = lower ? i : dim;
        for (int j = lower ? 0 : i + 1; j < to; j++) {
          r -= a[i * dim + j] * x[j * n + p];
        }
        x[i * n + p] = r / a[i * dim + i];
      }
    }
  }

  @Override
  public void multiplyTransposed(double[] a, int dim, boolean lower, double[] g, double[] out, int n) {
    int bound = S.loopBound(n);
    for (int p = 0; p < bound; p += S.length()) {
      for (int j = 0; j < dim; j++) {
        DoubleVector acc = DoubleVector.zero(S);
        int to = lower ? dim : j + 1;
        for (int i = lower ? j : 0; i < to; i++) {
          acc = acc.add(DoubleVector.fromArray(S, g, i * n + p).mul(a[i * dim + j]));
        }
        acc.intoArray(out, j * n + p);
      }
    }
    for (int p = bound; p < n; p++) {
      for (int j = 0; j < dim; j++) {
        double acc = 0.0;
        int to = lower ? dim : j + 1;
        for (int i = lower ? j : 0; i < to; i++) {
          acc += a[i * dim + j] * g[i * n + p];
        }
        out[j * n + p] = acc;
      }
    }
  }

  @Override
  public void solveTransposed(double[] a, int dim, boolean lower, double[] g, double[] out, int n) {
    int bound = S.loopBound(n);
    for (int p = 0; p < bound; p += S.length()) {
      for (int k = 0; k < dim; k++) {
        int j = lower ? dim - 1 - k : k;
        DoubleVector r = DoubleVector.fromArray(S, g, j * n + p);
        int to = lower ? dim : j;
        for (int i = lower ? j + 1 : 0; i < to; i++) {
          r = r.sub(DoubleVector.fromArray(S, out, i * n + p).mul(a[i * dim + j]));
        }
        r.div(a[j * dim + j]).intoArray(out, j * n + p);
      }
    }
    for (int p = bound; p < n; p++) {
      for (int k = 0; k < dim; k++) {
        int j = lower ? dim - 1 - k : k;
        double r = g[j * n + p];
        int to = lower ? dim : j;
        for (int i = lower ? j + 1 : 0; i < to; i++) {
          r -= a[i * dim + j] * out[i * n + p];
        }
        out[j * n + p] = r / a[j * dim + j];
      }
    }
  }

  @Override
  public void accumulateOuter(int dim, boolean lower, double[] g, double[] v, int n, double sign, double[] gradA, double[] gradT) {
    int bound = S.loopBound(n);
    for (int i = 0; i < dim; i++) {
      int gi = i * n;
      gradT[i] += sign * sum(g, gi, n, bound);
      for (int j = TriangularAffineKernel.firstColumn(i, lower); j < TriangularAffineKernel.endColumn(i, dim, lower); j++) {
        gradA[i * dim + j] += sign * dot(g, gi, v, j * n, n, bound);
      }
    }
  }

  private static double sum(double[] g, int off, int n, int bound) {
    DoubleVector acc = DoubleVector.zero(S);
    int p = 0;
    for (; p < bound; p += S.length()) {
      acc = acc.add(DoubleVector.fromArray(S, g, off + p));
    }
    double s = acc.reduceLanes(ADD);
    for (; p < n; p++) {
      s += g[off + p];
    }
    return s;
  }

  private static double dot(double[] g, int gOff, double[] v, int vOff, int n, int bound) {
    DoubleVector acc = DoubleVector.zero(S);
    int p = 0;
    for (; p < bound; p += S.length()) {
      acc = acc.add(DoubleVector.fromArray(S, g, gOff + p).mul(DoubleVector.fromArray(S, v, vOff + p)));
    }
    double s = acc.reduceLanes(ADD);
    for (; p < n; p++) {
      s += g[gOff + p] * v[vOff + p];
    }
    return s;
  }
}
