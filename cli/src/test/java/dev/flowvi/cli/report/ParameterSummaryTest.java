package dev.flowvi.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParameterSummaryTest {

  @Test
  void rowsCarryTheEngineSummaryAtFivePercentMedianAndNinetyFive() {
    // 0, 1, ..., 100 shuffled: mean 50 and sample sd sqrt(101·102/12) exactly; the engine's
    // Hazen quantile (Hyndman-Fan type 5) at p sits at position n·p + 1/2 of the sorted values:
    // 101·0.05 + 0.5 = 5.55 → value 4.55; the median is 50; 95% → 96.45 → 95.45.
    int n = 101;
    double[] v = new double[2 * n];
    for (int i = 0; i < n; i++) {
      v[i] = (i * 37) % n;
      v[n + i] = -2.0 * ((i * 37) % n);
    }
    List<ParameterSummary> rows = ParameterSummary.of(new Draws(List.of("a", "b"), v, n));
    ParameterSummary a = rows.get(0);
    assertEquals("a", a.parameter());
    assertEquals(50.0, a.mean(), 1e-12);
    assertEquals(Math.sqrt(101.0 * 102.0 / 12.0), a.sd(), 1e-12);
    assertEquals(4.55, a.q05(), 1e-12);
    assertEquals(50.0, a.q50(), 1e-12);
    assertEquals(95.45, a.q95(), 1e-12);
    ParameterSummary b = rows.get(1);
    assertEquals("b", b.parameter());
    assertEquals(-100.0, b.mean(), 1e-12);
    assertEquals(-2 * 95.45, b.q05(), 1e-12);
    assertEquals(-2 * 4.55, b.q95(), 1e-12);
  }
}
