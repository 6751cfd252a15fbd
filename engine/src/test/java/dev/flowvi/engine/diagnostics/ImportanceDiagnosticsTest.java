package dev.flowvi.engine.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.random.RandomStream;
import org.junit.jupiter.api.Test;

class ImportanceDiagnosticsTest {

  @Test
  void smallExampleByHand() {
    // w = 1, 2, 3 (times e^5): ESS = 36/14, log Z = 5 + log(6/3).
    double[] lp = {5, 5 + Math.log(2), 5 + Math.log(3)};
    double[] lq = {0, 0, 0};
    ImportanceDiagnostics d = ImportanceDiagnostics.of(lp, lq, 3);
    assertEquals(36.0 / 14.0, d.ess(), 1e-14);
    assertEquals(5 + Math.log(2), d.logEvidence(), 1e-14);
    assertEquals(Math.sqrt(14.0 / 36.0 - 1.0 / 3.0), d.logEvidenceSe(), 1e-14);
    double mean = 5 + (Math.log(2) + Math.log(3)) / 3;
    assertEquals(mean, d.elbo(), 1e-14);
    double var = (Math.pow(5 - mean, 2) + Math.pow(5 + Math.log(2) - mean, 2) + Math.pow(5 + Math.log(3) - mean, 2)) / 2;
    assertEquals(Math.sqrt(var / 3), d.elboSe(), 1e-14);
    assertEquals(0, d.dropped());
  }

  /**
   * Known answer: q = N(0, 1) and p̃ = c·N(μ, 1) with log c = 2.3, μ = 0.5, so
   * r = log c + μz − μ²/2. Then log Z = log c, ELBO = log c − KL(q‖p) = log c − μ²/2, and
   * ESS/S → 1/E_q[(p/(cq))²] = exp(−μ²). ELBO and log Z are checked within 4 of their own reported
   * standard errors (two-sided false-failure rate 6e-5 each over seeds). ESS/S is checked to 5%:
   * with S = 20000 the relative sd of mean(w²) is sqrt((e^{6μ²}−e^{2μ²})/S)/e^{μ²} ≈ 0.9%, and that of
   * (mean w)² about 0.6%, so 5% is more than 4 sd.
   */
  @Test
  void recoversKnownEvidenceElboAndEss() {
    double logC = 2.3;
    double mu = 0.5;
    int s = 20000;
    RandomStream rng = RandomStream.of(42);
    double[] lp = new double[s];
    double[] lq = new double[s];
    for (int i = 0; i < s; i++) {
      double z = rng.nextGaussian();
      lq[i] = -0.5 * z * z - 0.5 * Math.log(2 * Math.PI);
      lp[i] = logC - 0.5 * (z - mu) * (z - mu) - 0.5 * Math.log(2 * Math.PI);
    }
    ImportanceDiagnostics d = ImportanceDiagnostics.of(lp, lq, s);
    assertEquals(logC - mu * mu / 2, d.elbo(), 4 * d.elboSe());
    assertEquals(logC, d.logEvidence(), 4 * d.logEvidenceSe());
    assertEquals(Math.exp(-mu * mu), d.ess() / s, 0.05 * Math.exp(-mu * mu));
    assertTrue(d.toString().contains("ESS"), d.toString());
  }

  @Test
  void drawsOutsideTheSupportHaveWeightZeroAndAreCounted() {
    double[] lp = {0, Double.NEGATIVE_INFINITY, Math.log(3), Double.NEGATIVE_INFINITY};
    double[] lq = {0, -1, 0, -2};
    ImportanceDiagnostics d = ImportanceDiagnostics.of(lp, lq, 4);
    assertEquals(2, d.dropped());
    assertEquals(4, d.draws());
    assertEquals(Math.log(4.0 / 4.0), d.logEvidence(), 1e-15); // (1 + 3 + 0 + 0)/4
    assertEquals(16.0 / 10.0, d.ess(), 1e-14);
    assertEquals(Math.log(3) / 2, d.elbo(), 1e-15); // mean over the finite draws
  }

  @Test
  void allDrawsOutsideTheSupport() {
    ImportanceDiagnostics d =
        ImportanceDiagnostics.of(new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY}, new double[] {0, 0}, 2);
    assertEquals(0.0, d.ess());
    assertEquals(Double.NEGATIVE_INFINITY, d.logEvidence());
    assertEquals(2, d.dropped());
  }

  @Test
  void nonFiniteValuesAreRejectedWithTheirIndex() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ImportanceDiagnostics.of(new double[] {0, Double.NaN}, new double[] {0, 0}, 2));
    assertTrue(e.getMessage().contains("logTarget[1] is NaN"), e.getMessage());
    e = assertThrows(
        IllegalArgumentException.class, () -> ImportanceDiagnostics.of(new double[] {0, Double.POSITIVE_INFINITY}, new double[] {0, 0}, 2));
    assertTrue(e.getMessage().contains("logTarget[1] is Infinity"), e.getMessage());
    e = assertThrows(
        IllegalArgumentException.class, () -> ImportanceDiagnostics.of(new double[] {0, 0}, new double[] {Double.NEGATIVE_INFINITY, 0}, 2));
    assertTrue(e.getMessage().contains("logProposal[0] is -Infinity"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ImportanceDiagnostics.of(new double[] {0}, new double[] {0, 0}, 2));
    assertTrue(e.getMessage().contains("logTarget has length 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ImportanceDiagnostics.of(new double[0], new double[0], 0));
    assertTrue(e.getMessage().contains("draws is 0"), e.getMessage());
  }
}
