package dev.flowvi.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.diagnostics.FitDiagnostics;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.validation.reference.EffectiveSampleSize;
import dev.flowvi.validation.reference.GaussianTarget;
import dev.flowvi.validation.reference.McmcChain;
import dev.flowvi.validation.reference.NoUTurnSampler;
import org.junit.jupiter.api.Test;

/**
 * Two samples of N(μ, σ²) per coordinate. The z limit is 4: for two samples of the same
 * distribution each |z| exceeds it with probability 6.3e-5, so the 4 checks of a two-coordinate
 * comparison fail falsely at a rate of 2.5e-4 over seeds. A shift of 0.25σ with n = 4000 and
 * m = 6000 moves the mean z to 0.25/sqrt(1/4000 + 1/6000) ≈ 12, and an sd 20% too large moves
 * the sd z to about 0.2/sqrt(1/8000 + 1/12000)/1.1 ≈ 12: both far beyond 4.
 */
class PosteriorComparisonTest {
  private static final String[] NAMES = {"a", "b"};

  private static double[] normalDraws(long seed, int n, double shift, double scale) {
    RandomStream rng = RandomStream.of(seed);
    double[] x = new double[2 * n];
    for (int i = 0; i < n; i++) {
      x[i] = shift + scale * rng.nextGaussian();
      x[n + i] = 5 + 3 * (shift + scale * rng.nextGaussian());
    }
    return x;
  }

  @Test
  void samplesOfTheSameDistributionAgree() {
    PosteriorComparison c = PosteriorComparison.of(NAMES, normalDraws(1, 4000, 0, 1), 4000, null, normalDraws(2, 6000, 0, 1), 6000, null);
    assertTrue(c.agrees(4.0), c.toString());
    for (PosteriorComparison.Marginal m : c.marginals()) {
      // E W₁ between two normal samples of these sizes is about 0.02σ; 0.06σ is a loose ceiling.
      assertTrue(m.relativeWasserstein1() < 0.06, m.toString());
      // Quantile errors: sd of each is below 0.04σ here (5% quantile, n = 4000 and 6000); 0.2σ bound.
      for (double e : m.quantileErrors()) {
        assertTrue(Math.abs(e) < 0.2 * m.referenceSd(), m.toString());
      }
    }
  }

  @Test
  void shiftedMeanFails() {
    PosteriorComparison c = PosteriorComparison.of(NAMES, normalDraws(1, 4000, 0.25, 1), 4000, null, normalDraws(2, 6000, 0, 1), 6000, null);
    assertFalse(c.agrees(4.0), c.toString());
    assertTrue(c.marginals().get(0).meanZ() > 8, c.toString());
    // W₁ between N(0.25, 1) and N(0, 1) is exactly 0.25; the sample value is within a few 0.01.
    assertEquals(0.25, c.marginals().get(0).wasserstein1(), 0.06);
    assertEquals(0.25, c.marginals().get(0).quantileErrors()[2], 0.1);
  }

  @Test
  void widerSpreadFails() {
    PosteriorComparison c = PosteriorComparison.of(NAMES, normalDraws(1, 4000, 0, 1.2), 4000, null, normalDraws(2, 6000, 0, 1), 6000, null);
    assertFalse(c.agrees(4.0), c.toString());
    assertTrue(c.marginals().get(1).sdZ() > 8, c.toString());
    assertTrue(Math.abs(c.marginals().get(1).meanZ()) < 4, c.toString());
  }

  @Test
  void smallerEssWidensTheErrorBars() {
    double[] a = normalDraws(1, 4000, 0.1, 1);
    double[] b = normalDraws(2, 6000, 0, 1);
    PosteriorComparison iid = PosteriorComparison.of(NAMES, a, 4000, null, b, 6000, null);
    PosteriorComparison correlated = PosteriorComparison.of(NAMES, a, 4000, new double[] {400, 400}, b, 6000, new double[] {600, 600});
    assertEquals(Math.sqrt(10), iid.marginals().get(0).meanZ() / correlated.marginals().get(0).meanZ(), 1e-12);
  }

  /** W₁ by hand: F⁻¹ of {0, 1} and {0, 1, 2} differ by 1 on (1/3, 1/2) and on (2/3, 1): W₁ = 1/6 + 1/3. */
  @Test
  void wassersteinOfUnequalSizesByHand() {
    assertEquals(0.5, PosteriorComparison.wasserstein1(new double[] {1, 0}, 0, 2, new double[] {2, 0, 1}, 0, 3), 1e-15);
    assertEquals(0.0, PosteriorComparison.wasserstein1(new double[] {3, 1, 2}, 0, 3, new double[] {1, 2, 3, 3, 2, 1}, 0, 6), 1e-15);
    // A pure shift moves every quantile by the shift.
    assertEquals(0.7, PosteriorComparison.wasserstein1(new double[] {0, 1, 5}, 0, 3, new double[] {0.7, 1.7, 5.7}, 0, 3), 1e-15);
  }

