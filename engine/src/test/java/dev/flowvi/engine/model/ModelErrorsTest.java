package dev.flowvi.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad models and bad data fail early with messages that say where and what was expected. */
class ModelErrorsTest {

  private static DataTable table(String name, double... values) {
    Map<String, double[]> cols = new LinkedHashMap<>();
    cols.put(name, values);
    return DataTable.of("test.csv", cols);
  }

  private static String bindError(String model, DataTable data) {
    Model m = ModelFile.parse(model, "t.model");
    return assertThrows(IllegalArgumentException.class, () -> m.bind(data)).getMessage();
  }

  @Test
  void dataOutsideADensitySupportNamesTheRow() {
    String msg = bindError("data e\nparam mu ~ normal(0, 1)\ne ~ lognormal(mu, 1)", table("e", 1.5, 2.0, -0.5, 3));
    assertTrue(msg.startsWith("data row 3 of test.csv: the lognormal variate e is -0.5, expected a value > 0"), msg);
    msg = bindError("data k\nparam a ~ normal(0, 1)\nk ~ poisson_log(a)", table("k", 1, 2.5));
    assertTrue(msg.contains("data row 2") && msg.contains("expected a non-negative integer"), msg);
    msg = bindError("data k\nparam a ~ normal(0, 1)\nk ~ bernoulli_logit(a)", table("k", 1, 0, 2));
    assertTrue(msg.contains("data row 3") && msg.contains("expected 0 or 1"), msg);
    msg = bindError("data k\nparam p : interval(0, 1)\nk ~ binomial(3, p)", table("k", 1, 4));
    assertTrue(msg.contains("data row 2") && msg.contains("(n = 3.0)"), msg);
    msg = bindError("data v\nparam a : positive\nv ~ beta(a, 2)", table("v", 0.5, 1.0));
    assertTrue(msg.contains("data row 2") && msg.contains("expected a value in (0, 1)"), msg);
    // A data expression is checked too: exp(v) − 2 ≤ 0 at row 1.
    msg = bindError("data v\nparam a : positive\nexp(v) - 2 ~ exponential(a)", table("v", 0.5, 1.0));
    assertTrue(msg.contains("data row 1") && msg.contains("expected a value ≥ 0"), msg);
  }

  @Test
  void nonFiniteDataNameTheRow() {
    String msg = bindError("data x\nparam a ~ normal(0, 1)\nx ~ normal(a, 1)", table("x", 1, Double.NaN));
    assertEquals("column 'x' of test.csv is NaN at data row 2, expected a finite number", msg);
  }

  @Test
  void rowwiseMisuseIsRejectedAtConstruction() {
    ModelBuilder b = ModelBuilder.create();
    Expr x = b.data("x");
    Expr a = b.parameter("a", Constraint.real()).value();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.add(x.times(a)));
    assertTrue(e.getMessage().contains("wrap it in Expr.sum"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> x.minus(Expr.sum(x.times(a))));
    assertTrue(e.getMessage().contains("cannot use the sum over rows"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Expr.sum(a));
    assertTrue(e.getMessage().contains("does not depend on any data column"), e.getMessage());
  }

  @Test
  void priorMisuseIsRejected() {
    ModelBuilder b = ModelBuilder.create();
    Expr x = b.data("x");
    Parameter a = b.parameter("a", Constraint.real()).prior(Density.normal(Expr.of(0), Expr.of(1)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.prior(Density.cauchy(Expr.of(0), Expr.of(1))));
    assertTrue(e.getMessage().contains("already has the prior normal(0.0, 1.0)"), e.getMessage());
    Parameter c = b.parameter("c", Constraint.real());
    e = assertThrows(IllegalArgumentException.class, () -> c.prior(Density.normal(x, Expr.of(1))));
    assertTrue(e.getMessage().contains("depends on data"), e.getMessage());
    Parameter foreign = ModelBuilder.create().parameter("f", Constraint.real());
    e = assertThrows(IllegalArgumentException.class, () -> b.add(Density.normal(foreign.value(), Expr.of(1)).logDensity(a.value())));
    assertTrue(e.getMessage().contains("parameter f was declared by another ModelBuilder"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> b.parameter(java.util.List.of("x"), Constraint.real()));
    assertTrue(e.getMessage().contains("name 'x' is declared twice (already a data column)"), e.getMessage());
  }

  @Test
  void batchShapesAreChecked() {
    ModelLogDensity d = ModelFile.parse("param a ~ normal(0, 1)\nparam b ~ normal(0, 1)", "s.model").bind();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.logDensity(new double[3], 2, new double[2]));
    assertTrue(e.getMessage().contains("z has length 3, expected at least 4"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> d.logDensityAndGradient(new double[4], 2, new double[2], new double[3]));
    assertTrue(e.getMessage().contains("grad has length 3"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> d.logDensity(new double[4], 0, new double[2]));
    assertTrue(e.getMessage().contains("n is 0"), e.getMessage());
    double[] lp = new double[1];
    d.logDensity(new double[] {0, 0}, 1, lp);
    assertEquals(-Math.log(2 * Math.PI), lp[0], 1e-15);
  }
}
