package dev.flowvi.engine.bijection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;
import java.util.Arrays;

/**
 * Contract checks for any {@link Bijection}: round trips, log-det against a finite-difference
 * Jacobian, and every backward pass against central finite differences, in both directions.
 *
 * <p><b>Step.</b> Central differences with h = cbrt(ε)·max(1, |v|) ≈ 6.1e-6·max(1, |v|) balance
 * the truncation error h²|f'''|/6 (about 6e-12·|f'''|) against the round-off ε|f|/h (about
 * 3.7e-11·|f|). For the smooth maps and O(1)–O(100) scalar losses used here both stay below 1e-8,
 * so a tolerance of 1e-6·max(1, |analytic|) leaves two orders of margin while still failing on
 * any wrong term (a missing factor or sign is an O(1) relative error).
 *
 * <p>Parameters sit at a non-zero offset inside a longer vector, and gradient outputs are
 * pre-filled with junk (dL/d(input)) or a known value (dL/dparams), so the write-versus-add rules
 * of the contract are checked too.
 */
final class FiniteDifferenceChecks {
  static final double EPS = Math.ulp(1.0);
  static final double CBRT_EPS = Math.cbrt(EPS);
  static final double GRADIENT_TOLERANCE = 1e-6;
  /** log|det| from an FD Jacobian: each entry carries about 1e-10 relative error (see above); 1e-6 is safe for dim ≤ 17 at the moderate condition numbers used here. */
  static final double LOG_DET_TOLERANCE = 1e-6;
  static final int OFFSET = 3;

  enum Direction {
    FORWARD, INVERSE;

    void run(Bijection b, double[] p, double[] in, double[] cond, double[] out, double[] ld, int n, Workspace ws) {
      if (this == FORWARD) {
        b.forward(p, OFFSET, in, cond, out, ld, n, ws);
      } else {
        b.inverse(p, OFFSET, in, cond, out, ld, n, ws);
      }
    }

    void backward(Bijection b, double[] p, double[] in, double[] cond, double[] out, double[] gOut, double[] gLd,
        double[] gIn, double[] gP, int n, Workspace ws) {
      if (this == FORWARD) {
        b.forwardBackward(p, OFFSET, in, cond, out, gOut, gLd, gIn, gP, n, ws);
      } else {
        b.inverseBackward(p, OFFSET, in, cond, out, gOut, gLd, gIn, gP, n, ws);
      }
    }
  }

  private FiniteDifferenceChecks() {}

  /** A vector with the bijection's parameters at {@link #OFFSET}: initial values plus N(0, spread²) noise. */
  static double[] randomParams(Bijection b, RandomStream rng, double spread) {
    double[] p = new double[OFFSET + b.parameterCount() + 2];
    Arrays.fill(p, Double.NaN); // a part reading outside its block would poison the results
    b.initialise(p, OFFSET, rng);
    for (int k = 0; k < b.parameterCount(); k++) {
      p[OFFSET + k] += spread * rng.nextGaussian();
    }
    return p;
  }

  static double[] apply(Direction d, Bijection b, double[] p, double[] in, double[] cond, int n, double[] ld) {
    double[] out = new double[b.dim() * n];
    d.run(b, p, in, cond, out, ld, n, b.newWorkspace(n));
    return out;
  }

  /** inverse(forward(x)) = x to {@code tol}·max(1, |x|), and the two log-dets cancel. */
  static void roundTrip(Bijection b, double[] p, double[] x, double[] cond, int n, double tol) {
    double[] ldF = new double[n];
    double[] y = apply(Direction.FORWARD, b, p, x, cond, n, ldF);
    double[] ldI = new double[n];
    double[] back = apply(Direction.INVERSE, b, p, y, cond, n, ldI);
    for (int e = 0; e < x.length; e++) {
      assertEquals(x[e], back[e], tol * Math.max(1.0, Math.abs(x[e])), () -> b.name() + ": round trip");
    }
    for (int i = 0; i < n; i++) {
      assertEquals(0.0, ldF[i] + ldI[i], tol * Math.max(1.0, Math.abs(ldF[i])), b.name() + ": log-dets cancel at point " + i);
    }
  }

  /** The log-det a pass adds equals log|det| of the central-difference Jacobian, point by point. */
  static void logDetMatchesJacobian(Direction d, Bijection b, double[] p, double[] in, double[] cond, int n) {
    int dim = b.dim();
    double[] ld = new double[n];
    Arrays.fill(ld, 0.25); // the pass must add, not overwrite
    apply(d, b, p, in, cond, n, ld);
    double[][] jac = new double[n][dim * dim];
    double[] h = new double[n];
    for (int j = 0; j < dim; j++) {
      double[] plus = in.clone();
      double[] minus = in.clone();
      for (int i = 0; i < n; i++) {
        h[i] = CBRT_EPS * Math.max(1.0, Math.abs(in[j * n + i]));
        plus[j * n + i] += h[i];
        minus[j * n + i] -= h[i];
      }
      double[] yp = apply(d, b, p, plus, cond, n, new double[n]);
      double[] ym = apply(d, b, p, minus, cond, n, new double[n]);
      for (int i = 0; i < n; i++) {
        for (int r = 0; r < dim; r++) {
          jac[i][r * dim + j] = (yp[r * n + i] - ym[r * n + i]) / (2 * h[i]);
        }
      }
    }
    for (int i = 0; i < n; i++) {
      double expected = logAbsDet(jac[i], dim);
      assertEquals(expected, ld[i] - 0.25, LOG_DET_TOLERANCE * Math.max(1.0, Math.abs(expected)),
          b.name() + " " + d + ": log-det of point " + i);
    }
  }

