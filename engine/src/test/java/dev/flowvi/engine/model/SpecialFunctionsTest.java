package dev.flowvi.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** log Γ and ψ against exact values (factorials, Γ(1/2) = √π, ψ(1) = −γ) and each other. */
class SpecialFunctionsTest {
  private static final double EULER_GAMMA = 0.5772156649015329;

  @Test
  void logGammaAtIntegersIsLogFactorial() {
    double logFactorial = 0;
    for (int n = 1; n <= 60; n++) {
      // Γ(n) = (n − 1)!; the exact sum of logs has round-off ~n ulp of the result.
      assertEquals(logFactorial, SpecialFunctions.logGamma(n), 1e-14 * Math.max(1, logFactorial) + 1e-15, "n = " + n);
      logFactorial += Math.log(n);
    }
  }

  /**
   * Below 10 the result is log Γ(x + k) − log Π(x + j), a difference of terms up to ~14, so the
   * absolute error is a few ulp of 14: 1e-14.
   */
  @Test
  void logGammaAtHalfIntegersAndTinyArguments() {
    assertEquals(0.5 * Math.log(Math.PI), SpecialFunctions.logGamma(0.5), 1e-14);
    assertEquals(Math.log(0.75 * Math.sqrt(Math.PI)), SpecialFunctions.logGamma(2.5), 1e-14);
    // Γ(x) ≈ 1/x − γ for tiny x.
    assertEquals(-Math.log(1e-10) - EULER_GAMMA * 1e-10, SpecialFunctions.logGamma(1e-10), 1e-12);
    assertEquals(Double.POSITIVE_INFINITY, SpecialFunctions.logGamma(0));
    assertTrue(Double.isNaN(SpecialFunctions.logGamma(-1)));
  }

  @Test
  void digammaKnownValuesRecurrenceAndDerivative() {
    assertEquals(-EULER_GAMMA, SpecialFunctions.digamma(1), 1e-15);
    assertEquals(-EULER_GAMMA - 2 * Math.log(2), SpecialFunctions.digamma(0.5), 1e-15);
    for (double x : new double[] {0.3, 1.7, 4.2, 9.9, 10.1, 55}) {
      assertEquals(SpecialFunctions.digamma(x) + 1 / x, SpecialFunctions.digamma(x + 1), 1e-14, "recurrence at " + x);
      double h = 1e-5 * Math.max(1, x);
      double fd = (SpecialFunctions.logGamma(x + h) - SpecialFunctions.logGamma(x - h)) / (2 * h);
      // Central difference: truncation h²ψ''/6 and round-off ε·|lgamma|/h, both below 1e-8 here.
      assertEquals(fd, SpecialFunctions.digamma(x), 1e-8 * Math.max(1, Math.abs(fd)), "derivative at " + x);
    }
  }
}
