package dev.flowvi.engine.diagnostics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.random.RandomStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PosteriorSummaryTest {

  /** Reference: numpy.quantile(..., method="hazen") gives [1.05, 1.5, 2.8, 8.5] and [1, 1.7, 2.5, 4]. */
  @Test
  void unweightedQuantilesAreHazen() {
    double[] x = {3.0, 1.0, 4.0, 1.5, 9.0, 2.6};
    PosteriorSummary s = PosteriorSummary.of("a", x, 0, 6, null, 0.1, 0.25, 0.5, 0.9);
    assertArrayEquals(new double[] {1.05, 1.5, 2.8, 8.5}, s.quantiles(), 1e-14);
    PosteriorSummary t = PosteriorSummary.of("b", new double[] {4, 3, 2, 1}, 0, 4, null, 0.05, 0.3, 0.5, 0.95);
    assertArrayEquals(new double[] {1, 1.7, 2.5, 4}, t.quantiles(), 1e-14);
    assertEquals(2.5, t.mean(), 1e-15);
    assertEquals(Math.sqrt(5.0 / 3.0), t.sd(), 1e-15);
    assertEquals(1.7, t.quantile(0.3), 1e-14);
  }

  @Test
  void equalWeightsGiveTheUnweightedSummary() {
    double[] x = {3.0, 1.0, 4.0, 1.5, 9.0, 2.6};
    double[] w = new double[6];
    Arrays.fill(w, 0.37);
    PosteriorSummary a = PosteriorSummary.of("a", x, 0, 6, null, 0.1, 0.5, 0.75);
    PosteriorSummary b = PosteriorSummary.of("a", x, 0, 6, w, 0.1, 0.5, 0.75);
    assertEquals(a.mean(), b.mean(), 1e-14);
    assertEquals(a.sd(), b.sd(), 1e-14);
    assertArrayEquals(a.quantiles(), b.quantiles(), 1e-14);
  }

  @Test
  void weightsMoveTheMeanAndZeroWeightsAreIgnored() {
    // Weights 1:3 on {0, 4}: mean 3; quantile positions 0.125 (0) and 0.625 (4).
    PosteriorSummary s = PosteriorSummary.of("a", new double[] {0, 4, 100}, 0, 3, new double[] {1, 3, 0}, 0.5, 0.99);
    assertEquals(3.0, s.mean(), 1e-15);
    // Reliability weights: Σw(x−μ)² = 0.25·9 + 0.75·1 = 3, over 1 − (1/16 + 9/16) = 3/8.
    assertEquals(Math.sqrt(3 / 0.375), s.sd(), 1e-14);
    assertEquals(4 * (0.5 - 0.125) / 0.5, s.quantile(0.5), 1e-14);
    assertEquals(4.0, s.quantile(0.99), 0.0);
  }

  /**
   * Known answer: 40000 draws of N(2, 3²). Each estimate is checked within 4.5 of its standard
   * error (mean σ/√n, sd σ/√(2n), quantile sqrt(p(1 − p)/n)/φ(z_p)·σ), a two-sided
   * false-failure rate of 7e-6 per check over seeds.
   */
  @Test
  void recoversNormalMomentsAndQuantiles() {
    int n = 40000;
    double[] x = new double[2 * n];
    RandomStream rng = RandomStream.of(7);
    for (int i = 0; i < n; i++) {
      x[i] = 2 + 3 * rng.nextGaussian();
      x[n + i] = -1 + 0.5 * rng.nextGaussian();
    }
    List<PosteriorSummary> all = PosteriorSummary.ofBatch(new String[] {"mu", "tau"}, x, 2, n, null);
    PosteriorSummary s = all.get(0);
    assertEquals("mu", s.name());
    assertEquals(2, s.mean(), 4.5 * 3 / Math.sqrt(n));
    assertEquals(3, s.sd(), 4.5 * 3 / Math.sqrt(2.0 * n));
    double[] z = {-1.6448536269514722, 0.0, 1.6448536269514722};
    double[] p = PosteriorSummary.DEFAULT_PROBABILITIES;
    for (int t = 0; t < 3; t++) {
      double density = Math.exp(-0.5 * z[t] * z[t]) / Math.sqrt(2 * Math.PI);
      double se = 3 * Math.sqrt(p[t] * (1 - p[t]) / n) / density;
      assertEquals(2 + 3 * z[t], s.quantiles()[t], 4.5 * se, "quantile " + p[t]);
    }
    assertEquals(-1, all.get(1).mean(), 4.5 * 0.5 / Math.sqrt(n));
    assertTrue(s.toString().startsWith("mu: mean"), s.toString());
    assertTrue(s.toString().contains("q95"), s.toString());
  }

  @Test
  void badInputIsRejectedWithItsName() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PosteriorSummary.of("a", new double[] {1, Double.NaN}, 0, 2, null));
    assertTrue(e.getMessage().contains("values[1] of a is NaN"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> PosteriorSummary.of("a", new double[] {1, 2}, 0, 2, new double[] {1, -1}));
    assertTrue(e.getMessage().contains("weights[1] is -1.0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> PosteriorSummary.of("a", new double[] {1, 2}, 0, 2, new double[] {0, 0}));
    assertTrue(e.getMessage().contains("weights sum to 0.0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> PosteriorSummary.of("a", new double[] {1, 2}, 0, 2, null, 1.5));
    assertTrue(e.getMessage().contains("probabilities[0] is 1.5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> PosteriorSummary.ofBatch(new String[] {"a"}, new double[4], 2, 2, null));
    assertTrue(e.getMessage().contains("names has length 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> PosteriorSummary.of("a", new double[] {1, 2}, 0, 2, null).quantile(0.3));
    assertTrue(e.getMessage().contains("p is 0.3"), e.getMessage());
  }
}
