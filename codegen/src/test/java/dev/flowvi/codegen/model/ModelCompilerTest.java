package dev.flowvi.codegen.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flowvi.codegen.CodegenException;
import dev.flowvi.codegen.CodegenMode;
import dev.flowvi.codegen.CompiledClass;
import dev.flowvi.codegen.CompiledOrInterpreted;
import dev.flowvi.codegen.KernelCache;
import dev.flowvi.codegen.KernelCompiler;
import dev.flowvi.codegen.MethodSizes;
import dev.flowvi.codegen.model.ModelCompiler.Lanes;
import dev.flowvi.engine.examples.M1Data;
import dev.flowvi.engine.examples.M2Data;
import dev.flowvi.engine.examples.SeedModels;
import dev.flowvi.engine.kernel.VectorSupport;
import dev.flowvi.engine.model.Constraint;
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.model.Density;
import dev.flowvi.engine.model.Expr;
import dev.flowvi.engine.model.GraphView;
import dev.flowvi.engine.model.Model;
import dev.flowvi.engine.model.ModelBuilder;
import dev.flowvi.engine.model.ModelLogDensity;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.target.LogDensity;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The generated model class against the interpreter, in STRICT mode so that a fallback cannot hide
 * a code-generation bug.
 *
 * <p>Tolerance: the scalar generated loop uses the interpreter's formulas with java.lang.Math, but
 * sums rows in one pass where the interpreter sums 256-row tiles, so the totals differ by rounding
 * only (≈ 1e-16·√rows relative). The vector loop uses lanewise EXP/LOG, within 1 ulp of StrictMath
 * per row, and reduces lanes in another order: a few ulp per row term, ≈ 1e-15 relative on the
 * same-signed sums. 1e-12 relative (gradients relative to the point's largest component, since
 * single components are sums of terms of both signs) bounds both with three orders to spare.
 */
class ModelCompilerTest {
  private static final double TOL = 1e-12;

  @Test
  void m1CompiledMatchesInterpreted() {
    DataTable data = M1Data.generate(11);
    Model m1 = SeedModels.m1();
    ModelLogDensity interpreted = GraphView.of(m1, data).interpretedScalar();
    for (Lanes lanes : lanesAvailable(m1, data)) {
      LogDensity compiled = ModelCompiler.logDensity(m1, data, CodegenMode.STRICT, lanes);
      assertInstanceOf(CompiledModelDensity.class, compiled);
      compare(compiled, interpreted, nearTruth(m1, new double[] {M1Data.M1, M1Data.M2, M1Data.C2, M1Data.W1}, 8, 12), TOL);
    }
  }

  @Test
  void m2CompiledMatchesInterpreted() {
    DataTable data = M2Data.generate(21, 3000);
    Model m2 = SeedModels.m2();
    ModelLogDensity interpreted = GraphView.of(m2, data).interpretedScalar();
    double[] z = nearTruth(m2, m2Truth(), 6, 22);
    for (Lanes lanes : lanesAvailable(m2, data)) {
      LogDensity compiled = ModelCompiler.logDensity(m2, data, CodegenMode.STRICT, lanes);
      assertInstanceOf(CompiledModelDensity.class, compiled);
      compare(compiled, interpreted, z, TOL);
    }
    // Also against the interpreter's default (vector when enabled) kernels.
    compare(ModelCompiler.logDensity(m2, data, CodegenMode.STRICT, Lanes.AUTO), GraphView.of(m2, data).interpreted(), z, TOL);
  }

  /**
   * The vector loop runs over whole vectors with a scalar tail: row counts below one vector, at
   * multiples of the vector length and just past them give the interpreter's values.
   */
  @Test
  void m2CompiledMatchesInterpretedForAnyRowCount() {
    Model m2 = SeedModels.m2();
    for (int rows : new int[] {1, 5, 127, 128, 129, 259}) {
      DataTable data = M2Data.generate(23 + rows, rows);
      double[] z = nearTruth(m2, m2Truth(), 3, 24);
      for (Lanes lanes : lanesAvailable(m2, data)) {
        compare(ModelCompiler.logDensity(m2, data, CodegenMode.STRICT, lanes), GraphView.of(m2, data).interpretedScalar(), z, TOL);
      }
    }
  }

