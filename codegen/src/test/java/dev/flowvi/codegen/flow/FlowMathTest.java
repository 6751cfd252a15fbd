package dev.flowvi.codegen.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.random.RandomStream;
import org.junit.jupiter.api.Test;

/**
 * FlowMath's log1p and expm1 against the JDK's. Both correct the rounding of an intermediate
 * (Goldberg 1991, Theorem 4; Kahan) on top of the intrinsic log and exp, which are within 1 ulp;
 * 2 ulp is the largest error seen in 2·10^7 random arguments, and the bound here is 4 ulp.
 */
class FlowMathTest {
  private static final double ULPS = 4;

  private static void withinUlps(double expected, double actual, String what) {
    assertTrue(Math.abs(actual - expected) <= ULPS * Math.ulp(expected), what + ": " + actual + " against " + expected);
  }

  @Test
  void log1pAndExpm1AreWithinFourUlpOfTheJdksOverEveryMagnitude() {
    RandomStream rng = RandomStream.of(11);
    for (int i = 0; i < 1_000_000; i++) {
      // |x| from 2^-60 to 2^10, both signs (log1p only above −1).
      double x = Math.copySign(Math.pow(2, -60 + 70 * rng.nextDouble()), rng.nextDouble() - 0.5);
      if (x > -1) {
        withinUlps(Math.log1p(x), FlowMath.log1p(x), "log1p(" + x + ")");
      }
      double y = x > 700 ? 700 : x;
      withinUlps(Math.expm1(y), FlowMath.expm1(y), "expm1(" + y + ")");
    }
    for (double x = -0.999; x < 3; x += 0.001) {
      withinUlps(Math.log1p(x), FlowMath.log1p(x), "log1p(" + x + ")");
      withinUlps(Math.expm1(x), FlowMath.expm1(x), "expm1(" + x + ")");
    }
  }

  @Test
  void specialValuesAreTheJdks() {
    double[] log1pArgs = {0.0, -0.0, -1.0, -1.5, Double.POSITIVE_INFINITY, Double.NaN, Double.MIN_VALUE, -Double.MIN_VALUE, 1e308};
    for (double x : log1pArgs) {
      assertEquals(Math.log1p(x), FlowMath.log1p(x), "log1p(" + x + ")");
    }
    double[] expm1Args = {0.0, -0.0, 710, -800, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN, Double.MIN_VALUE, -40};
    for (double x : expm1Args) {
      assertEquals(Math.expm1(x), FlowMath.expm1(x), "expm1(" + x + ")");
    }
    assertEquals(Double.doubleToLongBits(-0.0), Double.doubleToLongBits(FlowMath.log1p(-0.0)), "the sign of zero");
    assertEquals(Double.doubleToLongBits(-0.0), Double.doubleToLongBits(FlowMath.expm1(-0.0)), "the sign of zero");
  }
}
