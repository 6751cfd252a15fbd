package dev.flowvi.engine.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.random.RandomStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Property test: reverse-mode gradients of random expression graphs built from every operation of
 * the builder, over every constraint, match finite differences. Each graph has 300 rows (one full
 * 256-row tile and a partial one); half its terms pass a sum over rows through a non-linear
 * function, which exercises the two-sweep path. Domain-restricted operations get positive
 * arguments by construction (a² + ½); graphs whose value is not finite and moderate at the test
 * points are redrawn, so every accepted graph is checked.
 */
class RandomGraphTest {
  private static final int GRAPHS = 40;
  private static final int ROWS = 300;

  @Test
  void gradientsOfRandomGraphsMatchFiniteDifferences() {
    RandomStream rng = RandomStream.of(51);
    int checked = 0;
    int attempts = 0;
    while (checked < GRAPHS) {
      attempts++;
      assertTrue(attempts < 20 * GRAPHS, "too many rejected graphs: " + attempts);
      ModelLogDensity density = randomModel(rng).bind(data(rng));
      double[] z = new double[density.dim() * 3];
      for (int k = 0; k < z.length; k++) {
        z[k] = 0.7 * rng.nextGaussian();
      }
      double[] lp = new double[3];
      density.logDensity(z, 3, lp);
      boolean usable = true;
      for (double v : lp) {
        usable &= Double.isFinite(v) && Math.abs(v) < 1e6;
      }
      if (!usable) {
        continue;
      }
      GradientCheck.assertGradient(density, z, 3, 1e-6);
      GradientCheck.assertGradient(density.withScalarKernels(), z, 3, 1e-6);
      checked++;
    }
  }

  static DataTable data(RandomStream rng) {
    Map<String, double[]> cols = new LinkedHashMap<>();
    for (String name : new String[] {"d1", "d2"}) {
      double[] v = new double[ROWS];
      for (int i = 0; i < ROWS; i++) {
        v[i] = rng.nextGaussian();
      }
      cols.put(name, v);
    }
    return DataTable.of("random", cols);
  }

  static Model randomModel(RandomStream rng) {
    ModelBuilder b = ModelBuilder.create();
    List<Expr> scalars = new ArrayList<>();
    List<Expr> rows = new ArrayList<>();
    rows.add(b.data("d1"));
    rows.add(b.data("d2"));
    Parameter[] params = {
        b.parameter("r", Constraint.real()), b.parameter("p", Constraint.positive()), b.parameter("i", Constraint.interval(-1, 2)),
        b.parameter("s", 3, Constraint.simplex()), b.parameter("o", 2, Constraint.ordered())};
    for (Parameter p : params) {
      for (int k = 0; k < p.size(); k++) {
        scalars.add(p.get(k));
      }
    }
    params[0].prior(Density.normal(Expr.of(0), Expr.of(1)));
    params[1].prior(Density.gamma(Expr.of(2), Expr.of(1)));
    params[3].prior(Density.dirichlet(Expr.of(1.5), Expr.of(2), Expr.of(2.5)));
    params[4].prior(Density.studentT(Expr.of(4), Expr.of(0), Expr.of(2)));
    scalars.add(Expr.of(0.75));
    int ops = 6 + rng.nextInt(10);
    for (int k = 0; k < ops; k++) {
      boolean rowwise = rng.nextDouble() < 0.6;
      Expr a = pick(rng, rowwise ? rows : scalars, rowwise ? scalars : null);
      Expr c = pick(rng, rng.nextDouble() < 0.5 ? rows : scalars, null);
      Expr e = operation(rng, a, c);
      (e.isRowwise() ? rows : scalars).add(e);
    }
    int terms = 1 + rng.nextInt(3);
    for (int t = 0; t < terms; t++) {
      Expr r = rows.get(rng.nextInt(rows.size()));
      if (!r.dependsOnParameters) {
        r = r.times(params[1].value());
      }
      Expr s = Expr.sum(r);
      b.add(rng.nextDouble() < 0.5 ? s.times(0.01) : Expr.log(Expr.square(s.times(0.01)).plus(1)).times(params[0].value().plus(2)));
    }
    b.add(Expr.sum(Density.normal(scalars.get(rng.nextInt(scalars.size())), Expr.exp(params[2].value())).logDensity(b.data("d1"))));
    return b.build();
  }

  private static Expr pick(RandomStream rng, List<Expr> pool, List<Expr> alternative) {
    List<Expr> from = pool.isEmpty() ? alternative : pool;
    return from.get(rng.nextInt(from.size()));
  }

  private static Expr positive(Expr a) {
    return Expr.square(a).plus(0.5);
  }

  private static Expr operation(RandomStream rng, Expr a, Expr c) {
    switch (rng.nextInt(19)) {
      case 0: return a.plus(c);
      case 1: return a.minus(c);
      case 2: return a.times(c);
      case 3: return a.div(positive(c));
      case 4: return a.negate();
      case 5: return Expr.exp(a.times(0.3));
      case 6: return Expr.log(positive(a));
      case 7: return Expr.log1p(positive(a));
      case 8: return Expr.expm1(a.times(0.3));
      case 9: return Expr.sqrt(positive(a));
      case 10: return Expr.square(a);
      case 11: return Expr.pow(positive(a), c.times(0.3));
      case 12: return Expr.logistic(a);
      case 13: return Expr.log1pExp(a);
      case 14: return Expr.logGamma(positive(a));
      case 15: return Expr.logSumExp(a, c, a.times(0.5));
      case 16: return Density.normal(c, positive(a)).logDensity(a);
      case 17: return Density.cauchy(a, positive(c)).logDensity(c);
      default: return Density.bernoulliLogit(a).logDensity(Expr.of(1));
    }
  }
}
