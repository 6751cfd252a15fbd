package dev.flowvi.engine.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.random.RandomStream;
import org.junit.jupiter.api.Test;

/**
 * q = N(0, I₂) against the target N(0, σ²I₂). The weights p/q ∝ exp(‖z‖²(1 − 1/σ²)/2) have a
 * Pareto tail with index 1/(1 − 1/σ²) (‖z‖² is χ²₂, exponential with mean 2), so the true k is
 * 1 − 1/σ²: 0.17 for σ = 1.1 and 0.96 for σ = 5. k̂ is noisy for heavy tails, so the rates at
 * which these checks fail for a correct implementation were measured with ArviZ 0.23.4 psislw over
 * 300 seeds: σ = 1.1, S = 4000 gave k̂ mean 0.20, sd 0.086, max 0.45, never above 0.7 (the check
 * is k̂ < 0.7, about 6 sd); σ = 5, S = 20000 gave mean 0.95, sd 0.095, below 0.7 in 0.7% of seeds
 * (the check is k̂ > 0.7). The seed here is fixed.
 */
class FitDiagnosticsTest {
  private static final int S = 4000;

  private static FitDiagnostics fit(double sigma, boolean truncate) {
    return fit(sigma, truncate, S);
  }

  private static FitDiagnostics fit(double sigma, boolean truncate, int draws) {
    RandomStream rng = RandomStream.of(2024);
    double[] z = new double[2 * draws];
    double[] lq = new double[draws];
    double[] lp = new double[draws];
    for (int i = 0; i < draws; i++) {
      double a = rng.nextGaussian();
      double b = rng.nextGaussian();
      z[i] = a;
      z[draws + i] = b;
      double r2 = a * a + b * b;
      lq[i] = -0.5 * r2 - Math.log(2 * Math.PI);
      lp[i] = truncate && a < -2 ? Double.NEGATIVE_INFINITY : -0.5 * r2 / (sigma * sigma) - 2 * Math.log(sigma);
    }
    return FitDiagnostics.of(new String[] {"x", "y"}, z, 2, draws, lp, lq);
  }

  @Test
  void closeFitIsTrustworthy() {
    FitDiagnostics d = fit(1.1, false);
    assertTrue(d.khat() < 0.7, "k-hat " + d.khat());
    assertTrue(d.trustworthy(), d.toString());
    assertTrue(d.verdict().startsWith("Trustworthy"), d.verdict());
    // p̃ = exp(−‖z‖²/(2σ²))/σ² omits the 1/(2π) of the normal density, so Z = 2π.
    assertEquals(Math.log(2 * Math.PI), d.logEvidence(), 4 * d.logEvidenceSe());
    assertEquals(S, d.draws());
    assertEquals(2, d.summaries().size());
    assertEquals(2, d.weightedSummaries().size());
    // PSIS weights turn q's sd 1 into the target's 1.1 (sd of the estimate about 0.02 here).
    assertEquals(1.0, d.summaries().get(0).sd(), 0.05);
    assertEquals(1.1, d.weightedSummaries().get(0).sd(), 0.08);
    String report = d.toString();
    assertTrue(report.contains("Pareto k-hat") && report.contains("ELBO") && report.contains("log Z (IS)"), report);
    assertTrue(report.contains("    x: mean") && report.contains("PSIS-weighted"), report);
    assertEquals(d.khatThreshold(), 0.7, 0.0);
  }

  /**
   * q = N(0, I₂) against N(0, 0.4²I₂): q is too wide, so its weights are bounded (k̂ well below
   * 0.7) and the weighted summaries are right (sd 0.4), while q's own sd is 1, 2.5 times too wide.
   * The verdict trusts the weights but not q's summaries, and names the parameter.
   */
  @Test
  void tooWideFitHasTrustworthyWeightsButNotSummaries() {
    FitDiagnostics d = fit(0.4, false);
    assertTrue(d.khat() < 0.7, "k-hat " + d.khat());
    assertEquals(0.4, d.weightedSummaries().get(0).sd(), 0.05);
    assertTrue(d.verdict().startsWith("Trustworthy weights, but q's own summaries are off"), d.verdict());
    assertTrue(d.verdict().contains("and its sd is 0.4"), d.verdict());
    // The close fit's 10 % sd difference is within the limit.
    assertNull(fit(1.1, false).summaryMismatch());
  }

  @Test
  void tooNarrowFitCannotBeTrusted() {
    FitDiagnostics d = fit(5.0, false, 20000);
    assertTrue(d.khat() > 0.7, "k-hat " + d.khat());
    assertFalse(d.trustworthy());
    assertTrue(d.verdict().startsWith("Cannot be trusted"), d.verdict());
    assertTrue(d.minimumDraws() > 1e4);
  }

  @Test
  void drawsOutsideTheSupportAreReported() {
    FitDiagnostics d = fit(1.1, true);
    assertTrue(d.dropped() > 50, "P(a < -2) = 2.3%, about 91 of 4000 draws");
    assertFalse(d.trustworthy());
    assertTrue(d.verdict().contains("fell outside the target's support"), d.verdict());
    assertTrue(d.verdict().startsWith("Trustworthy weights, but q leaks"), d.verdict());
    assertTrue(d.toString().contains("outside the support"), d.toString());
  }

  @Test
  void everyDrawDropped() {
    double[] lp = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
    FitDiagnostics d = FitDiagnostics.of(new String[] {"x"}, new double[] {0, 1}, 1, 2, lp, new double[] {0, 0});
    assertNull(d.psis());
    assertTrue(Double.isNaN(d.khat()));
    assertTrue(d.verdict().startsWith("Cannot be trusted: every one"), d.verdict());
  }

  @Test
  void badShapesAreRejected() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> FitDiagnostics.of(new String[] {"x", "y"}, new double[3], 2, 2, new double[2], new double[2]));
    assertTrue(e.getMessage().contains("draws has length 3"), e.getMessage());
  }
}
