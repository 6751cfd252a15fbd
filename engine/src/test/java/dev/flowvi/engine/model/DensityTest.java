package dev.flowvi.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every density family is normalised: its expanded log density, evaluated through a bound model
 * (so the data-folding path is exercised), integrates (midpoint rule, 200,000 cells, error
 * O(h²) < 1e-9 for these smooth densities) or sums to the known mass of the range, to 1e-7.
 * The Dirichlet is checked at a point against its closed form.
 */
class DensityTest {
  private static final int CELLS = 200_000;

  private static Expr c(double v) {
    return Expr.of(v);
  }

  @Test
  void continuousFamiliesIntegrateToOne() {
    assertMass(Density.normal(c(1), c(2)), -30, 30, 1);
    assertMass(Density.logNormal(c(0.3), c(0.8)), 0, 200, 1);
    assertMass(Density.uniform(c(-1), c(3)), -1, 3, 1);
    assertMass(Density.halfNormal(c(2)), 0, 30, 1);
    assertMass(Density.halfCauchy(c(1.5)), 0, 3000, 2 / Math.PI * Math.atan(3000 / 1.5));
    assertMass(Density.cauchy(c(0.5), c(2)), -3000 + 0.5, 3000 + 0.5, 2 / Math.PI * Math.atan(3000 / 2.0));
    assertMass(Density.studentT(c(5), c(1), c(2)), -600, 600, 1);
    assertMass(Density.exponential(c(1.7)), 0, 40, 1);
    assertMass(Density.gamma(c(2.5), c(1.5)), 0, 60, 1);
    assertMass(Density.beta(c(2), c(3)), 0, 1, 1);
  }

  @Test
  void discreteFamiliesSumToOne() {
    assertPmf(Density.poissonLog(c(Math.log(3.5))), 0, 100, null);
    assertPmf(Density.bernoulliLogit(c(0.7)), 0, 1, null);
    assertPmf(Density.binomial(c(12), c(0.3)), 0, 12, null);
    // Trials as a data column too.
    assertPmf(null, 0, 12, 12.0);
  }

  @Test
  void dirichletMatchesClosedForm() {
    // Dirichlet(2, 3, 4) at (0.2, 0.3, 0.5): Γ(9)/(Γ(2)Γ(3)Γ(4)) · 0.2 · 0.3² · 0.5³ = 3360 · 0.00225.
    Expr lp = Density.dirichlet(c(2), c(3), c(4)).logDensity(c(0.2), c(0.3), c(0.5));
    // log Γ is accurate to ~1e-14 absolute (SpecialFunctionsTest); a few of them are summed.
    assertEquals(Math.log(3360 * 0.00225), lp.constantValue(), 5e-14);
    assertEquals(Math.log(6), Density.dirichlet(c(1), c(1), c(1), c(1)).logDensity(c(0.1), c(0.2), c(0.3), c(0.4)).constantValue(), 5e-14);
  }

  @Test
  void badArgumentsAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Density.of(Density.Family.NORMAL, c(0)));
    assertTrue(e.getMessage().contains("normal takes 2 arguments, got 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Density.dirichlet(c(1), c(1)).logDensity(c(0.5)));
    assertTrue(e.getMessage().contains("variate of 2 elements, got 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Density.logNormal(c(0), c(1)).logDensity(c(-1)));
    assertTrue(e.getMessage().contains("the variate of lognormal is -1.0, expected a value > 0"), e.getMessage());
  }

  private static void assertMass(Density d, double lo, double hi, double expected) {
    double h = (hi - lo) / CELLS;
    double[] x = new double[CELLS];
    double[] w = new double[CELLS];
    for (int i = 0; i < CELLS; i++) {
      x[i] = lo + (i + 0.5) * h;
      w[i] = h;
    }
    assertEquals(Math.log(expected), logMass(d, x, w, null), 1e-7, d.toString());
  }

  private static void assertPmf(Density d, int lo, int hi, Double trials) {
    int n = hi - lo + 1;
    double[] x = new double[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = lo + i;
      w[i] = 1;
    }
    assertEquals(0, logMass(d, x, w, trials), 1e-12, d == null ? "binomial with data trials" : d.toString());
  }

  /** log Σ_i w_i p(x_i), as the only data-dependent term of a one-parameter model. */
  private static double logMass(Density d, double[] x, double[] w, Double trials) {
    ModelBuilder b = ModelBuilder.create();
    Expr xe = b.data("x");
    Expr we = b.data("w");
    Map<String, double[]> cols = new LinkedHashMap<>();
    cols.put("x", x);
    cols.put("w", w);
    if (trials != null) {
      double[] n = new double[x.length];
      java.util.Arrays.fill(n, trials);
      cols.put("n", n);
      d = Density.binomial(b.data("n"), c(0.3));
    }
    b.parameter("dummy", Constraint.real()).prior(Density.normal(c(0), c(1)));
    b.add(Expr.log(Expr.sum(Expr.exp(d.logDensity(xe)).times(we))));
    double[] lp = new double[1];
    b.build().bind(DataTable.of("grid", cols)).logDensity(new double[] {0}, 1, lp);
    return lp[0] + 0.5 * Math.log(2 * Math.PI);
  }
}
