package dev.flowvi.engine.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.target.LogDensity;
import org.junit.jupiter.api.Test;

class ModeSearchTest {
  /** Independent normals N(mu_j, sd_j): mode mu, Laplace sds exactly sd. */
  private static LogDensity gaussian(double[] mu, double[] sd) {
    return new LogDensity() {
      @Override
      public int dim() {
        return mu.length;
      }

      @Override
      public void logDensity(double[] z, int n, double[] logp) {
        logDensityAndGradient(z, n, logp, new double[z.length]);
      }

      @Override
      public void logDensityAndGradient(double[] z, int n, double[] logp, double[] grad) {
        java.util.Arrays.fill(logp, 0, n, 0.0);
        for (int j = 0; j < mu.length; j++) {
          for (int i = 0; i < n; i++) {
            double r = (z[j * n + i] - mu[j]) / sd[j];
            logp[i] -= 0.5 * r * r;
            grad[j * n + i] = -r / sd[j];
          }
        }
      }
    };
  }

  /**
   * 0.2 N(0, 0.1) + 0.8 N(3, 0.1) in 1-D: a low mode at the centre and the highest at 3, which a
   * single start from the centre cannot reach (the density between them is ~e^-100 of the peaks).
   */
  private static final LogDensity TWO_MODES = new LogDensity() {
    @Override
    public int dim() {
      return 1;
    }

    @Override
    public void logDensity(double[] z, int n, double[] logp) {
      logDensityAndGradient(z, n, logp, new double[n]);
    }

    @Override
    public void logDensityAndGradient(double[] z, int n, double[] logp, double[] grad) {
      for (int i = 0; i < n; i++) {
        double a = Math.log(0.2) - 0.5 * Math.pow(z[i] / 0.1, 2);
        double b = Math.log(0.8) - 0.5 * Math.pow((z[i] - 3) / 0.1, 2);
        double m = Math.max(a, b);
        logp[i] = m + Math.log(Math.exp(a - m) + Math.exp(b - m));
        double wa = Math.exp(a - logp[i]);
        double wb = Math.exp(b - logp[i]);
        grad[i] = wa * (-z[i] / 0.01) + wb * (-(z[i] - 3) / 0.01);
      }
    }
  };

  /**
   * Adam's steps are at most about the learning rate, which ends at 1e-3, so the mode is found to
   * a few 1e-3 absolute (2e-3 asserted). On a Gaussian the gradient is linear, so the central
   * difference of the gradient is exact up to round-off (ε/h ≈ 1e-11 relative): the Laplace sds
   * at the found mode equal the true sds to 1e-6 relative.
   */
  @Test
  void findsTheModeAndTheSdsOfAGaussian() {
    double[] mu = {1.0, -2.0, 0.5};
    double[] sd = {0.01, 0.3, 0.8};
    ModeSearch m = ModeSearch.of(gaussian(mu, sd), new double[] {0, 0, 0}, 1.0, 8, 300, 1);
    for (int j = 0; j < 3; j++) {
      assertEquals(mu[j], m.mode()[j], 2e-3, "mode " + j);
      assertEquals(sd[j], LaplaceApproximation.at(gaussian(mu, sd), m.mode()).marginalSds()[j], 1e-6 * sd[j], "sd " + j);
    }
    assertTrue(m.logDensity() > -0.5 * Math.pow(2e-3 / 0.01, 2) * 3, "log density at the mode " + m.logDensity());
  }