  /**
   * Regression means built from products of a parameter and a column: a·x₁ + b·x₂ (a sum of two
   * single-use products, of which the vector loop may fold only one into a multiply-add),
   * c − a·x₁ (a folded, negated product) and a·x₁ + b·x₂ − c·x₃ (an n-ary chain).
   */
  @Test
  void sumsAndDifferencesOfProductsMatchTheInterpreter() {
    for (int form = 0; form < 3; form++) {
      ModelBuilder b = ModelBuilder.create();
      Expr[] x = {b.data("x1"), b.data("x2"), b.data("x3")};
      Expr y = b.data("y");
      Expr[] coef = new Expr[3];
      for (int k = 0; k < 3; k++) {
        coef[k] = b.parameter("beta" + k, Constraint.real()).prior(Density.normal(Expr.of(0), Expr.of(2))).value();
      }
      Expr mean = form == 0 ? coef[0].times(x[0]).plus(coef[1].times(x[1]))
          : form == 1 ? coef[2].minus(coef[0].times(x[0]))
          : coef[0].times(x[0]).plus(coef[1].times(x[1])).minus(coef[2].times(x[2]));
      b.add(Expr.sum(Density.normal(mean, Expr.of(0.7)).logDensity(y)));
      Model model = b.build();
      RandomStream rng = RandomStream.of(41 + form);
      int rows = 203;
      Map<String, double[]> cols = new java.util.LinkedHashMap<>();
      for (String name : new String[] {"x1", "x2", "x3", "y"}) {
        double[] v = new double[rows];
        for (int i = 0; i < rows; i++) {
          v[i] = rng.nextGaussian();
        }
        cols.put(name, v);
      }
      DataTable data = DataTable.of("products", cols);
      double[] z = new double[3 * 4];
      for (int k = 0; k < z.length; k++) {
        z[k] = rng.nextGaussian();
      }
      for (Lanes lanes : lanesAvailable(model, data)) {
        compare(ModelCompiler.logDensity(model, data, CodegenMode.STRICT, lanes), GraphView.of(model, data).interpretedScalar(), z, TOL);
      }
    }
  }

  /**
   * Mixtures whose log-sum-exp is summed straight away, so that the vector loop takes the log once
   * per tile and, with two components, one EXP per row: rows where a uniform component is −∞
   * (outside its interval) or where both are finite, with 2 and 3 components, and 203 rows (three
   * tiles, the last partial, and a scalar tail).
   */
  @Test
  void mixturesWithComponentsOutsideTheirSupportMatchTheInterpreter() {
    for (int components = 2; components <= 3; components++) {
      ModelBuilder b = ModelBuilder.create();
      Expr y = b.data("y");
      Expr mu = b.parameter("mu", Constraint.real()).prior(Density.normal(Expr.of(0), Expr.of(1))).value();
      Expr w = b.parameter("w", Constraint.interval(0, 1)).prior(Density.uniform(Expr.of(0), Expr.of(1))).value();
      Expr[] terms = new Expr[components];
      terms[0] = Expr.log(w).plus(Density.normal(mu, Expr.of(1.3)).logDensity(y));
      terms[1] = Expr.log1p(w.negate()).plus(Density.uniform(Expr.of(-1), Expr.of(1)).logDensity(y));
      if (components == 3) {
        terms[2] = Density.uniform(Expr.of(0.5), Expr.of(2)).logDensity(y).minus(1.0);
      }
      b.add(Expr.sum(Expr.logSumExp(terms)));
      Model model = b.build();
      RandomStream rng = RandomStream.of(43 + components);
      int rows = 203;
      double[] v = new double[rows];
      for (int i = 0; i < rows; i++) {
        v[i] = 2.5 * rng.nextGaussian();
      }
      DataTable data = DataTable.of("mixture", Map.of("y", v));
      double[] z = new double[2 * 6];
      for (int k = 0; k < z.length; k++) {
        z[k] = rng.nextGaussian();
      }
      ModelLogDensity interpreted = GraphView.of(model, data).interpretedScalar();
      for (Lanes lanes : lanesAvailable(model, data)) {
        compare(ModelCompiler.logDensity(model, data, CodegenMode.STRICT, lanes), interpreted, z, TOL);
      }
      if (VectorSupport.enabled()) {
        String source = new ModelSourceGenerator(GraphView.of(model, data), true).template();
        assertTrue(source.contains(".lanewise(LOG));") && source.contains("DoubleVector.broadcast(S, 1.0);"),
            "the vector loop takes the mixture's log once per tile:\n" + source);
        StringBuilder loops = new StringBuilder();
        for (String method : source.split("\n  private ")) {
          if (method.startsWith("void rowsValueVectorTile") || method.startsWith("void rowsGradientVectorTile")) {
            loops.append(method);
          }
        }
        assertEquals(components == 2 ? (RowLanes.ONE_EXP_FOR_TWO_TERMS ? 2 : 4) : 6, count(loops.toString(), ".lanewise(EXP)"),
            components + " components: EXP calls in the value and gradient loops\n" + loops);
      }
    }
  }

