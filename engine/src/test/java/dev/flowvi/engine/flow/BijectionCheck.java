package dev.flowvi.engine.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;

/**
 * The contract checks every flow layer must pass, by finite differences: inverse round trip,
 * log-det against the log-determinant of a finite-difference Jacobian, and the gradients of both
 * backward passes with respect to inputs and parameters.
 *
 * <p>Central differences with h = 1e-5·max(1, |v|): truncation error O(h²·f''') ≈ 1e-10 and
 * round-off ≈ 1e-16·|L|/h ≈ 1e-11·|L| for the O(1) losses used here, so 1e-6·(1 + |g|) leaves a
 * wide margin while catching any wrong term (which is O(|g|)).
 */
final class BijectionCheck {
  static final double FD_TOLERANCE = 1e-6;
  /** Parameters start at this offset, so a layer that ignores its offset fails. */
  static final int OFFSET = 3;

  final Bijection b;
  final int n;
  final double[] params;
  final double[] x;
  final double[] cond;
  private final RandomStream rng;

  /** Initialises, then perturbs every parameter (the zero output layer too) by N(0, scale²). */
  BijectionCheck(Bijection b, int n, long seed, double scale) {
    this.b = b;
    this.n = n;
    this.rng = RandomStream.of(seed);
    params = new double[OFFSET + b.parameterCount() + 2];
    b.initialise(params, OFFSET, rng);
    for (int k = 0; k < b.parameterCount(); k++) {
      params[OFFSET + k] += scale * rng.nextGaussian();
    }
    x = gaussian(b.dim() * n);
    cond = b.conditionDim() > 0 ? gaussian(b.conditionDim() * n) : null;
  }

  double[] gaussian(int len) {
    double[] v = new double[len];
    rng.fillGaussian(v, 0, len);
    return v;
  }

  double[] forward(double[] p, double[] in, double[] logDet) {
    double[] out = new double[in.length];
    b.forward(p, OFFSET, in, cond, out, logDet, n, b.newWorkspace(n));
    return out;
  }

  double[] inverse(double[] p, double[] in, double[] logDet) {
    double[] out = new double[in.length];
    b.inverse(p, OFFSET, in, cond, out, logDet, n, b.newWorkspace(n));
    return out;
  }

  /** inverse(forward(x)) = x and the two log-dets cancel. */
  void roundTrip(double tol) {
    double[] ld = new double[n];
    double[] y = forward(params, x, ld);
    double[] ldInv = new double[n];
    double[] back = inverse(params, y, ldInv);
    for (int k = 0; k < x.length; k++) {
      assertEquals(x[k], back[k], tol * (1 + Math.abs(x[k])), "round trip of entry " + k);
    }
    for (int i = 0; i < n; i++) {
      assertEquals(-ld[i], ldInv[i], tol * (1 + Math.abs(ld[i])), "inverse log-det of point " + i);
    }
  }

  /** The log-det of each pass equals log|det| of its finite-difference Jacobian, point by point. */
  void logDetMatchesJacobian(boolean inverse) {
    int d = b.dim();
    double[] ld = new double[n];
    double[] in = inverse ? forward(params, x, new double[n]) : x;
    if (inverse) {
      inverse(params, in, ld);
    } else {
      forward(params, in, ld);
    }
    double[][][] jac = new double[n][d][d];
    for (int c = 0; c < d; c++) {
      double[] plus = in.clone();
      double[] minus = in.clone();
      double[] h = new double[n];
      for (int i = 0; i < n; i++) {
        h[i] = 1e-5 * Math.max(1, Math.abs(in[c * n + i]));
        plus[c * n + i] += h[i];
        minus[c * n + i] -= h[i];
      }
      double[] fp = inverse ? inverse(params, plus, new double[n]) : forward(params, plus, new double[n]);
      double[] fm = inverse ? inverse(params, minus, new double[n]) : forward(params, minus, new double[n]);
      for (int i = 0; i < n; i++) {
        for (int r = 0; r < d; r++) {
          jac[i][r][c] = (fp[r * n + i] - fm[r * n + i]) / (2 * h[i]);
        }
      }
    }
    for (int i = 0; i < n; i++) {
      double expected = logAbsDet(jac[i]);
      assertEquals(expected, ld[i], 1e-6 * (1 + Math.abs(expected)), (inverse ? "inverse" : "forward") + " log-det of point " + i);
    }
  }