  /** Reference draws from the NUTS sampler, compared with exact independent draws, ESS estimated. */
  @Test
  void nutsDrawsAgreeWithExactDraws() {
    McmcChain chain = NoUTurnSampler.of(GaussianTarget.independent(new double[] {0, 5}, new double[] {1, 3}))
        .sample(new double[] {0, 0}, 3000, RandomStream.of(77));
    PosteriorComparison c = PosteriorComparison.estimatingEss(NAMES, normalDraws(3, 5000, 0, 1), 5000, chain.draws(), chain.size());
    assertTrue(c.agrees(4.0), c.toString());
  }

  /**
   * End to end: q = N(0, I) is a slightly wrong fit to the target N((0.3, 0.3), 1.1²I). Its own draws
   * fail against NUTS reference draws; PSIS-resampled draws pass. The resampled set's ESS is taken
   * as 1/(1/ESS_IS + 1/S'): the importance-sampling error plus the multinomial resampling error.
   * That is an approximation, so it was calibrated over 40 seeds: the largest of the 4 corrected
   * |z| averaged 1.84 (1.72 for exact z-scores) and never exceeded 3.40; the raw max |z| was never
   * below 12.6.
   */
  @Test
  void psisResampledDrawsCorrectASlightlyWrongFit() {
    GaussianTarget target = GaussianTarget.independent(new double[] {0.3, 0.3}, new double[] {1.1, 1.1});
    McmcChain reference = NoUTurnSampler.of(target).sample(new double[] {0, 0}, 4000, RandomStream.of(55));
    int s = 16000;
    RandomStream rng = RandomStream.of(56);
    double[] z = new double[2 * s];
    double[] logQ = new double[s];
    double[] logP = new double[s];
    double[] one = new double[1];
    double[] point = new double[2];
    for (int i = 0; i < s; i++) {
      z[i] = rng.nextGaussian();
      z[s + i] = rng.nextGaussian();
      logQ[i] = -0.5 * (z[i] * z[i] + z[s + i] * z[s + i]);
      point[0] = z[i];
      point[1] = z[s + i];
      target.logDensity(point, 1, one);
      logP[i] = one[0];
    }
    double[] referenceEss = EffectiveSampleSize.ofBatch(reference.draws(), 2, reference.size());
    PosteriorComparison raw = PosteriorComparison.of(NAMES, z, s, null, reference.draws(), reference.size(), referenceEss);
    assertFalse(raw.agrees(4.0), raw.toString());

    FitDiagnostics fit = FitDiagnostics.of(NAMES, z, 2, s, logP, logQ);
    assertTrue(fit.khat() < fit.khatThreshold(), fit.toString());
    int count = 4000;
    double[] resampled = fit.psis().resample(z, 2, RandomStream.of(57), count);
    double ess = 1 / (1 / fit.ess() + 1.0 / count);
    PosteriorComparison corrected =
        PosteriorComparison.of(NAMES, resampled, count, new double[] {ess, ess}, reference.draws(), reference.size(), referenceEss);
    assertTrue(corrected.agrees(4.0), corrected + "\n" + fit);
  }

  @Test
  void badInputIsRejectedWithItsName() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PosteriorComparison.of(NAMES, new double[5], 3, null, new double[6], 3, null));
    assertTrue(e.getMessage().contains("draws has length 5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> PosteriorComparison.of(NAMES, new double[6], 3, new double[] {1}, new double[6], 3, null));
    assertTrue(e.getMessage().contains("drawsEss has length 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> PosteriorComparison.of(NAMES, new double[6], 3, null, new double[6], 3, new double[] {1, -2}));
    assertTrue(e.getMessage().contains("referenceEss[1] is -2.0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> PosteriorComparison.of(NAMES, new double[2], 1, null, new double[6], 3, null));
    assertTrue(e.getMessage().contains("n is 1"), e.getMessage());
  }

  @Test
  void marginalIsImmutable() {
    PosteriorComparison c = PosteriorComparison.of(NAMES, normalDraws(1, 100, 0, 1), 100, null, normalDraws(2, 100, 0, 1), 100, null);
    double[] q = c.marginals().get(0).quantileErrors();
    q[0] = 99;
    assertTrue(c.marginals().get(0).quantileErrors()[0] != 99);
  }
}