  /** M2's true constrained values, in declaration order (EXAMPLES.md). */
  static double[] m2Truth() {
    double[] x = new double[27];
    int k = 0;
    for (int t = 0; t < 3; t++) {
      x[k++] = M2Data.A[t][0];
      x[k++] = M2Data.A[t][1];
      x[k++] = M2Data.A[t][2];
      x[k++] = M2Data.B[t][0];
      x[k++] = M2Data.B[t][1];
      x[k++] = M2Data.LOG_E[t];
      x[k++] = M2Data.PHI[t];
    }
    x[k++] = Math.log(M2Data.SIGMA);
    x[k++] = Math.log(M2Data.SIGMA_E);
    for (double w : M2Data.WEIGHTS) {
      x[k++] = w;
    }
    return x;
  }

  @Test
  void compiledGradientsMatchFiniteDifferences() {
    DataTable d1 = M1Data.generate(31, 200);
    Model m1 = SeedModels.m1();
    DataTable d2 = M2Data.generate(32, 300);
    Model m2 = SeedModels.m2();
    for (Lanes lanes : lanesAvailable(m2, d2)) {
      FiniteDifferences.assertGradient(ModelCompiler.logDensity(m1, d1, CodegenMode.STRICT, lanes),
          nearTruth(m1, new double[] {M1Data.M1, M1Data.M2, M1Data.C2, M1Data.W1}, 3, 33), 3, 1e-6);
      FiniteDifferences.assertGradient(ModelCompiler.logDensity(m2, d2, CodegenMode.STRICT, lanes), nearTruth(m2, m2Truth(), 2, 34), 2, 1e-6);
    }
  }

  @Test
  void m2MethodsStayUnderTheHugeMethodLimit() {
    DataTable data = M2Data.generate(41, 500);
    for (Lanes lanes : lanesAvailable(SeedModels.m2(), data)) {
      CompiledClass c = ModelCompiler.compile(SeedModels.m2(), data, lanes);
      assertTrue(c.methodSizes().size() > 5, "methods: " + c.methodSizes().keySet());
      for (Map.Entry<String, Integer> e : c.methodSizes().entrySet()) {
        assertTrue(e.getValue() < MethodSizes.HUGE_METHOD_LIMIT, lanes + " " + e.getKey() + " has " + e.getValue() + " bytes");
      }
      assertTrue(c.largestMethodSize() > 0);
    }
  }

  @Test
  void oneClassServesEveryDataSetOfAModel() {
    Model m2 = SeedModels.m2();
    DataTable a = M2Data.generate(51, 400);
    DataTable b = M2Data.generate(52, 700);
    CompiledClass ca = ModelCompiler.compile(m2, a, Lanes.SCALAR);
    CompiledClass cb = ModelCompiler.compile(m2, b, Lanes.SCALAR);
    assertSame(ca, cb, "the topology key excludes data values and the number of rows");
    assertEquals(ca.source().key(), ModelCompiler.source(SeedModels.m2(), b, Lanes.SCALAR).key(), "a rebuilt model has the same key");
    LogDensity db = ModelCompiler.logDensity(m2, b, CodegenMode.STRICT, Lanes.SCALAR);
    compare(db, GraphView.of(m2, b).interpretedScalar(), nearTruth(m2, m2Truth(), 3, 53), TOL);
    assertFalse(ModelCompiler.source(SeedModels.m1(), M1Data.generate(54), Lanes.SCALAR).key().equals(ca.source().key()));
  }

