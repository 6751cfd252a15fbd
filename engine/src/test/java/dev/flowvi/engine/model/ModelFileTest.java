package dev.flowvi.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.examples.M1Data;
import dev.flowvi.engine.examples.M2Data;
import dev.flowvi.engine.examples.SeedModels;
import dev.flowvi.engine.random.RandomStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The model file format: the shipped seed models parse into the builder's models, and bad files fail with a location. */
class ModelFileTest {

  static Path example(String name) {
    Path p = Path.of("..", "examples", name);
    return Files.exists(p) ? p : Path.of("examples", name);
  }

  @Test
  void m1FileIsTheBuilderModel() {
    DataTable data = M1Data.generate(21);
    Model file = ModelFile.read(example("m1.model"));
    assertEquals(List.of("x", "y"), file.dataColumns());
    assertSame(SeedModels.m1().bind(data), file.bind(data), 4, 22);
  }

  @Test
  void m2FileIsTheBuilderModel() {
    DataTable data = M2Data.generate(23, 3000);
    Model file = ModelFile.read(example("m2.model"));
    assertEquals(26, file.dim());
    assertEquals(List.of("t", "x", "y", "z", "e"), file.dataColumns());
    assertArrayEquals(SeedModels.m2().parameterNames(), file.parameterNames());
    assertSame(SeedModels.m2().bind(data), file.bind(data), 26, 24);
  }

  /** Same graph up to the order of additions: values and gradients to 1e-12 relative. */
  private static void assertSame(ModelLogDensity a, ModelLogDensity b, int d, long seed) {
    int n = 5;
    RandomStream rng = RandomStream.of(seed);
    double[] z = new double[d * n];
    for (int k = 0; k < z.length; k++) {
      z[k] = 0.3 * rng.nextGaussian();
    }
    double[] la = new double[n];
    double[] lb = new double[n];
    double[] ga = new double[d * n];
    double[] gb = new double[d * n];
    a.logDensityAndGradient(z, n, la, ga);
    b.logDensityAndGradient(z, n, lb, gb);
    for (int i = 0; i < n; i++) {
      assertEquals(la[i], lb[i], 1e-12 * Math.abs(la[i]));
    }
    for (int k = 0; k < ga.length; k++) {
      assertEquals(ga[k], gb[k], 1e-10 * Math.max(1, Math.abs(ga[k])));
    }
  }

  @Test
  void vectorsConstraintsAndOperatorsParse() {
    String text = String.join("\n",
        "# every construct once",
        "data y, n, k",
        "param mu[2] : ordered ~ normal(0, 5)",
        "param s : positive ~ half_cauchy(2.5)",
        "param p : interval(0, 1) ~ beta(2, 3)",
        "param q1, q2, q3 : simplex ~ dirichlet(2, 2, 2)",
        "param nu : positive ~ gamma(2, 0.1)",
        "let eta = (mu[1] + 0.5 * mu[2]",
        "    - 2 ^ 2 / 4)",
        "y ~ student_t(nu, eta, s)",
        "k ~ binomial(n, p)",
        "target += log(q1) + pow(q2, 2) - square(q3) + sqrt(s) + expm1(-s) + logistic(-p) + log1p_exp(p) + lgamma(nu + 1)",
        "target += sum(exponential_lpdf(n | s) + cauchy_lpdf(y | mu[1], 1) + poisson_log_lpmf(k | eta))",
        "target += normal_lpdf(mu[2] | 0, 1) + lognormal_lpdf(s | 0, 1) + exp(-mu[1] * mu[1]) * 1e-3",
        "target += half_normal_lpdf(s | 1) + bernoulli_logit_lpmf(1 | eta) + uniform_lpdf(p | 0, 1)");
    Model m = ModelFile.parse(text, "all.model");
    assertArrayEquals(new String[] {"mu[1]", "mu[2]", "s", "p", "q1", "q2", "q3", "nu"}, m.parameterNames());
    assertEquals(7, m.dim());
    DataTable data = DataTable.of("test", java.util.Map.of("y", new double[] {0.5, -1, 2}, "n", new double[] {3, 5, 4},
        "k", new double[] {1, 0, 4}));
    GradientCheck.assertGradient(m.bind(data), new double[] {0.1, -0.5, 0.3, 0.2, -0.1, 0.4, 0.7}, 1, 1e-6);
  }

