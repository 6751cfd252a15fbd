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
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.model.GraphView;
import dev.flowvi.engine.model.Model;
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
