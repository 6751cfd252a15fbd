package dev.flowvi.engine.bijection;

import static dev.flowvi.engine.bijection.RationalQuadraticSplineTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.core.ParameterBlock;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;
import org.junit.jupiter.api.Test;

/**
 * The elementwise spline bijection {@code Elementwise.of(RationalQuadraticSpline.of(8, 3), 3)}:
 * layout, identity initialisation, invertibility, log-det against the finite-difference Jacobian
 * (diagonal, so log|det| = Σ log ∂y_j/∂x_j), and central-difference gradients with respect to the
 * inputs and to every shared parameter, in both directions. Finite differences are Richardson
 * extrapolated with h = 1e-5 on points at least 1e-3 from every knot (see
 * RationalQuadraticSplineTest for the error budget); the parameter gradient sums n per-point
 * terms, so its tolerance is 1e-6 relative to max(1, |Σ|, Σ|terms|).
 */
class ElementwiseTest {
  private static final int K = 8;
  private static final double B = 3.0;
  private static final int DIM = 3;
  private static final int OFFSET = 5;
  private static final double H = 1e-5;

  private final Elementwise flow = Elementwise.of(RationalQuadraticSpline.of(K, B), DIM);
  private final int p = 3 * K + 4;

  @Test
  void describesOneBlockOfShapeDimByP() {
    ParameterLayout.Builder b = ParameterLayout.builder();
    b.add("before", OFFSET);
    flow.describeParameters(b, "layer0.");
    ParameterBlock block = b.build().block("layer0.RationalQuadraticSpline");
    assertArrayEquals(new int[] {DIM, p}, block.shape());
    assertEquals(OFFSET, block.offset());
    assertEquals(DIM * p, flow.parameterCount());
    assertEquals(DIM, flow.dim());
  }

  @Test
  void initialisesToTheIdentity() {
    double[] params = new double[OFFSET + DIM * p];
    flow.initialise(params, OFFSET, RandomStream.of(1));
    int n = 7;
    double[] x = {-4, -3, -1e-300, 0, 0.7, 2.999, 3, 1e6, -1.25, 1.0 / 3, 2.5, -2.5, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 0.9, 1.1};
    double[] y = new double[DIM * n];
    double[] ld = new double[n];
    Workspace ws = flow.newWorkspace(n);
    flow.forward(params, OFFSET, x, null, y, ld, n, ws);
    for (int i = 0; i < DIM * n; i++) {
      assertEquals(x[i], y[i], 8 * Math.ulp(B), "identity at " + x[i]);
    }
    for (int i = 0; i < n; i++) {
      assertEquals(0.0, ld[i], 1e-15);
    }
  }

  private double[] randomParams(RandomStream rng) {
    double[] params = new double[OFFSET + DIM * p];
    for (int i = OFFSET; i < params.length; i++) {
      params[i] = 1.5 * rng.nextGaussian();
    }
    return params;
  }

  /** Inputs on [−1.2B, 1.2B], at least 1e-3 from the knots of their coordinate on the given axis. */
  private double[] inputs(double[] params, int n, int axisOffset, RandomStream rng) {
    double[] v = new double[DIM * n];
    for (int j = 0; j < DIM; j++) {
      double[] knots = SplineReference.knots(K, -B, B, params, OFFSET + j * p + axisOffset, 1);
      for (int i = 0; i < n; i++) {
        double u;
        do {
          u = (2 * rng.nextDouble() - 1) * 1.2 * B;
        } while (SplineReference.distanceToKnots(u, knots) < 1e-3);
        v[j * n + i] = u;
      }
    }
    return v;
  }

  @Test
  void inverseUndoesForwardAndLogDetsCancel() {
    RandomStream rng = RandomStream.of(31);
    double[] params = randomParams(rng);
    int n = 50;
    double[] x = inputs(params, n, 0, rng);
    double[] y = new double[DIM * n];
    double[] back = new double[DIM * n];
    double[] ld = new double[n];
    double[] ldInv = new double[n];
    Workspace ws = flow.newWorkspace(n);
    flow.forward(params, OFFSET, x, null, y, ld, n, ws);
    flow.inverse(params, OFFSET, y, null, back, ldInv, n, ws);
    for (int i = 0; i < DIM * n; i++) {
      // Rounding of y amplified by dx/dy (see RationalQuadraticSplineTest); 1e-9 covers slopes ≥ 1e-5.
      assertEquals(x[i], back[i], 1e-9, "inverse(forward(x)) at " + x[i]);
    }
    for (int i = 0; i < n; i++) {
      assertEquals(-ld[i], ldInv[i], 1e-9);
    }
  }