  /**
   * Three Adam steps from 0 leave the start between 1 and 200 sds from the mode of N(mu, sd); on a
   * quadratic log density the central-difference Hessian and gradient are exact up to round-off, so
   * the first Newton step of the polish lands on the mode (1e-9 allows the ε/h ≈ 1e-11 relative
   * round-off of the differences, amplified by the condition number 6400 of the Hessian).
   */
  @Test
  void newtonPolishLandsOnTheModeAfterAShortAscent() {
    double[] mu = {1.0, -2.0, 0.5};
    double[] sd = {0.01, 0.3, 0.8};
    ModeSearch m = ModeSearch.of(gaussian(mu, sd), new double[] {0, 0, 0}, 0.0, 1, 3, 1);
    for (int j = 0; j < 3; j++) {
      assertEquals(mu[j], m.mode()[j], 1e-9 * Math.max(1, Math.abs(mu[j])), "mode " + j);
    }
    assertEquals(0.0, m.logDensity(), 1e-12);
    assertTrue(m.ascentLogDensity() < -1.0, "three steps of at most 0.1 leave the ascent far from the mode: " + m.ascentLogDensity());
  }

  /** Where −∇²log p is not positive definite the polish stops and the ascent's point is kept. */
  @Test
  void polishStopsWhereTheCurvatureIsNotConcave() {
    LogDensity saddle = new LogDensity() {
      @Override
      public int dim() {
        return 2;
      }

      @Override
      public void logDensity(double[] z, int n, double[] logp) {
        for (int i = 0; i < n; i++) {
          logp[i] = -z[i] * z[i] + z[n + i] * z[n + i] - Math.pow(z[n + i], 4);
        }
      }

      @Override
      public void logDensityAndGradient(double[] z, int n, double[] logp, double[] grad) {
        logDensity(z, n, logp);
        for (int i = 0; i < n; i++) {
          grad[i] = -2 * z[i];
          grad[n + i] = 2 * z[n + i] - 4 * Math.pow(z[n + i], 3);
        }
      }
    };
    // From (1, 0) the ascent moves along the first coordinate only: the second is a saddle at 0.
    ModeSearch m = ModeSearch.of(saddle, new double[] {1, 0}, 0.0, 1, 5, 1);
    assertEquals(m.ascentLogDensity(), m.logDensity(), 0.0, "no Newton step where the Hessian is indefinite");
    assertEquals(0.0, m.mode()[1], 0.0);
  }

  @Test
  void manyStartsReachTheHighestModeWhereOneStartStaysInTheLocalOne() {
    ModeSearch one = ModeSearch.of(TWO_MODES, new double[] {0.0}, 2.0, 1, 300, 3);
    ModeSearch many = ModeSearch.of(TWO_MODES, new double[] {0.0}, 2.0, 32, 300, 3);
    assertEquals(0.0, one.mode()[0], 2e-3, "a single start ascends to the nearest mode");
    assertEquals(3.0, many.mode()[0], 2e-3, "32 starts with sd 2 reach the basin of the higher mode");
    assertTrue(many.logDensity() > one.logDensity() + 1.0);
    assertEquals(0.1, LaplaceApproximation.at(TWO_MODES, many.mode()).marginalSds()[0], 1e-3, "the Laplace sd of the higher component");
  }

  @Test
  void badInputNamesTheArgument() {
    LogDensity g = gaussian(new double[] {0, 0}, new double[] {1, 1});
    assertThrows(IllegalArgumentException.class, () -> ModeSearch.of(g, new double[3], 1.0, 4, 10, 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModeSearch.of(g, new double[2], 1.0, 0, 10, 0));
    assertTrue(e.getMessage().contains("starts"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ModeSearch.of(g, new double[2], Double.NaN, 4, 10, 0));
    assertTrue(e.getMessage().contains("spread is NaN"), e.getMessage());
    LogDensity nowhere = new LogDensity() {
      @Override
      public int dim() {
        return 1;
      }

      @Override
      public void logDensity(double[] z, int n, double[] logp) {
        java.util.Arrays.fill(logp, 0, n, Double.NEGATIVE_INFINITY);
      }

      @Override
      public void logDensityAndGradient(double[] z, int n, double[] logp, double[] grad) {
        logDensity(z, n, logp);
      }
    };
    e = assertThrows(IllegalArgumentException.class, () -> ModeSearch.of(nowhere, new double[1], 1.0, 4, 10, 0));
    assertTrue(e.getMessage().contains("not finite at any of the 4 starts"), e.getMessage());
  }
}
