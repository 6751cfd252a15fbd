package dev.flowvi.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.random.RandomStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The convergence signal: exact on noiseless curves, honest error bars on noisy ones, and each state reached. */
class LossTrendTest {

  /** {@code level + slope·t} plus AR(1) noise with innovation sd {@code sd} and lag-1 correlation {@code rho}. */
  private static double[] curve(int steps, double level, double slope, double sd, double rho, long seed) {
    RandomStream rng = RandomStream.of(seed);
    double[] losses = new double[steps];
    double noise = sd / Math.sqrt(1 - rho * rho) * rng.nextGaussian();
    for (int t = 0; t < steps; t++) {
      losses[t] = level + slope * t + noise;
      noise = rho * noise + sd * rng.nextGaussian();
    }
    return losses;
  }

  @Test
  void aNoiselessLineGivesItsExactChangeOverTheLastFifthOfTheRun() {
    double[] losses = curve(300, 100, -0.01, 0, 0, 1);
    LossTrend trend = LossTrend.of(losses);
    assertEquals(241, trend.firstStep());
    assertEquals(300, trend.lastStep());
    assertEquals(-0.01 * 59, trend.change(), 1e-12);
    assertEquals(0, trend.changeSe(), 1e-12);
    assertEquals(100 - 0.01 * 299, trend.trendEnd(), 1e-12);
    assertEquals(LossTrend.State.IMPROVING, trend.state());
    assertTrue(trend.improving());
    assertTrue(trend.summary().startsWith("Still improving: over steps 241-300"), trend.summary());
  }

  @Test
  void shortRunsUseAWindowOfFiftyStepsOrTheWholeRun() {
    assertEquals(51, LossTrend.of(new double[100]).firstStep());
    assertEquals(1, LossTrend.of(new double[40]).firstStep());
    assertEquals(201, LossTrend.of(new double[250]).firstStep());
    assertEquals(LossTrend.State.NOT_ASSESSED, LossTrend.of(new double[9]).state());
    assertEquals(LossTrend.State.CONVERGED, LossTrend.of(new double[10]).state());
  }

  @Test
  void skippedStepsAreLeftOutOfTheFit() {
    double[] losses = curve(100, 50, 0.02, 0, 0, 1);
    losses[85] = Double.NaN;
    losses[90] = Double.POSITIVE_INFINITY;
    LossTrend trend = LossTrend.of(losses);
    assertEquals(0.02 * 49, trend.change(), 1e-12);
    assertEquals(LossTrend.State.WORSENING, trend.state());
    assertTrue(trend.summary().contains("lower the learning rate"), trend.summary());
    Arrays.fill(losses, 50, 91, Double.NaN);
    assertEquals(LossTrend.State.NOT_ASSESSED, LossTrend.of(losses).state(), "9 finite losses in the window");
  }

  @Test
  void eachStateIsReachedAsItsDefinitionSays() {
    // Noise sd 0.005 over a 60-step window: the change's standard error is about 0.005·√(12/60) ≈ 0.0022,
    // so a flat curve is bounded well inside 0.03 nats.
    assertEquals(LossTrend.State.CONVERGED, LossTrend.of(curve(300, 864.2, 0, 0.005, 0, 2)).state());
    // A fall of 1 nat across the window with noise sd 0.05 (standard error ≈ 0.02): improving.
    LossTrend falling = LossTrend.of(curve(300, 900, -1.0 / 59, 0.05, 0, 3));
    assertEquals(LossTrend.State.IMPROVING, falling.state());
    assertEquals(-1, falling.change(), 5 * falling.changeSe());
    // A fall of 0.01 nats is real (noise sd 1e-4) but immaterial: converged, not improving.
    assertEquals(LossTrend.State.CONVERGED, LossTrend.of(curve(300, 10, -0.01 / 59, 1e-4, 0, 4)).state());
    // Noise sd 5 (standard error ≈ 2.2 nats): no telling whether the change exceeds 0.03 nats.
    LossTrend noisy = LossTrend.of(curve(300, 10, 0, 5, 0, 5));
    assertEquals(LossTrend.State.UNSETTLED, noisy.state());
    assertTrue(noisy.summary().startsWith("Not settled:") && noisy.summary().contains("more samples per step"), noisy.summary());
    // A drift of 0.02 nats across the window under a ±0.02 zigzag (standard error ≈ 0.009): below
    // 0.03, so not improving, but two standard errors reach past it, so not converged either.
    double[] drift = new double[300];
    for (int t = 0; t < 300; t++) {
      drift[t] = 10 - 0.02 / 59 * t + (t % 2 == 0 ? 0.02 : -0.02);
    }
    LossTrend unsettled = LossTrend.of(drift);
    // The zigzag over 60 steps tilts the fitted line by 0.02·30·59/Σ(t − t̄)² = 0.00197 more.
    assertEquals(-0.02 - 0.02 * 30 * 59 / (60 * (60 * 60 - 1) / 12.0), unsettled.change(), 1e-12);
    assertEquals(LossTrend.State.UNSETTLED, unsettled.state(), unsettled.summary());
  }

