package dev.flowvi.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.random.RandomStream;
import org.junit.jupiter.api.Test;

/**
 * The gradient check passes correct gradients at a tight tolerance and catches deliberately wrong
 * ones, naming where. Correct maps here are smooth with order-1 inputs, so central differences
 * are good to about 1e-9; 1e-7 leaves a margin, and every flaw below is off by order 1e-1.
 */
class GradientCheckTest {
  private static final double TOLERANCE = 1e-7;

  static double[] randomPoints(long seed, int count, double scale) {
    double[] x = new double[count];
    RandomStream rng = RandomStream.of(seed);
    for (int k = 0; k < count; k++) {
      x[k] = scale * rng.nextGaussian();
    }
    return x;
  }

  @Test
  void correctBijectionPassesInBothDirections() {
    DiagonalAffine b = new DiagonalAffine(3, DiagonalAffine.Flaw.NONE);
    double[] p = b.randomParams(1);
    double[] x = randomPoints(2, 3 * 4, 2.0);
    GradientCheck.Result f = GradientCheck.forward(b, p, x, 4, 7);
    GradientCheck.Result i = GradientCheck.inverse(b, p, x, 4, 7);
    assertTrue(f.passed(TOLERANCE), f.toString());
    assertTrue(i.passed(TOLERANCE), i.toString());
    assertEquals(12, f.inputsChecked());
    assertEquals(6, f.parametersChecked());
    Shear s = new Shear();
    double[] sp = {0.4, -0.8};
    double[] sx = randomPoints(3, 2 * 5, 1.5);
    assertTrue(GradientCheck.forward(s, sp, sx, 5, 1).passed(TOLERANCE), GradientCheck.forward(s, sp, sx, 5, 1).toString());
    assertTrue(GradientCheck.inverse(s, sp, sx, 5, 1).passed(TOLERANCE), GradientCheck.inverse(s, sp, sx, 5, 1).toString());
  }

  @Test
  void wrongParameterGradientIsCaughtAndLocated() {
    DiagonalAffine b = new DiagonalAffine(3, DiagonalAffine.Flaw.SCALE_GRADIENT);
    double[] p = b.randomParams(1);
    GradientCheck.Result r = GradientCheck.forward(b, p, randomPoints(2, 12, 2.0), 4, 7);
    assertFalse(r.passed(1e-2), r.toString());
    assertTrue(r.where().contains("block 'scale_raw'"), r.where());
    assertTrue(r.toString().contains("GradientCheck[DiagonalAffine forward]"), r.toString());
  }

  @Test
  void wrongInputGradientOfTheInverseIsCaughtAndLocated() {
    DiagonalAffine b = new DiagonalAffine(2, DiagonalAffine.Flaw.INVERSE_INPUT_GRADIENT);
    double[] p = b.randomParams(4);
    GradientCheck.Result r = GradientCheck.inverse(b, p, randomPoints(5, 6, 1.0), 3, 7);
    assertFalse(r.passed(1e-2), r.toString());
    assertTrue(r.where().startsWith("y["), r.where());
    assertTrue(r.where().contains("of point"), r.where());
    // The forward direction of the same bijection is right, and the check says so.
    assertTrue(GradientCheck.forward(b, p, randomPoints(5, 6, 1.0), 3, 7).passed(TOLERANCE));
  }

  @Test
  void scalarFunctionsAndTheirLocations() {
    GradientCheck.ScalarFunction f = v -> Math.sin(v[0]) * v[1] * v[1] + Math.exp(0.3 * v[2]);
    double[] x = {0.7, -1.3, 2.0};
    double[] g = {Math.cos(0.7) * 1.69, 2 * Math.sin(0.7) * -1.3, 0.3 * Math.exp(0.6)};
    assertTrue(GradientCheck.ofFunction("f", f, x, g).passed(TOLERANCE));
    g[1] *= 1.001;
    GradientCheck.Result r = GradientCheck.ofFunction("f", f, x, g);
    assertEquals("x[1]", r.where());
    assertTrue(r.worstRelativeError() > 5e-4 && r.worstRelativeError() < 2e-3, r.toString());
  }

  /** With floor 1, an exactly-zero gradient is compared absolutely: round-off of a large f is tolerated. */
  @Test
  void zeroGradientOfALargeFunctionIsNotAFalseAlarm() {
    GradientCheck.ScalarFunction f = v -> 1e4 * Math.cos(v[1]) + 0 * v[0];
    double[] x = {0.3, 0.0};
    GradientCheck.Result r = GradientCheck.ofFunction("f", f, x, new double[] {0, 0});
    assertTrue(r.passed(1e-6), r.toString());
  }

  @Test
  void nonFiniteAnalyticGradientsFail() {
    GradientCheck.Result r = GradientCheck.ofFunction("f", v -> v[0], new double[] {1}, new double[] {Double.NaN});
    assertEquals(Double.POSITIVE_INFINITY, r.worstRelativeError());
    assertFalse(r.passed(1));
  }

  @Test
  void stepFollowsTheCubeRootRule() {
    assertEquals(Math.cbrt(Math.ulp(1.0)), FiniteDifference.step(0.0), 0);
    assertEquals(1e3 * Math.cbrt(Math.ulp(1.0)), FiniteDifference.step(1e3), 1e-12);
    double x = 0.1;
    assertEquals(x + FiniteDifference.step(x) - x, FiniteDifference.step(x), 0); // exactly representable
  }

  @Test
  void badArgumentsAreNamed() {
    DiagonalAffine b = new DiagonalAffine(2, DiagonalAffine.Flaw.NONE);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GradientCheck.forward(b, new double[4], new double[3], 2, 1));
    assertTrue(e.getMessage().startsWith("x has length 3"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> GradientCheck.forward(b, new double[3], new double[4], 2, 1));
    assertTrue(e.getMessage().startsWith("params has length 3"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> GradientCheck.ofFunction("f", v -> 0, new double[2], new double[1]));
    assertTrue(e.getMessage().startsWith("gradient has length 1"), e.getMessage());
  }
}