  /**
   * The backward pass of {@code d} against central differences of
   * L = Σ gOut·out + Σ gLogDet·logDet, with respect to every input entry and every parameter.
   */
  static void gradientsMatch(Direction d, Bijection b, double[] p, double[] in, double[] cond, int n, RandomStream rng) {
    int size = b.dim() * n;
    double[] gOut = gaussian(rng, size);
    double[] gLd = gaussian(rng, n);
    Workspace ws = b.newWorkspace(n + 2); // a larger workspace than the batch must work too
    double[] out = new double[size];
    double[] ld = new double[n];
    d.run(b, p, in, cond, out, ld, n, ws);
    double[] gIn = new double[size];
    Arrays.fill(gIn, 1e30); // must be overwritten
    double[] gP = new double[p.length];
    Arrays.fill(gP, 0.5); // must be added to
    double[] gOutCopy = gOut.clone();
    d.backward(b, p, in, cond, out, gOut, gLd, gIn, gP, n, ws);
    assertTrue(Arrays.equals(gOut, gOutCopy), b.name() + " " + d + ": backward pass must not write dL/d(output)");
    for (int k = 0; k < p.length; k++) {
      if (k < OFFSET || k >= OFFSET + b.parameterCount()) {
        assertEquals(0.5, gP[k], 0.0, b.name() + ": gradient written outside the parameter block at " + k);
      }
    }
    for (int e = 0; e < size; e++) {
      double[] plus = in.clone();
      double[] minus = in.clone();
      double h = CBRT_EPS * Math.max(1.0, Math.abs(in[e]));
      plus[e] += h;
      minus[e] -= h;
      double fd = (loss(d, b, p, plus, cond, n, gOut, gLd) - loss(d, b, p, minus, cond, n, gOut, gLd)) / (2 * h);
      assertClose(fd, gIn[e], b.name() + " " + d + ": dL/d(input)[" + e + "]");
    }
    for (int k = 0; k < b.parameterCount(); k++) {
      double[] plus = p.clone();
      double[] minus = p.clone();
      double h = CBRT_EPS * Math.max(1.0, Math.abs(p[OFFSET + k]));
      plus[OFFSET + k] += h;
      minus[OFFSET + k] -= h;
      double fd = (loss(d, b, plus, in, cond, n, gOut, gLd) - loss(d, b, minus, in, cond, n, gOut, gLd)) / (2 * h);
      assertClose(fd, gP[OFFSET + k] - 0.5, b.name() + " " + d + ": dL/dparams[" + k + "]");
    }
  }

  /** Every value, log-det and gradient of a pass is finite. */
  static void allFinite(Direction d, Bijection b, double[] p, double[] in, double[] cond, int n) {
    int size = b.dim() * n;
    Workspace ws = b.newWorkspace(n);
    double[] out = new double[size];
    double[] ld = new double[n];
    d.run(b, p, in, cond, out, ld, n, ws);
    double[] gOut = new double[size];
    Arrays.fill(gOut, 1.0);
    double[] gLd = new double[n];
    Arrays.fill(gLd, 1.0);
    double[] gIn = new double[size];
    double[] gP = new double[p.length];
    d.backward(b, p, in, cond, out, gOut, gLd, gIn, gP, n, ws);
    finite(out, b.name() + " " + d + " output", in);
    finite(ld, b.name() + " " + d + " log-det", in);
    finite(gIn, b.name() + " " + d + " dL/d(input)", in);
    finite(gP, b.name() + " " + d + " dL/dparams", in);
  }

  private static void finite(double[] v, String what, double[] in) {
    for (int e = 0; e < v.length; e++) {
      if (!Double.isFinite(v[e])) {
        fail(what + "[" + e + "] is " + v[e] + " for inputs " + Arrays.toString(in));
      }
    }
  }

  private static double loss(Direction d, Bijection b, double[] p, double[] in, double[] cond, int n, double[] gOut, double[] gLd) {
    double[] ld = new double[n];
    double[] out = apply(d, b, p, in, cond, n, ld);
    double l = 0.0;
    for (int e = 0; e < out.length; e++) {
      l += gOut[e] * out[e];
    }
    for (int i = 0; i < n; i++) {
      l += gLd[i] * ld[i];
    }
    return l;
  }

  private static void assertClose(double fd, double analytic, String what) {
    double tol = GRADIENT_TOLERANCE * Math.max(1.0, Math.abs(analytic));
    if (!(Math.abs(fd - analytic) <= tol)) {
      fail(what + ": analytic " + analytic + ", finite difference " + fd + ", tolerance " + tol);
    }
  }

  static double[] gaussian(RandomStream rng, int size) {
    double[] v = new double[size];
    rng.fillGaussian(v, 0, size);
    return v;
  }

  /** log|det| by LU with partial pivoting. */
  static double logAbsDet(double[] m, int dim) {
    double[] a = m.clone();
    double s = 0.0;
    for (int c = 0; c < dim; c++) {
      int piv = c;
      for (int r = c + 1; r < dim; r++) {
        if (Math.abs(a[r * dim + c]) > Math.abs(a[piv * dim + c])) {
          piv = r;
        }
      }
      if (piv != c) {
        for (int k = 0; k < dim; k++) {
          double t = a[c * dim + k];
          a[c * dim + k] = a[piv * dim + k];
          a[piv * dim + k] = t;
        }
      }
      double pv = a[c * dim + c];
      s += Math.log(Math.abs(pv));
      for (int r = c + 1; r < dim; r++) {
        double f = a[r * dim + c] / pv;
        for (int k = c; k < dim; k++) {
          a[r * dim + k] -= f * a[c * dim + k];
        }
      }
    }
    return s;
  }
}