  @Test
  void resultsDoNotDependOnTheThreadCount() {
    Model m2 = SeedModels.m2();
    DataTable data = M2Data.generate(61, 2000);
    LogDensity compiled = ModelCompiler.logDensity(m2, data, CodegenMode.STRICT, Lanes.AUTO);
    int n = 40;
    double[] z = nearTruth(m2, m2Truth(), n, 62);
    double[] lp = new double[n];
    double[] g = new double[26 * n];
    compiled.logDensityAndGradient(z, n, lp, g);
    // One point at a time runs on the calling thread; the batch of 40 × 2000 rows is split over the pool.
    double[] one = new double[26];
    double[] lp1 = new double[1];
    double[] g1 = new double[26];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 26; j++) {
        one[j] = z[j * n + i];
      }
      compiled.logDensityAndGradient(one, 1, lp1, g1);
      assertEquals(lp[i], lp1[0], 0.0, "point " + i);
      for (int j = 0; j < 26; j++) {
        assertEquals(g[j * n + i], g1[j], 0.0, "gradient " + j + " at point " + i);
      }
    }
  }

  @Test
  void anImpossibleCompileFallsBackToTheInterpreterInAutoMode() {
    // A compiler whose class loader cannot see FlowVI: the generated class cannot resolve its base class.
    KernelCache blind = new KernelCache(new KernelCompiler(ClassLoader.getPlatformClassLoader()), 4);
    Model m1 = SeedModels.m1();
    DataTable data = M1Data.generate(71, 150);
    assertThrows(CodegenException.class, () -> ModelCompiler.logDensity(m1, data, CodegenMode.STRICT, Lanes.SCALAR, blind));
    LogDensity fallback = ModelCompiler.logDensity(m1, data, CodegenMode.AUTO, Lanes.SCALAR, blind);
    assertInstanceOf(ModelLogDensity.class, fallback);
    assertTrue(CompiledOrInterpreted.fellBack(ModelCompiler.source(m1, data, Lanes.SCALAR).key()));
    double[] z = nearTruth(m1, new double[] {M1Data.M1, M1Data.M2, M1Data.C2, M1Data.W1}, 4, 72);
    compare(fallback, m1.bind(data), z, 0.0);
    assertInstanceOf(ModelLogDensity.class, ModelCompiler.logDensity(m1, data, CodegenMode.OFF, Lanes.AUTO));
  }

  @Test
  void aVectorLoopThatCannotCompileFallsBackToTheScalarGeneratedLoop() {
    assumeTrue(VectorSupport.enabled(), "the vector loop is not generated in this JVM: " + VectorSupport.describe());
    // A loader that sees FlowVI but not the Vector API: Janino cannot resolve DoubleVector.
    ClassLoader noVector = new ClassLoader(ModelCompilerTest.class.getClassLoader()) {
      @Override
      protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith("jdk.incubator.vector.")) {
          throw new ClassNotFoundException(name + " is hidden from this loader");
        }
        return super.loadClass(name, resolve);
      }
    };
    KernelCache cache = new KernelCache(new KernelCompiler(noVector), 4);
    Model m2 = SeedModels.m2();
    DataTable data = M2Data.generate(75, 333);
    assertThrows(CodegenException.class, () -> ModelCompiler.logDensity(m2, data, CodegenMode.STRICT, Lanes.VECTOR, cache));
    LogDensity scalar = ModelCompiler.logDensity(m2, data, CodegenMode.AUTO, Lanes.AUTO, cache);
    assertInstanceOf(CompiledModelDensity.class, scalar);
    assertTrue(cache.contains(ModelCompiler.source(m2, data, Lanes.SCALAR).key()));
    compare(scalar, GraphView.of(m2, data).interpretedScalar(), nearTruth(m2, m2Truth(), 3, 76), TOL);
  }

  @Test
  void badArgumentsAreNamed() {
    Model m1 = SeedModels.m1();
    DataTable data = M1Data.generate(81, 50);
    LogDensity compiled = ModelCompiler.logDensity(m1, data, CodegenMode.STRICT, Lanes.SCALAR);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> compiled.logDensityAndGradient(new double[4 * 3], 3, new double[3], new double[5]));
    assertTrue(e.getMessage().contains("grad"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> compiled.logDensity(new double[7], 2, new double[2]));
    assertTrue(e.getMessage().contains("z"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ModelCompiler.logDensity(m1, data, CodegenMode.STRICT, null));
    assertTrue(e.getMessage().contains("lanes"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ModelCompiler.logDensity(m1, null, CodegenMode.STRICT, Lanes.AUTO));
    assertTrue(e.getMessage().contains("data"), e.getMessage());
    if (!VectorSupport.enabled()) {
      e = assertThrows(IllegalArgumentException.class, () -> ModelCompiler.logDensity(m1, data, CodegenMode.STRICT, Lanes.VECTOR));
      assertTrue(e.getMessage().contains("lanes is VECTOR"), e.getMessage());
    }
  }

  @Test
  void dumpsTheGeneratedSourceWhenAsked(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    String old = System.getProperty(KernelCompiler.DUMP_PROPERTY);
    System.setProperty(KernelCompiler.DUMP_PROPERTY, dir.toString());
    try {
      KernelCache fresh = new KernelCache(KernelCompiler.forEngine(), 2);
      Model m1 = SeedModels.m1();
      DataTable data = M1Data.generate(91, 60);
      ModelCompiler.logDensity(m1, data, CodegenMode.STRICT, Lanes.SCALAR, fresh);
      String name = ModelCompiler.source(m1, data, Lanes.SCALAR).simpleName();
      String text = java.nio.file.Files.readString(dir.resolve(name + ".java"));
      assertTrue(text.contains("extends CompiledModelDensity") && text.contains("rowsGradient"), text);
    } finally {
      if (old == null) {
        System.clearProperty(KernelCompiler.DUMP_PROPERTY);
      } else {
        System.setProperty(KernelCompiler.DUMP_PROPERTY, old);
      }
    }
  }

  private static Lanes[] lanesAvailable(Model m, DataTable d) {
    return VectorSupport.enabled() && ModelSourceGenerator.vectorisable(GraphView.of(m, d))
        ? new Lanes[] {Lanes.SCALAR, Lanes.VECTOR} : new Lanes[] {Lanes.SCALAR};
  }

  /** Unconstrained points around constrained values x0 (spread 0.05 in z). */
  static double[] nearTruth(Model m, double[] x0, int n, long seed) {
    double[] u0 = m.unconstrain(x0);
    RandomStream rng = RandomStream.of(seed);
    double[] z = new double[u0.length * n];
    for (int j = 0; j < u0.length; j++) {
      for (int i = 0; i < n; i++) {
        z[j * n + i] = u0[j] + 0.05 * rng.nextGaussian();
      }
    }
    return z;
  }

  private static int count(String text, String what) {
    int count = 0;
    for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
      count++;
    }
    return count;
  }

  static void compare(LogDensity a, LogDensity b, double[] z, double tol) {
    int d = b.dim();
    assertEquals(d, a.dim());
    int n = z.length / d;
    double[] la = new double[n];
    double[] lb = new double[n];
    double[] lv = new double[n];
    double[] ga = new double[d * n];
    double[] gb = new double[d * n];
    a.logDensityAndGradient(z, n, la, ga);
    b.logDensityAndGradient(z, n, lb, gb);
    a.logDensity(z, n, lv);
    for (int i = 0; i < n; i++) {
      assertTrue(Double.isFinite(lb[i]), "interpreted log density at point " + i + " is " + lb[i]);
      assertEquals(lb[i], la[i], tol * Math.abs(lb[i]), "log density at point " + i);
      assertEquals(la[i], lv[i], 0.0, "value-only and value-with-gradient paths at point " + i);
      double scale = 1;
      for (int j = 0; j < d; j++) {
        scale = Math.max(scale, Math.abs(gb[j * n + i]));
      }
      for (int j = 0; j < d; j++) {
        assertEquals(gb[j * n + i], ga[j * n + i], tol * scale, "gradient " + j + " at point " + i);
      }
    }
  }
}
