package dev.flowvi.engine.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link TriangularAffineKernel}. Each pass walks the batch in blocks of four vectors
 * (then single vectors, then a scalar tail) and keeps each block's running sums in registers
 * across the whole row of A, instead of re-reading and re-writing the output row once per column
 * as the scalar reference does. Per point, the sums run in the scalar reference's order.
 */
final class VectorTriangularAffineKernel implements TriangularAffineKernel {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final VectorOperators.Associative ADD = VectorOperators.ADD;

  VectorTriangularAffineKernel() {}

  @Override
  public void multiply(double[] a, int dim, boolean lower, double[] t, int tOff, double[] x, double[] y, int n) {
    int step = S.length();
    int p = 0;
    // Four independent accumulators hide the latency of the add chain along a row of A.
    for (; p + 4 * step <= n; p += 4 * step) {
      for (int i = 0; i < dim; i++) {
        DoubleVector t0 = DoubleVector.broadcast(S, t[tOff + i]);
        DoubleVector acc0 = t0;
        DoubleVector acc1 = t0;
        DoubleVector acc2 = t0;
        DoubleVector acc3 = t0;
        for (int j = TriangularAffineKernel.firstColumn(i, lower); j < TriangularAffineKernel.endColumn(i, dim, lower); j++) {
          double aij = a[i * dim + j];
          int xj = j * n + p;
          acc0 = acc0.add(DoubleVector.fromArray(S, x, xj).mul(aij));
          acc1 = acc1.add(DoubleVector.fromArray(S, x, xj + step).mul(aij));
          acc2 = acc2.add(DoubleVector.fromArray(S, x, xj + 2 * step).mul(aij));
          acc3 = acc3.add(DoubleVector.fromArray(S, x, xj + 3 * step).mul(aij));
        }
        int yi = i * n + p;
        acc0.intoArray(y, yi);
        acc1.intoArray(y, yi + step);
        acc2.intoArray(y, yi + 2 * step);
        acc3.intoArray(y, yi + 3 * step);
      }
    }
    for (; p + step <= n; p += step) {
      for (int i = 0; i < dim; i++) {
        DoubleVector acc = DoubleVector.broadcast(S, t[tOff + i]);
        for (int j = TriangularAffineKernel.firstColumn(i, lower); j < TriangularAffineKernel.endColumn(i, dim, lower); j++) {
          acc = acc.add(DoubleVector.fromArray(S, x, j * n + p).mul(a[i * dim + j]));
        }
        acc.intoArray(y, i * n + p);
      }
    }
    for (; p < n; p++) {
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
    int step = S.length();
    int p = 0;
    for (; p + 4 * step <= n; p += 4 * step) {
      for (int k = 0; k < dim; k++) {
        int i = lower ? k : dim - 1 - k;
        int yi = i * n + p;
        double ti = t[tOff + i];
        DoubleVector r0 = DoubleVector.fromArray(S, y, yi).sub(ti);
        DoubleVector r1 = DoubleVector.fromArray(S, y, yi + step).sub(ti);
        DoubleVector r2 = DoubleVector.fromArray(S, y, yi + 2 * step).sub(ti);
        DoubleVector r3 = DoubleVector.fromArray(S, y, yi + 3 * step).sub(ti);
        int to = lower ? i : dim;
        for (int j = lower ? 0 : i + 1; j < to; j++) {
          double aij = a[i * dim + j];
          int xj = j * n + p;
          r0 = r0.sub(DoubleVector.fromArray(S, x, xj).mul(aij));
          r1 = r1.sub(DoubleVector.fromArray(S, x, xj + step).mul(aij));
          r2 = r2.sub(DoubleVector.fromArray(S, x, xj + 2 * step).mul(aij));
          r3 = r3.sub(DoubleVector.fromArray(S, x, xj + 3 * step).mul(aij));
        }
        double d = a[i * dim + i];
        r0.div(d).intoArray(x, yi);
        r1.div(d).intoArray(x, yi + step);
        r2.div(d).intoArray(x, yi + 2 * step);
        r3.div(d).intoArray(x, yi + 3 * step);
      }
    }
    for (; p + step <= n; p += step) {
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
    for (; p < n; p++) {
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
    int step = S.length();
    int p = 0;
    for (; p + 4 * step <= n; p += 4 * step) {
      for (int j = 0; j < dim; j++) {
        DoubleVector acc0 = DoubleVector.zero(S);
        DoubleVector acc1 = acc0;
        DoubleVector acc2 = acc0;
        DoubleVector acc3 = acc0;
        int to = lower ? dim : j + 1;
        for (int i = lower ? j : 0; i < to; i++) {
          double aij = a[i * dim + j];
          int gi = i * n + p;
          acc0 = acc0.add(DoubleVector.fromArray(S, g, gi).mul(aij));
          acc1 = acc1.add(DoubleVector.fromArray(S, g, gi + step).mul(aij));
          acc2 = acc2.add(DoubleVector.fromArray(S, g, gi + 2 * step).mul(aij));
          acc3 = acc3.add(DoubleVector.fromArray(S, g, gi + 3 * step).mul(aij));
        }
        int oj = j * n + p;
        acc0.intoArray(out, oj);
        acc1.intoArray(out, oj + step);
        acc2.intoArray(out, oj + 2 * step);
        acc3.intoArray(out, oj + 3 * step);
      }
    }
    for (; p + step <= n; p += step) {
      for (int j = 0; j < dim; j++) {
        DoubleVector acc = DoubleVector.zero(S);
        int to = lower ? dim : j + 1;
        for (int i = lower ? j : 0; i < to; i++) {
          acc = acc.add(DoubleVector.fromArray(S, g, i * n + p).mul(a[i * dim + j]));
        }
        acc.intoArray(out, j * n + p);
      }
    }
    for (; p < n; p++) {
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
    int step = S.length();
    int p = 0;
    for (; p + 4 * step <= n; p += 4 * step) {
      for (int k = 0; k < dim; k++) {
        int j = lower ? dim - 1 - k : k;
        int oj = j * n + p;
        DoubleVector r0 = DoubleVector.fromArray(S, g, oj);
        DoubleVector r1 = DoubleVector.fromArray(S, g, oj + step);
        DoubleVector r2 = DoubleVector.fromArray(S, g, oj + 2 * step);
        DoubleVector r3 = DoubleVector.fromArray(S, g, oj + 3 * step);
        int to = lower ? dim : j;
        for (int i = lower ? j + 1 : 0; i < to; i++) {
          double aij = a[i * dim + j];
          int oi = i * n + p;
          r0 = r0.sub(DoubleVector.fromArray(S, out, oi).mul(aij));
          r1 = r1.sub(DoubleVector.fromArray(S, out, oi + step).mul(aij));
          r2 = r2.sub(DoubleVector.fromArray(S, out, oi + 2 * step).mul(aij));
          r3 = r3.sub(DoubleVector.fromArray(S, out, oi + 3 * step).mul(aij));
        }
        double d = a[j * dim + j];
        r0.div(d).intoArray(out, oj);
        r1.div(d).intoArray(out, oj + step);
        r2.div(d).intoArray(out, oj + 2 * step);
        r3.div(d).intoArray(out, oj + 3 * step);
      }
    }
    for (; p + step <= n; p += step) {
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
    for (; p < n; p++) {
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