  /**
   * The backward pass of forward (or inverse) against central differences of the scalar loss
   * L = Σ w·out + Σ v·logDet with random weights w, v.
   */
  void gradients(boolean inverse) {
    int d = b.dim();
    double[] in = inverse ? forward(params, x, new double[n]) : x;
    double[] w = gaussian(d * n);
    double[] v = gaussian(n);
    Workspace ws = b.newWorkspace(n);
    double[] out = new double[d * n];
    double[] ld = new double[n];
    double[] gradIn = new double[d * n];
    double[] gradParams = new double[params.length];
    gradParams[0] = 7.0; // must stay untouched: outside the layer's block
    if (inverse) {
      b.inverse(params, OFFSET, in, cond, out, ld, n, ws);
      b.inverseBackward(params, OFFSET, in, cond, out, w, v, gradIn, gradParams, n, ws);
    } else {
      b.forward(params, OFFSET, in, cond, out, ld, n, ws);
      b.forwardBackward(params, OFFSET, in, cond, out, w, v, gradIn, gradParams, n, ws);
    }
    assertEquals(7.0, gradParams[0], 0.0, "gradParams outside the layer's block");
    for (int k = 0; k < in.length; k++) {
      double h = 1e-5 * Math.max(1, Math.abs(in[k]));
      double[] plus = in.clone();
      double[] minus = in.clone();
      plus[k] += h;
      minus[k] -= h;
      double fd = (loss(params, plus, w, v, inverse) - loss(params, minus, w, v, inverse)) / (2 * h);
      assertClose(fd, gradIn[k], (inverse ? "dL/dy" : "dL/dx") + "[" + k + "]");
    }
    for (int k = OFFSET; k < OFFSET + b.parameterCount(); k++) {
      double h = 1e-5 * Math.max(1, Math.abs(params[k]));
      double[] plus = params.clone();
      double[] minus = params.clone();
      plus[k] += h;
      minus[k] -= h;
      double fd = (loss(plus, in, w, v, inverse) - loss(minus, in, w, v, inverse)) / (2 * h);
      assertClose(fd, gradParams[k], (inverse ? "inverse" : "forward") + " dL/dparams[" + (k - OFFSET) + "]");
    }
  }

  private double loss(double[] p, double[] in, double[] w, double[] v, boolean inverse) {
    double[] ld = new double[n];
    double[] out = inverse ? inverse(p, in, ld) : forward(p, in, ld);
    double s = 0;
    for (int k = 0; k < out.length; k++) {
      s += w[k] * out[k];
    }
    for (int i = 0; i < n; i++) {
      s += v[i] * ld[i];
    }
    return s;
  }

  static void assertClose(double expected, double actual, String what) {
    assertTrue(Double.isFinite(actual), what + " is " + actual);
    assertEquals(expected, actual, FD_TOLERANCE * (1 + Math.abs(expected)), what);
  }

  /** log|det A| by Gaussian elimination with partial pivoting. */
  static double logAbsDet(double[][] a) {
    int d = a.length;
    double[][] m = new double[d][];
    for (int r = 0; r < d; r++) {
      m[r] = a[r].clone();
    }
    double s = 0;
    for (int c = 0; c < d; c++) {
      int pivot = c;
      for (int r = c + 1; r < d; r++) {
        if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) {
          pivot = r;
        }
      }
      double[] t = m[c];
      m[c] = m[pivot];
      m[pivot] = t;
      s += Math.log(Math.abs(m[c][c]));
      for (int r = c + 1; r < d; r++) {
        double f = m[r][c] / m[c][c];
        for (int k = c; k < d; k++) {
          m[r][k] -= f * m[c][k];
        }
      }
    }
    return s;
  }

  /**
   * At ±1e6, ±1e-300 and 0 both passes and both backward passes return finite values (DESIGN.md,
   * "extreme inputs staying finite").
   */
  void extremeInputsStayFinite() {
    double[] pool = {1e6, -1e6, 1e-300, -1e-300, 0.0, 3.5};
    double[] in = new double[b.dim() * n];
    for (int k = 0; k < in.length; k++) {
      in[k] = pool[k % pool.length];
    }
    double[] w = gaussian(in.length);
    double[] v = gaussian(n);
    for (boolean inverse : new boolean[] {false, true}) {
      Workspace ws = b.newWorkspace(n);
      double[] out = new double[in.length];
      double[] ld = new double[n];
      double[] gradIn = new double[in.length];
      double[] gradParams = new double[params.length];
      if (inverse) {
        b.inverse(params, OFFSET, in, cond, out, ld, n, ws);
        b.inverseBackward(params, OFFSET, in, cond, out, w, v, gradIn, gradParams, n, ws);
      } else {
        b.forward(params, OFFSET, in, cond, out, ld, n, ws);
        b.forwardBackward(params, OFFSET, in, cond, out, w, v, gradIn, gradParams, n, ws);
      }
      String pass = inverse ? "inverse" : "forward";
      for (int k = 0; k < in.length; k++) {
        assertTrue(Double.isFinite(out[k]), pass + " output " + k + " for input " + in[k] + " is " + out[k]);
        assertTrue(Double.isFinite(gradIn[k]), pass + " input gradient " + k + " is " + gradIn[k]);
      }
      for (int i = 0; i < n; i++) {
        assertTrue(Double.isFinite(ld[i]), pass + " log-det " + i + " is " + ld[i]);
      }
      for (double g : gradParams) {
        assertTrue(Double.isFinite(g), pass + " parameter gradient is " + g);
      }
    }
  }

  /** Runs every check. */
  void all(double roundTripTol) {
    contract(roundTripTol);
    extremeInputsStayFinite();
  }

  /** Round trip, log-dets and gradients of both directions at ordinary inputs. */
  void contract(double roundTripTol) {
    roundTrip(roundTripTol);
    logDetMatchesJacobian(false);
    logDetMatchesJacobian(true);
    gradients(false);
    gradients(true);
  }
}