  @Test
  void syntaxErrorsNameLineColumnAndExpectation() {
    ModelSyntaxException e = assertThrows(ModelSyntaxException.class,
        () -> ModelFile.parse("data x\nparam a ~ normal(0, 1\ntarget += a", "bad.model"));
    // The line break inside the open parenthesis continues the statement, so the next line's first token is what breaks it.
    assertEquals(3, e.line());
    assertTrue(e.getMessage().startsWith("bad.model:3:1: expected ')' but found 'target'"), e.getMessage());

    e = assertThrows(ModelSyntaxException.class, () -> ModelFile.parse("param a\ntarget += a * * 2", "ops.model"));
    assertEquals(2, e.line());
    assertEquals(15, e.column());
    assertTrue(e.getMessage().contains("expected a number, a name, a function call or '('"), e.getMessage());

    e = assertThrows(ModelSyntaxException.class, () -> ModelFile.parse("param a : bounded", "c.model"));
    assertTrue(e.getMessage().contains("expected a constraint"), e.getMessage());
    assertTrue(e.getMessage().contains("'bounded'"), e.getMessage());

    e = assertThrows(ModelSyntaxException.class, () -> ModelFile.parse("param a ~ gaussian(0, 1)", "d.model"));
    assertTrue(e.getMessage().contains("unknown distribution 'gaussian'"), e.getMessage());

    e = assertThrows(ModelSyntaxException.class, () -> ModelFile.parse("param a $", "e.model"));
    assertEquals(9, e.column());
    assertTrue(e.getMessage().contains("unexpected character '$'"), e.getMessage());
  }

  @Test
  void undeclaredNamesAreReportedWhereUsed() {
    ModelSyntaxException e = assertThrows(ModelSyntaxException.class,
        () -> ModelFile.parse("data x\nparam a ~ normal(0, 1)\ntarget += sum(normal_lpdf(x | a, sigma))", "u.model"));
    assertEquals(3, e.line());
    assertEquals(34, e.column());
    assertTrue(e.getMessage().contains("undeclared name 'sigma'"), e.getMessage());
  }

  @Test
  void semanticErrorsCarryTheStatementLocation() {
    ModelSyntaxException e = assertThrows(ModelSyntaxException.class,
        () -> ModelFile.parse("data x\nparam a\ntarget += normal_lpdf(x | a, 1)", "rows.model"));
    assertEquals(3, e.line());
    assertTrue(e.getMessage().contains("wrap it in Expr.sum") || e.getMessage().contains("sum"), e.getMessage());
    e = assertThrows(ModelSyntaxException.class, () -> ModelFile.parse("param a\nparam a", "dup.model"));
    assertTrue(e.getMessage().contains("already declared"), e.getMessage());
    e = assertThrows(ModelSyntaxException.class, () -> ModelFile.parse("param v[3]\ntarget += v[4]", "idx.model"));
    assertTrue(e.getMessage().contains("out of range"), e.getMessage());
  }

  @Test
  void missingPriorGivesAQueryableWarning() {
    Model m = ModelFile.parse("param a\nparam b : interval(0, 1)\ntarget += normal_lpdf(a | 0, 1)", "w.model");
    assertEquals(2, m.warnings().size());
    assertTrue(m.warnings().get(0).contains("parameter a has no prior: its prior is improper and flat"), m.warnings().get(0));
    assertTrue(m.warnings().get(1).contains("flat prior on its bounded support"), m.warnings().get(1));
    assertTrue(ModelFile.read(example("m1.model")).warnings().isEmpty());
  }

  /**
   * A prior that is −∞ on part of the declared constraint's values is warned about, with the
   * declaration that fits; a prior whose support covers the constraint is not.
   */
  @Test
  void aPriorNarrowerThanTheConstraintGivesAWarningThatSaysWhatToDeclare() {
    Model m = ModelFile.parse(String.join("\n",
        "param mu ~ uniform(100, 110)",
        "param s ~ lognormal(0, 1)",
        "param p : interval(-1, 1) ~ beta(2, 2)",
        "param w[3] ~ dirichlet(1, 1, 1)",
        "param ok1 : interval(100, 110) ~ uniform(100, 110)",
        "param ok2 : positive ~ half_normal(1)",
        "param ok3 : interval(0.2, 0.5) ~ beta(2, 2)",
        "param ok4 : positive ~ normal(0, 1)",
        "param ok5[3] : simplex ~ dirichlet(1, 1, 1)"), "support.model");
    List<String> w = m.warnings();
    assertEquals(4, w.size(), w.toString());
    assertTrue(w.get(0).startsWith("parameter mu is declared real but its prior uniform(") && w.get(0).endsWith("declare it interval(100.0, 110.0)"), w.get(0));
    assertTrue(w.get(1).startsWith("parameter s is declared real") && w.get(1).endsWith("declare it positive"), w.get(1));
    assertTrue(w.get(2).startsWith("parameter p is declared interval(-1.0, 1.0)") && w.get(2).endsWith("declare it interval(0.0, 1.0)"), w.get(2));
    assertTrue(w.get(3).startsWith("parameter w[1], w[2], w[3] is declared real") && w.get(3).endsWith("declare it simplex"), w.get(3));
    assertTrue(ModelFile.read(example("m2.model")).warnings().isEmpty());
  }
}