  @Test
  void logDetIsTheLogOfTheFiniteDifferenceJacobian() {
    RandomStream rng = RandomStream.of(32);
    double[] params = randomParams(rng);
    int n = 40;
    double[] x = inputs(params, n, 0, rng);
    double[] ld = new double[n];
    Workspace ws = flow.newWorkspace(n);
    flow.forward(params, OFFSET, x, null, new double[DIM * n], ld, n, ws);
    // The Jacobian is diagonal: shifting every coordinate of every point at once gives all of
    // ∂y_j/∂x_j in one pair of passes.
    double[] d1 = centralOutput(params, x, n, H, ws);
    double[] d2 = centralOutput(params, x, n, H / 2, ws);
    for (int i = 0; i < n; i++) {
      double sum = 0;
      double minSlope = Double.POSITIVE_INFINITY;
      for (int j = 0; j < DIM; j++) {
        double slope = (4 * d2[j * n + i] - d1[j * n + i]) / 3;
        sum += Math.log(slope);
        minSlope = Math.min(minSlope, slope);
      }
      assertEquals(sum, ld[i], 1e-6 + 1e-15 / (H * minSlope), "log-det of point " + i);
    }
  }

  private double[] centralOutput(double[] params, double[] x, int n, double h, Workspace ws) {
    double[] xp = x.clone();
    double[] xm = x.clone();
    for (int i = 0; i < xp.length; i++) {
      xp[i] += h;
      xm[i] -= h;
    }
    double[] yp = new double[x.length];
    double[] ym = new double[x.length];
    flow.forward(params, OFFSET, xp, null, yp, new double[n], n, ws);
    flow.forward(params, OFFSET, xm, null, ym, new double[n], n, ws);
    double[] d = new double[x.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = (yp[i] - ym[i]) / (2 * h);
    }
    return d;
  }

  @Test
  void forwardGradientsMatchFiniteDifferences() {
    RandomStream rng = RandomStream.of(33);
    double[] params = randomParams(rng);
    checkGradients(params, inputs(params, 30, 0, rng), 30, true, rng);
  }

  @Test
  void inverseGradientsMatchFiniteDifferences() {
    RandomStream rng = RandomStream.of(34);
    double[] params = randomParams(rng);
    checkGradients(params, inputs(params, 30, K + 1, rng), 30, false, rng);
  }

  @Test
  void gradientsAtTheIdentityMatchFiniteDifferences() {
    RandomStream rng = RandomStream.of(35);
    double[] params = new double[OFFSET + DIM * p];
    flow.initialise(params, OFFSET, rng);
    checkGradients(params, inputs(params, 20, 0, rng), 20, true, rng);
    checkGradients(params, inputs(params, 20, 0, rng), 20, false, rng);
  }

  /** L = Σ g·out + Σ gl·logDet; backward gradients against Richardson central differences. */
  private void checkGradients(double[] params, double[] in, int n, boolean forward, RandomStream rng) {
    double[] g = new double[DIM * n];
    double[] gl = new double[n];
    for (int i = 0; i < g.length; i++) {
      g[i] = rng.nextGaussian();
    }
    for (int i = 0; i < n; i++) {
      gl[i] = rng.nextGaussian();
    }
    Workspace ws = flow.newWorkspace(n + 3);
    double[] out = new double[DIM * n];
    run(params, in, out, new double[n], n, ws, forward);
    double[] gradIn = new double[DIM * n];
    double[] gradParams = new double[params.length];
    java.util.Arrays.fill(gradParams, 1.0); // the backward pass adds into gradParams
    if (forward) {
      flow.forwardBackward(params, OFFSET, in, null, out, g, gl, gradIn, gradParams, n, ws);
    } else {
      flow.inverseBackward(params, OFFSET, in, null, out, g, gl, gradIn, gradParams, n, ws);
    }
    for (int i = 0; i < OFFSET; i++) {
      assertEquals(1.0, gradParams[i], 0.0, "gradient outside this bijection's block");
    }
    // Inputs: each coordinate of each point enters only its own output and the point's log-det.
    for (int c = 0; c < DIM * n; c++) {
      final int at = c;
      double fd = richardson(h -> {
        double[] shifted = in.clone();
        shifted[at] += h;
        return loss(params, shifted, g, gl, n, ws, forward);
      });
      assertTrue(SplineReference.close(fd, gradIn[c], 1e-6), (forward ? "dL/dx[" : "dL/dy[") + c + "]: backward " + gradIn[c] + ", fd " + fd);
    }
    for (int q = OFFSET; q < params.length; q++) {
      final int at = q;
      double fd = richardson(h -> {
        double[] shifted = params.clone();
        shifted[at] += h;
        return loss(shifted, in, g, gl, n, ws, forward);
      });
      double an = gradParams[q] - 1.0;
      assertTrue(SplineReference.close(fd, an, 1e-6 * Math.max(1, Math.abs(an)) * Math.sqrt(n)),
          (forward ? "forward" : "inverse") + " dL/dparam[" + (q - OFFSET) + "]: backward " + an + ", fd " + fd);
    }
  }

