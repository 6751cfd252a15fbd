package dev.flowvi.codegen.model;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.codegen.CodegenMode;
import dev.flowvi.codegen.model.ModelCompiler.Lanes;
import dev.flowvi.engine.kernel.VectorSupport;
import dev.flowvi.engine.model.Constraint;
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.model.Density;
import dev.flowvi.engine.model.Expr;
import dev.flowvi.engine.model.GraphView;
import dev.flowvi.engine.model.Model;
import dev.flowvi.engine.model.ModelBuilder;
import dev.flowvi.engine.model.ModelLogDensity;
import dev.flowvi.engine.model.Parameter;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.target.LogDensity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Property test: random expression graphs over every operation of the builder and every
 * constraint, compiled (scalar loop, and vector loop where the graph allows it) against the scalar
 * interpreter to 1e-12 relative (justified in {@link ModelCompilerTest}), and against finite
 * differences. The graphs mix row-wise and per-sample nodes, data-only sub-expressions (folded
 * scalars and columns), sums fed through non-linear functions (the two-sweep gradient) and sums
 * used linearly (the fused sweep). 301 rows leave a scalar tail after any vector loop.
 */
class RandomGraphCompilerTest {
  private static final int GRAPHS = 40;
  private static final int ROWS = 301;

  @Test
  void compiledRandomGraphsMatchTheInterpreterAndFiniteDifferences() {
    RandomStream rng = RandomStream.of(2026);
    int checked = 0;
    int vectorChecked = 0;
    int attempts = 0;
    while (checked < GRAPHS) {
      attempts++;
      assertTrue(attempts < 30 * GRAPHS, "too many rejected graphs: " + attempts);
      Model model = randomModel(rng);
      DataTable data = data(rng);
      ModelLogDensity interpreted = GraphView.of(model, data).interpretedScalar();
      int n = 3;
      double[] z = new double[interpreted.dim() * n];
      for (int k = 0; k < z.length; k++) {
        z[k] = 0.7 * rng.nextGaussian();
      }
      double[] lp = new double[n];
      double[] grad = new double[z.length];
      interpreted.logDensityAndGradient(z, n, lp, grad);
      boolean usable = true;
      for (double v : lp) {
        usable &= Double.isFinite(v) && Math.abs(v) < 1e6;
      }
      for (double v : grad) {
        usable &= Double.isFinite(v);
      }
      if (!usable) {
        continue;
      }
      LogDensity scalar = ModelCompiler.logDensity(model, data, CodegenMode.STRICT, Lanes.SCALAR);
      assertInstanceOf(CompiledModelDensity.class, scalar);
      ModelCompilerTest.compare(scalar, interpreted, z, 1e-12);
      FiniteDifferences.assertGradient(scalar, z, n, 1e-6);
      if (VectorSupport.enabled() && ModelSourceGenerator.vectorisable(GraphView.of(model, data))) {
        LogDensity vector = ModelCompiler.logDensity(model, data, CodegenMode.STRICT, Lanes.VECTOR);
        ModelCompilerTest.compare(vector, interpreted, z, 1e-12);
        vectorChecked++;
      }
      checked++;
    }
    assertTrue(!VectorSupport.enabled() || vectorChecked >= 2, "only " + vectorChecked + " graphs took the vector loop");
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

  /** A node of the graph under construction, with whether it reads a parameter. */
  private static final class Node {
    final Expr e;
    final boolean params;

    Node(Expr e, boolean params) {
      this.e = e;
      this.params = params;
    }
  }

  static Model randomModel(RandomStream rng) {
    ModelBuilder b = ModelBuilder.create();
    List<Node> scalars = new ArrayList<>();
    List<Node> rows = new ArrayList<>();
    rows.add(new Node(b.data("d1"), false));
    rows.add(new Node(b.data("d2"), false));
    Parameter[] params = {
        b.parameter("r", Constraint.real()), b.parameter("p", Constraint.positive()), b.parameter("i", Constraint.interval(-1, 2)),
        b.parameter("s", 3, Constraint.simplex()), b.parameter("o", 3, Constraint.ordered())};
    for (Parameter p : params) {
      for (int k = 0; k < p.size(); k++) {
        scalars.add(new Node(p.get(k), true));
      }
    }
    params[0].prior(Density.normal(Expr.of(0), Expr.of(1)));
    params[1].prior(Density.gamma(Expr.of(2), Expr.of(1)));
    params[2].prior(Density.normal(Expr.of(0.5), Expr.of(1)));
    params[3].prior(Density.dirichlet(Expr.of(1.5), Expr.of(2), Expr.of(2.5)));
    params[4].prior(Density.studentT(Expr.of(4), Expr.of(0), Expr.of(2)));
    scalars.add(new Node(Expr.of(0.75), false));
    int ops = 6 + rng.nextInt(12);
    for (int k = 0; k < ops; k++) {
      boolean rowwise = rng.nextDouble() < 0.6;
      Node a = (rowwise ? rows : scalars).get(rng.nextInt((rowwise ? rows : scalars).size()));
      List<Node> other = rng.nextDouble() < 0.5 ? rows : scalars;
      Node c = other.get(rng.nextInt(other.size()));
      Expr e = operation(rng, a.e, c.e);
      (e.isRowwise() ? rows : scalars).add(new Node(e, a.params || c.params));
    }
    int terms = 1 + rng.nextInt(3);
    for (int t = 0; t < terms; t++) {
      Node r = rows.get(rng.nextInt(rows.size()));
      // A data-only row expression scaled by a parameter; unscaled ones become folded constants.
      Expr row = r.params || rng.nextDouble() < 0.3 ? r.e : r.e.times(params[1].value());
      Expr s = Expr.sum(row).times(0.01);
      b.add(rng.nextDouble() < 0.5 ? s : Expr.log(Expr.square(s).plus(1)).times(params[0].value().plus(2)));
    }
    Expr mean = scalars.get(rng.nextInt(scalars.size())).e;
    b.add(Expr.sum(Density.normal(mean, Expr.exp(params[2].value())).logDensity(b.data("d1"))));
    return b.build();
  }

  private static Expr positive(Expr a) {
    return Expr.square(a).plus(0.5);
  }

  private static Expr operation(RandomStream rng, Expr a, Expr c) {
    switch (rng.nextInt(20)) {
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
      case 18: return Density.uniform(Expr.of(-1e3), Expr.of(1e3)).logDensity(a.plus(c));
      default: return Density.bernoulliLogit(a).logDensity(Expr.of(1));
    }
  }
}
