package dev.flowvi.validation;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.target.LogDensity;
import org.junit.jupiter.api.Test;

/** GradientCheck on a target: a banana (Rosenbrock-like) density with its hand gradient. */
class LogDensityGradientTest {
  /** log p(a, b) = −a²/2 − (b − a²)²·k/2; {@code flawed} drops the a-term of ∂/∂a. */
  static LogDensity banana(double k, boolean flawed) {
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
          logp[i] = -0.5 * a * a - 0.5 * k * r * r;
        }
      }

      @Override
      public void logDensityAndGradient(double[] z, int n, double[] logp, double[] grad) {
        logDensity(z, n, logp);
        for (int i = 0; i < n; i++) {
          double a = z[i];
          double r = z[n + i] - a * a;
          grad[i] = (flawed ? 0 : -a) + 2 * k * r * a;
          grad[n + i] = -k * r;
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
}