  /**
   * The error bar is honest: on flat curves of 300 steps (a 60-step window) the change lies
   * beyond two standard errors about as often as a t statistic's does (4.6 % at 58 degrees of
   * freedom) for independent noise, and somewhat more often for AR(1) noise with ρ = 0.5, since
   * the window's lag-1 estimate is itself noisy (sd ≈ 0.1): 4000 curves per case gave 4.1 % and
   * 6.8 %. With 2000 curves the binomial sd of a rate is about 0.5 points, so each band is the
   * expected rate ± 4 sd.
   */
  @Test
  void twoStandardErrorsCoverAFlatCurveAboutNinetyFivePercentOfTheTime() {
    double[][] cases = {{0, 0.046, 0.02}, {0.5, 0.068, 0.022}};
    for (double[] c : cases) {
      double rho = c[0];
      int beyond = 0;
      int curves = 2000;
      for (int k = 0; k < curves; k++) {
        LossTrend trend = LossTrend.of(curve(300, 0, 0, 1, rho, 1000 + k));
        if (Math.abs(trend.change()) > 2 * trend.changeSe()) {
          beyond++;
        }
      }
      double rate = (double) beyond / curves;
      assertEquals(c[1], rate, c[2], "rho " + rho + ": share of flat curves beyond 2 standard errors");
    }
  }

  @Test
  void correlatedNoiseWidensTheErrorBar() {
    double[] correlated = curve(600, 0, 0, 1, 0.8, 6);
    LossTrend trend = LossTrend.of(correlated);
    assertEquals(0.8, trend.lag1Autocorrelation(), 0.15);
    // The same residuals scored as independent would give an error bar √((1 + ρ)/(1 − ρ)) ≈ 3 times
    // narrower, ρ being the lag-1 estimate with its small-window bias (2 + 4ρ)/m added back.
    double[] window = Arrays.copyOfRange(correlated, 480, 600);
    double mean = Arrays.stream(window).average().orElseThrow();
    double sxx = 0;
    double sxy = 0;
    for (int i = 0; i < window.length; i++) {
      sxx += (i - 59.5) * (i - 59.5);
      sxy += (i - 59.5) * (window[i] - mean);
    }
    double rss = 0;
    for (int i = 0; i < window.length; i++) {
      double e = window[i] - mean - sxy / sxx * (i - 59.5);
      rss += e * e;
    }
    double independentSe = Math.sqrt(rss / (window.length - 2) / sxx) * (window.length - 1);
    double rho = trend.lag1Autocorrelation();
    double r = Math.min(rho + (2 + 4 * rho) / window.length, LossTrend.MAX_RHO);
    assertEquals(independentSe * Math.sqrt((1 + r) / (1 - r)), trend.changeSe(), 1e-9 * trend.changeSe());
    assertTrue(trend.changeSe() > 2.5 * independentSe, "widened about threefold");
  }

  @Test
  void aReturnedBestStepBeforeTheWindowIsNamed() {
    // A good start (step 1) that training leaves and never regains, as from an exact Laplace start.
    double[] losses = curve(300, 864.2, 0, 0.01, 0, 7);
    losses[0] = 864.14;
    LossTrend best = LossTrend.of(losses, true);
    assertEquals(1, best.bestStep());
    assertEquals(864.14, best.bestLoss());
    assertTrue(best.bestStepBeforeWindow());
    assertEquals(LossTrend.State.CONVERGED, best.state());
    assertTrue(best.summary().contains("The parameters returned are step 1's, whose loss 864.14"), best.summary());
    LossTrend last = LossTrend.of(losses, false);
    assertFalse(last.bestStepBeforeWindow());
    assertFalse(last.summary().contains("returned"), last.summary());
  }

  @Test
  void aPrefixOfTheHistoryIsReadInPlace() {
    double[] losses = curve(300, 100, -0.01, 0.001, 0, 8);
    LossTrend prefix = LossTrend.of(losses, 120, false);
    LossTrend copy = LossTrend.of(Arrays.copyOf(losses, 120));
    assertEquals(copy.change(), prefix.change(), 0.0);
    assertEquals(copy.changeSe(), prefix.changeSe(), 0.0);
    assertEquals(71, prefix.firstStep());
    assertEquals(120, prefix.lastStep());
  }

  @Test
  void badInputIsRejectedWithAMessage() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LossTrend.of(null));
    assertTrue(e.getMessage().contains("losses is null"), e.getMessage());
    IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class, () -> LossTrend.of(new double[5], 6, false));
    assertTrue(tooMany.getMessage().contains("steps is 6 for 5 losses, expected 0..5"), tooMany.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LossTrend.of(new double[5], -1, false));
  }
}
