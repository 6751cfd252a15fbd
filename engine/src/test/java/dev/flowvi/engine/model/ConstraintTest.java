package dev.flowvi.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.random.RandomStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each constraint transform: the values land in the support, unconstrain inverts constrain, log|J|
 * equals the log-determinant of a finite-difference Jacobian (for the simplex, of the map onto the
 * first K − 1 coordinates, which determine the last), and the backward pass matches finite
 * differences of a linear functional L = c·x plus log|J|.
 */
class ConstraintTest {
  private static final Object[][] CASES = {
      {Constraint.real(), 3}, {Constraint.positive(), 3}, {Constraint.interval(-2, 5), 3},
      {Constraint.ordered(), 4}, {Constraint.simplex(), 4}, {Constraint.simplex(), 2}};

  @Test
  void constrainedValuesLieInTheSupportAndInvert() {
    RandomStream rng = RandomStream.of(41);
    for (Object[] c : CASES) {
      Constraint k = (Constraint) c[0];
      int size = (Integer) c[1];
      for (int rep = 0; rep < 20; rep++) {
        double[] u = gaussian(rng, k.freeSize(size), 2);
        double[] x = new double[size];
        k.constrain(u, 0, x, 0, size);
        String what = k + " at rep " + rep;
        switch (k.toString()) {
          case "positive":
            for (double v : x) {
              assertTrue(v > 0, what);
            }
            break;
          case "ordered":
            for (int i = 1; i < size; i++) {
              assertTrue(x[i] > x[i - 1], what);
            }
            break;
          case "simplex": {
            double s = 0;
            for (double v : x) {
              assertTrue(v > 0, what);
              s += v;
            }
            assertEquals(1, s, 1e-15, what);
            break;
          }
          default:
            if (k.bounded()) {
              for (double v : x) {
                assertTrue(v > -2 && v < 5, what);
              }
            }
        }
        double[] back = new double[u.length];
        k.unconstrain(x, 0, back, 0, size);
        for (int j = 0; j < u.length; j++) {
          assertEquals(u[j], back[j], 1e-9 * Math.max(1, Math.abs(u[j])), what + " coordinate " + j);
        }
      }
    }
  }

  @Test
  void logJacobianMatchesFiniteDifferenceDeterminant() {
    RandomStream rng = RandomStream.of(42);
    for (Object[] c : CASES) {
      Constraint k = (Constraint) c[0];
      int size = (Integer) c[1];
      int d = k.freeSize(size);
      double[] u = gaussian(rng, d, 1);
      double[] x = new double[size];
      double logJ = k.constrain(u, 0, x, 0, size);
      double[][] jac = new double[d][d];
      for (int j = 0; j < d; j++) {
        double h = 1e-6;
        double[] up = u.clone();
        double[] dn = u.clone();
        up[j] += h;
        dn[j] -= h;
        double[] xu = new double[size];
        double[] xd = new double[size];
        k.constrain(up, 0, xu, 0, size);
        k.constrain(dn, 0, xd, 0, size);
        for (int i = 0; i < d; i++) {
          jac[i][j] = (xu[i] - xd[i]) / (2 * h);
        }
      }
      // Central differences with h = 1e-6 on O(1) maps: relative error ~1e-9 per entry.
      assertEquals(Math.log(Math.abs(det(jac))), logJ, 1e-7, k + " of size " + size);
    }
  }

  @Test
  void backwardMatchesFiniteDifferences() {
    RandomStream rng = RandomStream.of(43);
    for (Object[] c : CASES) {
      Constraint k = (Constraint) c[0];
      int size = (Integer) c[1];
      int d = k.freeSize(size);
      double[] u = gaussian(rng, d, 1);
      double[] weights = gaussian(rng, size, 1);
      double[] x = new double[size];
      k.constrain(u, 0, x, 0, size);
      double[] gu = new double[d];
      k.backward(u, 0, x, 0, weights, size, gu, 0);
      for (int j = 0; j < d; j++) {
        double h = 1e-6;
        double[] up = u.clone();
        double[] dn = u.clone();
        up[j] += h;
        dn[j] -= h;
        double fd = (objective(k, up, weights, size) - objective(k, dn, weights, size)) / (2 * h);
        assertEquals(fd, gu[j], 1e-7 * Math.max(1, Math.abs(fd)), k + " coordinate " + j);
      }
    }
  }

  @Test
  void extremeFreeValuesStayFinite() {
    for (Object[] c : CASES) {
      Constraint k = (Constraint) c[0];
      int size = (Integer) c[1];
      for (double v : new double[] {-700, -30, 30, 700}) {
        double[] u = new double[k.freeSize(size)];
        java.util.Arrays.fill(u, v);
        double[] x = new double[size];
        double logJ = k.constrain(u, 0, x, 0, size);
        if (!k.toString().equals("positive") && !k.toString().equals("ordered")) {
          assertTrue(!Double.isNaN(logJ), k + " at u = " + v + " gives log|J| " + logJ);
        }
      }
    }
  }

  @Test
  void badDeclarationsAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Constraint.interval(1, 1));
    assertTrue(e.getMessage().contains("(1.0, 1.0), expected finite bounds with lo < hi"), e.getMessage());
    ModelBuilder b = ModelBuilder.create();
    e = assertThrows(IllegalArgumentException.class, () -> b.parameter(List.of("only"), Constraint.simplex()));
    assertTrue(e.getMessage().contains("needs at least 2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> b.parameter("v", 0, Constraint.real()));
    assertTrue(e.getMessage().contains("size of parameter v is 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> b.parameter("2x", Constraint.real()));
    assertTrue(e.getMessage().contains("name is '2x'"), e.getMessage());
  }

  private static double objective(Constraint k, double[] u, double[] weights, int size) {
    double[] x = new double[size];
    double logJ = k.constrain(u, 0, x, 0, size);
    double s = logJ;
    for (int i = 0; i < size; i++) {
      s += weights[i] * x[i];
    }
    return s;
  }

  private static double[] gaussian(RandomStream rng, int n, double sd) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = sd * rng.nextGaussian();
    }
    return v;
  }

  private static double det(double[][] m) {
    int n = m.length;
    double[][] a = new double[n][];
    for (int i = 0; i < n; i++) {
      a[i] = m[i].clone();
    }
    double det = 1;
    for (int c = 0; c < n; c++) {
      int p = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(a[r][c]) > Math.abs(a[p][c])) {
          p = r;
        }
      }
      if (p != c) {
        double[] t = a[p];
        a[p] = a[c];
        a[c] = t;
        det = -det;
      }
      det *= a[c][c];
      for (int r = c + 1; r < n; r++) {
        double f = a[r][c] / a[c][c];
        for (int k = c; k < n; k++) {
          a[r][k] -= f * a[c][k];
        }
      }
    }
    return det;
  }
}