  private double loss(double[] params, double[] in, double[] g, double[] gl, int n, Workspace ws, boolean forward) {
    double[] out = new double[DIM * n];
    double[] ld = new double[n];
    run(params, in, out, ld, n, ws, forward);
    double l = 0;
    for (int i = 0; i < out.length; i++) {
      l += g[i] * out[i];
    }
    for (int i = 0; i < n; i++) {
      l += gl[i] * ld[i];
    }
    return l;
  }

  private static double richardson(java.util.function.DoubleUnaryOperator f) {
    double d1 = (f.applyAsDouble(H) - f.applyAsDouble(-H)) / (2 * H);
    double d2 = (f.applyAsDouble(H / 2) - f.applyAsDouble(-H / 2)) / H;
    return (4 * d2 - d1) / 3;
  }

  private void run(double[] params, double[] in, double[] out, double[] ld, int n, Workspace ws, boolean forward) {
    if (forward) {
      flow.forward(params, OFFSET, in, null, out, ld, n, ws);
    } else {
      flow.inverse(params, OFFSET, in, null, out, ld, n, ws);
    }
  }

  @Test
  void rejectsBadArguments() {
    assertMessage(() -> Elementwise.of(null, 2), "transformer must not be null");
    assertMessage(() -> Elementwise.of(RationalQuadraticSpline.of(K, B), 0), "dim is 0");
    assertMessage(() -> Elementwise.of(RationalQuadraticSpline.of(K, B), Integer.MAX_VALUE / 2), "to fit a Java array");
    assertMessage(() -> flow.newWorkspace(0), "capacity is 0");
    assertMessage(() -> flow.newWorkspace(Integer.MAX_VALUE / 4), "capacity is " + Integer.MAX_VALUE / 4);
    double[] params = new double[OFFSET + DIM * p];
    flow.initialise(params, OFFSET, RandomStream.of(1));
    Workspace ws = flow.newWorkspace(4);
    double[] x = new double[DIM * 4];
    double[] y = new double[DIM * 4];
    double[] ld = new double[4];
    assertMessage(() -> flow.forward(params, OFFSET, x, null, y, ld, 5, ws), "batch size n is 5");
    assertMessage(() -> flow.forward(params, OFFSET, x, null, y, ld, 0, ws), "batch size n is 0");
    assertMessage(() -> flow.forward(params, OFFSET, x, null, y, ld, 4, Workspace.none(4)), "expected one made by this bijection");
    assertMessage(() -> flow.forward(params, OFFSET + 1, x, null, y, ld, 4, ws), "params has length " + params.length);
    assertMessage(() -> flow.forward(params, OFFSET, new double[5], null, y, ld, 4, ws), "x has length 5");
    assertMessage(() -> flow.inverse(params, OFFSET, y, null, new double[3], ld, 4, ws), "x has length 3");
    assertMessage(() -> flow.forward(params, OFFSET, x, null, x, ld, 4, ws), "same array");
    assertMessage(() -> flow.forward(params, OFFSET, x, null, y, new double[2], 4, ws), "logDet has length 2");
    assertMessage(() -> flow.forwardBackward(params, OFFSET, x, null, y, new double[1], ld, new double[12], new double[params.length], 4, ws),
        "gradY has length 1");
    assertMessage(() -> flow.inverseBackward(params, OFFSET, y, null, x, new double[12], ld, new double[12], new double[3], 4, ws),
        "gradParams has length 3");
  }
}
