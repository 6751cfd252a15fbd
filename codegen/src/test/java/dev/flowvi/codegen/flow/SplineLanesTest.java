package dev.flowvi.codegen.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.bijection.Elementwise;
import dev.flowvi.engine.bijection.RationalQuadraticSpline;
import dev.flowvi.engine.kernel.SplineKernel;
import dev.flowvi.engine.kernel.VectorSupport;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The spline lanes ({@link SplineLanes}) against the scalar generated loops of the same flow, at
 * the inputs where a lane's bin choice or the identity outside [lo, hi] could differ: every knot
 * exactly, the ends and the doubles just beyond them, ±∞ and NaN, between points spread over the
 * bins. Values must agree bit for bit (the same operations in the same order); log-dets to 4 ulp
 * of their scale (VectorOperators.LOG against Math.log, within 1 ulp each).
 */
class SplineLanesTest {
  private static final int KNOTS = 4;
  private static final double BOUND = 1.5;
  private static final int DIM = 2;
  /** Three vectors of 8 lanes (or six of 4) and a scalar tail of 5. */
  private static final int N = 29;

  @Test
  void edgeInputsGiveTheScalarLoopsResults() {
    assumeTrue(VectorSupport.enabled(), "the Vector API is not enabled: " + VectorSupport.describe());
    Bijection flow = Elementwise.of(RationalQuadraticSpline.of(KNOTS, BOUND), DIM);
    Bijection scalar = FlowCompiler.compile(FlowProgram.of(flow, false), flow, FlowCompilerTest.CACHE);
    Bijection vector = FlowCompiler.compile(FlowProgram.of(flow, true), flow, FlowCompilerTest.CACHE);
    double[] p = FlowCompilerTest.parameters(flow, 5);
    // The forward pass searches the x knots, the inverse the y knots.
    double[] x = edgeInputs(p, 0);

    double[] yS = new double[DIM * N];
    double[] yV = new double[DIM * N];
    double[] ldS = new double[N];
    double[] ldV = new double[N];
    scalar.forward(p, 3, x, null, yS, ldS, N, scalar.newWorkspace(N));
    vector.forward(p, 3, x, null, yV, ldV, N, vector.newWorkspace(N));
    assertSameBits("forward values", yS, yV);
    assertLogDets("forward", ldS, ldV);
    // The inputs are the knots the generated code computes: each x knot maps onto its y knot.
    for (int j = 0; j < DIM; j++) {
      double[] tab = new double[SplineMath.tableSize(KNOTS)];
      SplineMath.knots(p, 3 + j * SplineKernel.rawRows(KNOTS), KNOTS, -BOUND, BOUND, tab);
      for (int k = 0; k < KNOTS + 2; k++) {
        assertEquals(tab[KNOTS + 2 + k], yV[j * N + k], 1e-12, "knot " + k + " of coordinate " + j);
      }
    }

    double[] y = edgeInputs(p, KNOTS + 2);
    double[] xS = new double[DIM * N];
    double[] xV = new double[DIM * N];
    Arrays.fill(ldS, 0.0);
    Arrays.fill(ldV, 0.0);
    scalar.inverse(p, 3, y, null, xS, ldS, N, scalar.newWorkspace(N));
    vector.inverse(p, 3, y, null, xV, ldV, N, vector.newWorkspace(N));
    assertSameBits("inverse values", xS, xV);
    assertLogDets("inverse", ldS, ldV);
    // The inverse takes each y knot back onto its x knot.
    for (int j = 0; j < DIM; j++) {
      for (int k = 0; k < KNOTS + 2; k++) {
        assertEquals(x[j * N + k], xV[j * N + k], 1e-12, "y knot " + k + " of coordinate " + j);
      }
    }
  }

  /**
   * Per coordinate: the knots on the search axis (x from 0, y from K + 2 in the knot table), the
   * doubles beyond both ends, ±∞ and NaN, then points inside the bins.
   */
  private static double[] edgeInputs(double[] p, int axis) {
    int perCoordinate = SplineKernel.rawRows(KNOTS);
    double[] z = new double[DIM * N];
    for (int j = 0; j < DIM; j++) {
      double[] tab = new double[SplineMath.tableSize(KNOTS)];
      SplineMath.knots(p, 3 + j * perCoordinate, KNOTS, -BOUND, BOUND, tab);
      int i = 0;
      for (int k = 0; k < KNOTS + 2; k++) {
        z[j * N + i++] = tab[axis + k];
      }
      for (double v : new double[] {Math.nextDown(-BOUND), Math.nextUp(BOUND), -2 * BOUND, 2 * BOUND,
          Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN}) {
        z[j * N + i++] = v;
      }
      for (int k = 0; i < N; k++, i++) {
        // Points inside the bins, cycling over them.
        int bin = k % (KNOTS + 1);
        double frac = 0.1 + 0.8 * ((k * 0.37) % 1.0);
        z[j * N + i] = tab[axis + bin] + frac * (tab[axis + bin + 1] - tab[axis + bin]);
      }
    }
    return z;
  }

  private static void assertSameBits(String what, double[] expected, double[] actual) {
    int k = Arrays.mismatch(expected, actual);
    assertTrue(k < 0, () -> what + " differ first at entry " + k + " (input index " + k % N + "): " + expected[k] + " against " + actual[k]);
  }

  private static void assertLogDets(String pass, double[] expected, double[] actual) {
    for (int i = 0; i < N; i++) {
      double e = expected[i];
      double a = actual[i];
      assertEquals(Double.isNaN(e), Double.isNaN(a), pass + " log-det NaN at point " + i);
      double scale = Math.max(1.0, Math.abs(e));
      assertTrue(Double.isNaN(e) || Math.abs(e - a) <= 4 * Math.ulp(scale),
          pass + " log-det of point " + i + ": " + e + " against " + a);
    }
  }
}
