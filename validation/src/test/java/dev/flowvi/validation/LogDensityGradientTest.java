package dev.flowvi.validation;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.target.LogDensity;
import org.junit.jupiter.api.Test;

/** GradientCheck on a target: a banana (Rosenbrock-like) density with its hand gradient. */
class LogDensityGradientTest {
  /** log p(a, b) = −a²/2 − (b − a²)²·k/2; {@code flawed} drops the a-term of ∂/∂a. */
  static LogDensity banana(double k, boolean flawed) {
    return banana(k, flawed, 0, 0);
  }

  /**
   * As {@link #banana(double, boolean)}, plus {@code offset} in every log density (a data sum's
   * size, far from the posterior) and {@code slip} added to ∂/∂b (a small flaw).
   */
  static LogDensity banana(double k, boolean flawed, double offset, double slip) {
    return new LogDensity() {
      @Override
      public int dim() {
        return 2;
      }

      @Override
      public void logDensity(double[] z, int n, double[] logp) {
        for (int i = 0; i < n; i++) {
          double a = z[i];
          double r = z[n + i] - a * a;
          logp[i] = offset - 0.5 * a * a - 0.5 * k * r * r;
        }
      }

      @Override
      public void logDensityAndGradient(double[] z, int n, double[] logp, double[] grad) {
        logDensity(z, n, logp);
        for (int i = 0; i < n; i++) {
          double a = z[i];
          double r = z[n + i] - a * a;
          grad[i] = (flawed ? 0 : -a) + 2 * k * r * a;
          grad[n + i] = -k * r + slip;
        }
      }

      @Override
      public String[] coordinateNames() {
        return new String[] {"alpha", "beta"};
      }
    };
  }

  @Test
  void correctGradientPassesAndAFlawIsNamed() {
    double[] z = GradientCheckTest.randomPoints(3, 2 * 6, 1.5);
    GradientCheck.Result ok = GradientCheck.logDensity(banana(10, false), z, 6);
    assertTrue(ok.passed(1e-7), ok.toString());
    GradientCheck.Result bad = GradientCheck.logDensity(banana(10, true), z, 6);
    assertFalse(bad.passed(1e-3), bad.toString());
    assertTrue(bad.where().contains("'alpha'"), bad.where());
  }

  /**
   * With log p near −3·10^5, as M2's sum over 10^4 rows is at standard normal points, the central
   * differences carry round-off of about ε·3·10^5/h ≈ 10^-5 (h ≈ 6·10^-6 here): the plain check
   * reports that noise as an error above 1e-7, the round-off-aware one does not count it (its
   * allowance is 12·ε·|log p|/h ≈ 1.3·10^-4) and still fails a flaw of 10^-2, and of 10^-3.
   */
  @Test
  void roundOffOfALargeLogDensityIsNotCountedButAFlawStillIs() {
    double[] z = GradientCheckTest.randomPoints(3, 2 * 6, 1.5);
    double offset = -3e5;
    GradientCheck.Result plain = GradientCheck.logDensity(banana(10, false, offset, 0), z, 6);
    assertFalse(plain.passed(1e-7), "the plain check sees the round-off: " + plain);
    GradientCheck.Result ok = GradientCheck.logDensityBeyondRoundOff(banana(10, false, offset, 0), z, 6);
    assertTrue(ok.passed(1e-7), ok.toString());
    assertTrue(ok.roundOff() > 1e-5 && ok.roundOff() < 1e-3, "allowance " + ok.roundOff());
    for (double slip : new double[] {1e-2, 1e-3}) {
      GradientCheck.Result bad = GradientCheck.logDensityBeyondRoundOff(banana(10, false, offset, slip), z, 6);
      assertFalse(bad.passed(1e-6), bad.toString());
      assertTrue(bad.where().contains("'beta'"), bad.where());
    }
    // Without the offset |log p| is below about 10^2 here, and the allowance below 10^-6: the
    // check keeps the plain one's sensitivity on a log density of ordinary size.
    assertTrue(GradientCheck.logDensityBeyondRoundOff(banana(10, false), z, 6).roundOff() < 1e-6);
  }
}
