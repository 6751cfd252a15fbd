package dev.flowvi.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParameterSummaryTest {

  @Test
  void knownAnswersOnAnArithmeticSequence() {
    // 0, 1, ..., 100 shuffled: mean 50, sample sd = sqrt(101·102/12) (variance of 0..N with n−1
    // denominator is (N+1)(N+2)/12), and definition-7 quantiles are exactly 5, 50, 95.
    int n = 101;
    double[] draws = new double[2 * n];
    for (int i = 0; i < n; i++) {
      draws[i] = (i * 37) % n;
      draws[n + i] = 1e9 + 0.5 * ((i * 37) % n); // large offset: the two-pass variance stays exact
    }
    List<ParameterSummary> rows = ParameterSummary.of(List.of("a", "b"), draws, n);
    ParameterSummary a = rows.get(0);
    assertEquals("a", a.parameter());
    assertEquals(50.0, a.mean(), 1e-12);
    assertEquals(Math.sqrt(101.0 * 102.0 / 12.0), a.sd(), 1e-12);
    assertEquals(5.0, a.q05(), 1e-12);
    assertEquals(50.0, a.q50(), 1e-12);
    assertEquals(95.0, a.q95(), 1e-12);
    ParameterSummary b = rows.get(1);
    assertEquals(1e9 + 25.0, b.mean(), 1e-6);
    assertEquals(0.5 * Math.sqrt(101.0 * 102.0 / 12.0), b.sd(), 1e-6);
  }

  @Test
  void quantileInterpolatesBetweenOrderStatistics() {
    double[] sorted = {1, 2, 4, 8};
    // h = (n−1)p: p = 0.5 → h = 1.5 → 2 + 0.5·(4 − 2) = 3, as R's quantile(type = 7) gives.
    assertEquals(3.0, ParameterSummary.quantile(sorted, 0.5), 0.0);
    assertEquals(1.0, ParameterSummary.quantile(sorted, 0.0), 0.0);
    assertEquals(8.0, ParameterSummary.quantile(sorted, 1.0), 0.0);
    assertEquals(1.15, ParameterSummary.quantile(sorted, 0.05), 1e-15);
  }

  @Test
  void badArgumentsNameThemselves() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ParameterSummary.of(List.of("a"), new double[] {1}, 1));
    assertTrue(e.getMessage().contains("n is 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ParameterSummary.of(List.of("a", "b"), new double[3], 2));
    assertTrue(e.getMessage().contains("draws has length 3"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ParameterSummary.quantile(new double[] {1}, 1.5));
    assertTrue(e.getMessage().contains("p is 1.5"), e.getMessage());
  }
}
