package dev.flowvi.engine.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.random.RepeatedChiSquare;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * Closed-form log densities, sampling laws (repeated χ² decile tests, false-failure rate 4.3e-5
 * each, see {@link RepeatedChiSquare}), layouts and argument checks of the base distributions.
 * Gradients are checked by finite differences in the validation module (DistributionGradientTest).
 */
class DistributionsTest {
  private static final double[] NORMAL_DECILES = {
    -1.2815515655446004, -0.8416212335729142, -0.5244005127080408, -0.2533471031357998, 0.0,
    0.2533471031357998, 0.5244005127080408, 0.8416212335729142, 1.2815515655446004
  };
  /** Student-t deciles from mpmath (regularised incomplete beta, 30 digits). */
  private static final double[] T_DECILES_0_5 = {
    -10.270324410234506, -2.512717953665919, -1.009525878607166, -0.3979754267847907, 0.0,
    0.3979754267847907, 1.009525878607166, 2.512717953665919, 10.270324410234506
  };
  private static final double[] T_DECILES_5 = {
    -1.475884048824481, -0.9195437802408261, -0.5594296444693607, -0.2671808657041451, 0.0,
    0.2671808657041451, 0.5594296444693607, 0.9195437802408261, 1.475884048824481
  };
  private static final double LOG_TWO_PI = Math.log(2 * Math.PI);

  private static double[] params(Distribution d) {
    double[] p = new double[d.parameterCount()];
    d.initialise(p, 0, RandomStream.of(0));
    return p;
  }

  private static double[] logProb(Distribution d, double[] params, double[] x, int n) {
    double[] lp = new double[n];
    d.logProb(params, 0, x, lp, n);
    return lp;
  }

  /** Draws of coordinate j, in batches of n, as a supplier for the decile test. */
  private static DoubleSupplier coordinate(Distribution d, double[] params, RandomStream rng, int j, double loc, double scale) {
    int n = 500;
    double[] x = new double[d.dim() * n];
    int[] next = {n};
    return () -> {
      if (next[0] == n) {
        d.sample(params, 0, rng, x, n);
        next[0] = 0;
      }
      return (x[j * n + next[0]++] - loc) / scale;
    };
  }

  @Test
  void standardNormalLogDensityAndDraws() {
    StandardNormal d = StandardNormal.of(3);
    double[] x = {0.5, -2, 0, 1, 3, -0.25}; // 3 coordinates × 2 points
    double[] lp = logProb(d, new double[0], x, 2);
    assertEquals(-1.5 * LOG_TWO_PI - 0.5 * (0.25 + 0 + 9), lp[0], 1e-15);
    assertEquals(-1.5 * LOG_TWO_PI - 0.5 * (4 + 1 + 0.0625), lp[1], 1e-15);
    RepeatedChiSquare.assertDeciles("StandardNormal coordinate 2", coordinate(d, new double[0], RandomStream.of(1), 2, 0, 1), NORMAL_DECILES);
  }

  @Test
  void normalLogDensityLayoutAndDraws() {
    Normal d = Normal.of(new double[] {1.5, -2}, new double[] {0.7, 3});
    double[] p = params(d);
    assertArrayEquals(new double[] {1.5, -2}, new double[] {p[0], p[1]}, 0);
    assertArrayEquals(new double[] {0.7, 3}, d.initialScale(), 1e-15);
    double[] x = {1.0, 2.0, -2.0, 7.0};
    double[] lp = logProb(d, p, x, 2);
    assertEquals(normal(1.0, 1.5, 0.7) + normal(-2, -2, 3), lp[0], 1e-14);
    assertEquals(normal(2.0, 1.5, 0.7) + normal(7, -2, 3), lp[1], 1e-14);
    ParameterLayout layout = layout(d, "base.");
    assertEquals("base.Normal.loc", layout.blocks().get(0).name());
    assertEquals("base.Normal.scale_raw", layout.blocks().get(1).name());
    assertEquals(4, layout.size());
    RepeatedChiSquare.assertDeciles("Normal coordinate 1", coordinate(d, p, RandomStream.of(2), 1, -2, 3), NORMAL_DECILES);
  }

  @Test
  void studentTMatchesCauchyAtOneDegreeOfFreedom() {
    StudentT d = StudentT.of(1, 1.0, 0.5, 2.0);
    double[] p = params(d);
    double[] x = {0.5, 3, -40, 1e200};
    double[] lp = logProb(d, p, x, 4);
    for (int i = 0; i < 4; i++) {
      double z = (x[i] - 0.5) / 2.0;
      double expected = -Math.log(Math.PI * 2.0) - (Math.abs(z) < 1e100 ? Math.log1p(z * z) : 2 * Math.log(Math.abs(z)));
      assertEquals(expected, lp[i], 1e-13 * Math.max(1, Math.abs(expected)), "Cauchy log density at " + x[i]);
    }
  }

  /** ∫ p = 1 for ν = 3 by Simpson's rule on x = tan(θ) (integrand smooth, error below 1e-10). */
  @Test
  void studentTIntegratesToOne() {
    StudentT d = StudentT.of(1, 3.0, -1.0, 0.4);
    double[] p = params(d);
    int m = 20_000;
    double a = -Math.PI / 2;
    double h = Math.PI / m;
    double[] x = new double[1];
    double[] lp = new double[1];
    double sum = 0;
    for (int k = 1; k < m; k++) {
      double t = a + k * h;
      x[0] = Math.tan(t);
      d.logProb(p, 0, x, lp, 1);
      double c = Math.cos(t);
      sum += (k % 2 == 1 ? 4 : 2) * Math.exp(lp[0]) / (c * c);
    }
    assertEquals(1.0, sum * h / 3, 1e-10);
  }

  @Test
  void studentTDrawsForHeavyAndModerateTails() {
    StudentT heavy = StudentT.of(0.5, new double[] {0.0}, new double[] {1.0});
    RepeatedChiSquare.assertDeciles("StudentT(0.5)", coordinate(heavy, params(heavy), RandomStream.of(3), 0, 0, 1), T_DECILES_0_5);
    StudentT five = StudentT.of(2, 5.0, 3.0, 0.25);
    RepeatedChiSquare.assertDeciles("StudentT(5) coordinate 1", coordinate(five, params(five), RandomStream.of(4), 1, 3.0, 0.25), T_DECILES_5);
  }

  /** Deciles of a standard density from its closed-form quantile function. */
  private static double[] deciles(java.util.function.DoubleUnaryOperator quantile) {
    double[] q = new double[9];
    for (int k = 1; k <= 9; k++) {
      q[k - 1] = quantile.applyAsDouble(k / 10.0);
    }
    return q;
  }

  /** ∫ p over [lo, hi] by Simpson's rule with m (even) intervals. */
  private static double simpson(Distribution d, double[] p, double lo, double hi, int m) {
    double h = (hi - lo) / m;
    double[] x = new double[1];
    double[] lp = new double[1];
    double sum = 0;
    for (int k = 0; k <= m; k++) {
      x[0] = lo + k * h;
      d.logProb(p, 0, x, lp, 1);
      sum += (k == 0 || k == m ? 1 : k % 2 == 1 ? 4 : 2) * Math.exp(lp[0]);
    }
    return sum * h / 3;
  }

  /**
   * Laplace, logistic and Gumbel: log densities against their textbook forms at loc 0.5 and scale 2,
   * each integrating to one (Simpson over ±80 scales, a node on Laplace's kink, so each piece is
   * smooth: error below 1e-10; the tails beyond hold under e^−40), and draws with the deciles of the
   * closed-form quantiles.
   */
  @Test
  void exponentialTailedFamiliesHaveTheirDensitiesAndDraws() {
    double loc = 0.5;
    double b = 2.0;
    double[] x = {0.5, 3, -7, 40};
    Laplace laplace = Laplace.of(1, loc, b);
    Logistic logistic = Logistic.of(1, loc, b);
    Gumbel gumbel = Gumbel.of(1, loc, b);
    double[] lpLaplace = logProb(laplace, params(laplace), x, 4);
    double[] lpLogistic = logProb(logistic, params(logistic), x, 4);
    double[] lpGumbel = logProb(gumbel, params(gumbel), x, 4);
    for (int i = 0; i < 4; i++) {
      double z = (x[i] - loc) / b;
      assertEquals(Math.log(Math.exp(-Math.abs(z)) / (2 * b)), lpLaplace[i], 1e-14, "Laplace at " + x[i]);
      assertEquals(Math.log(Math.exp(-z) / (b * (1 + Math.exp(-z)) * (1 + Math.exp(-z)))), lpLogistic[i], 1e-13, "logistic at " + x[i]);
      assertEquals(Math.log(Math.exp(-(z + Math.exp(-z))) / b), lpGumbel[i], 1e-13, "Gumbel at " + x[i]);
    }
    assertEquals(1.0, simpson(laplace, params(laplace), loc - 80 * b, loc + 80 * b, 64_000), 1e-10);
    assertEquals(1.0, simpson(logistic, params(logistic), loc - 80 * b, loc + 80 * b, 64_000), 1e-10);
    assertEquals(1.0, simpson(gumbel, params(gumbel), loc - 5 * b, loc + 80 * b, 64_000), 1e-10);
    Laplace laplace2 = Laplace.of(new double[] {0, -3}, new double[] {1, 0.25});
    RepeatedChiSquare.assertDeciles("Laplace coordinate 1", coordinate(laplace2, params(laplace2), RandomStream.of(11), 1, -3, 0.25),
        deciles(p -> p < 0.5 ? Math.log(2 * p) : -Math.log(2 * (1 - p))));
    RepeatedChiSquare.assertDeciles("logistic", coordinate(logistic, params(logistic), RandomStream.of(12), 0, loc, b),
        deciles(p -> Math.log(p / (1 - p))));
    RepeatedChiSquare.assertDeciles("Gumbel", coordinate(gumbel, params(gumbel), RandomStream.of(13), 0, loc, b),
        deciles(p -> -Math.log(-Math.log(p))));
  }

  /**
   * Cauchy: the Student t at one degree of freedom (to 1e-13 relative, out to 1e300), integrating to
   * one (Simpson on x = tan θ, endpoints at their limits), with the deciles of tan(π(p − ½)).
   */
  @Test
  void cauchyIsTheStudentTWithOneDegreeOfFreedom() {
    Cauchy cauchy = Cauchy.of(1, -1.0, 0.4);
    StudentT t = StudentT.of(1, 1.0, -1.0, 0.4);
    double[] x = {-1, 0.3, -50, 1e6, 1e200, -1e300};
    double[] lpCauchy = logProb(cauchy, params(cauchy), x, x.length);
    double[] lpT = logProb(t, params(t), x, x.length);
    for (int i = 0; i < x.length; i++) {
      assertEquals(lpT[i], lpCauchy[i], 1e-13 * Math.max(1, Math.abs(lpT[i])), "at " + x[i]);
    }
    double[] p = params(cauchy);
    int m = 20_000;
    double h = Math.PI / m;
    double[] one = new double[1];
    double[] lp = new double[1];
    double sum = 0;
    for (int k = 1; k < m; k++) {
      double theta = -Math.PI / 2 + k * h;
      one[0] = Math.tan(theta);
      cauchy.logProb(p, 0, one, lp, 1);
      double c = Math.cos(theta);
      sum += (k % 2 == 1 ? 4 : 2) * Math.exp(lp[0]) / (c * c);
    }
    // At θ = ±π/2 the integrand p(x)(1 + x²) tends to the scale over π, not to 0 as for larger df.
    sum += 2 * 0.4 / Math.PI;
    assertEquals(1.0, sum * h / 3, 1e-10);
    RepeatedChiSquare.assertDeciles("Cauchy", coordinate(cauchy, p, RandomStream.of(14), 0, -1.0, 0.4),
        deciles(q -> Math.tan(Math.PI * (q - 0.5))));
  }

  /** Far from loc the log densities stay finite (Gumbel's left tail excepted: there it is −∞, its limit). */
  @Test
  void extremePointsKeepFiniteLogDensities() {
    double[] x = {1e6, -1e6, 1e300, -1e300};
    for (Distribution d : new Distribution[] {Laplace.of(1, 0, 1), Logistic.of(1, 0, 1), Cauchy.of(1, 0, 1)}) {
      double[] lp = logProb(d, params(d), x, x.length);
      for (int i = 0; i < x.length; i++) {
        assertTrue(Double.isFinite(lp[i]), d + " at " + x[i] + ": " + lp[i]);
      }
    }
    Gumbel g = Gumbel.of(1, 0, 1);
    double[] lp = logProb(g, params(g), new double[] {1e6, -1e3}, 2);
    assertEquals(-1e6, lp[0], 1e-9);
    assertEquals(Double.NEGATIVE_INFINITY, lp[1]);
  }

  @Test
  void uniformLogDensityDrawsAndSupport() {
    Uniform d = Uniform.of(new double[] {-1, 2}, new double[] {3, 2.5});
    double[] x = {0, -1, 3, 3.0000001, Double.NaN, 2, 2.5, 2.4, 2.3, 2.2};
    double[] lp = logProb(d, new double[0], x, 5);
    double inside = -Math.log(4) - Math.log(0.5);
    assertEquals(inside, lp[0], 1e-15);
    assertEquals(inside, lp[1], 1e-15); // both ends of both intervals are in the support
    assertEquals(inside, lp[2], 1e-15);
    assertEquals(Double.NEGATIVE_INFINITY, lp[3]);
    assertTrue(Double.isNaN(lp[4]));
    double[] deciles = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
    RepeatedChiSquare.assertDeciles("Uniform coordinate 0", coordinate(d, new double[0], RandomStream.of(5), 0, -1, 4), deciles);
  }

  @Test
  void stackedDistributionSumsItsPartsOnTheirCoordinates() {
    Normal normal = Normal.of(new double[] {0.3, -1}, new double[] {2, 0.5});
    Uniform uniform = Uniform.of(1, 0, 10);
    StudentT t = StudentT.of(1, 4.0, 1.0, 3.0);
    StackedDistribution stack = StackedDistribution.of(normal, uniform, t);
    assertEquals(4, stack.dim());
    assertEquals(6, stack.parameterCount());
    double[] p = params(stack);
    int n = 3;
    double[] x = {0.1, 0.2, 0.3, -1, -2, -3, 5, 6, 7, 8, 9, 10};
    double[] lp = logProb(stack, p, x, n);
    double[] lpNormal = logProb(normal, params(normal), java.util.Arrays.copyOfRange(x, 0, 6), n);
    double[] lpT = logProb(t, params(t), java.util.Arrays.copyOfRange(x, 9, 12), n);
    for (int i = 0; i < n; i++) {
      assertEquals(lpNormal[i] - Math.log(10) + lpT[i], lp[i], 1e-14);
    }
    ParameterLayout layout = layout(stack, "");
    assertEquals("part0.Normal.loc", layout.blocks().get(0).name());
    assertEquals("part2.StudentT.scale_raw", layout.blocks().get(3).name());
    assertEquals(5, layout.block("part2.StudentT.scale_raw").offset());

    // Sampling draws the parts in order from one stream.
    double[] drawn = new double[4 * n];
    stack.sample(p, 0, RandomStream.of(9), drawn, n);
    RandomStream rng = RandomStream.of(9);
    double[] a = new double[2 * n];
    double[] b = new double[n];
    double[] c = new double[n];
    normal.sample(params(normal), 0, rng, a, n);
    uniform.sample(new double[0], 0, rng, b, n);
    t.sample(params(t), 0, rng, c, n);
    double[] expected = new double[4 * n];
    System.arraycopy(a, 0, expected, 0, 2 * n);
    System.arraycopy(b, 0, expected, 2 * n, n);
    System.arraycopy(c, 0, expected, 3 * n, n);
    assertArrayEquals(expected, drawn, 0);
  }

  /**
   * For large ν, log t_ν(z) = log φ(z) + (z⁴ − 2z² − 1)/(4ν) + O(ν⁻²) (Stirling for the Gamma
   * ratio plus log1p's series). At ν = 1e6 the remainder is ~1e-11, but log Γ(5e5) ≈ 6e6 cancels
   * in the normaliser, costing ~1e-9 absolute: 1e-7 is the bar.
   */
  @Test
  void studentTApproachesTheNormalForLargeDf() {
    StudentT t = StudentT.of(1, 1e6, 0, 1);
    double[] x = {-3, -1, 0, 0.5, 2.5};
    double[] lp = logProb(t, params(t), x, 5);
    for (int i = 0; i < 5; i++) {
      double z2 = x[i] * x[i];
      assertEquals(normal(x[i], 0, 1) + (z2 * z2 - 2 * z2 - 1) / 4e6, lp[i], 1e-7, "log t_1e6(" + x[i] + ")");
    }
  }

  /** The contract: point gradients are written (overwriting), parameter gradients are added. */
  @Test
  void pointGradientsOverwriteAndParameterGradientsAccumulate() {
    StackedDistribution d = StackedDistribution.of(Normal.of(1, 0.5, 2), Uniform.of(1, -5, 5), StudentT.of(1, 4, 0, 1));
    double[] p = params(d);
    int n = 2;
    double[] x = {0.1, -0.4, 1, 2, 3, -3};
    double[] w = {1, -0.5};
    double[] once = new double[d.parameterCount()];
    double[] gx = new double[3 * n];
    d.logProbBackward(p, 0, x, w, gx, once, n);
    double[] twice = new double[d.parameterCount()];
    double[] garbage = {9, 9, 9, 9, 9, 9};
    d.logProbBackward(p, 0, x, w, garbage, twice, n);
    d.logProbBackward(p, 0, x, w, null, twice, n);
    assertArrayEquals(gx, garbage, 0);
    for (int k = 0; k < once.length; k++) {
      assertEquals(2 * once[k], twice[k], 1e-15 * Math.abs(once[k]));
    }
    assertEquals(0.0, gx[2]);
    assertEquals(0.0, gx[3]); // the uniform coordinate has no gradient
    double[] s = new double[d.parameterCount()];
    d.sampleBackward(p, 0, x, new double[] {1, 1, 1, 1, 1, 1}, s, n);
    assertEquals(2.0, s[0], 0); // ∂x/∂loc = 1 per point
  }

  @Test
  void badConstructionArgumentsAreNamed() {
    assertMessage(() -> Normal.of(2, 0, 0), "scale[0] is 0.0");
    assertMessage(() -> Normal.of(new double[] {0, 0}, new double[] {1, -1}), "scale[1] is -1.0");
    assertMessage(() -> Normal.of(new double[] {0}, new double[] {1, 1}), "scale has length 2, expected 1");
    assertMessage(() -> Normal.of(new double[] {Double.NaN}, new double[] {1}), "loc[0] is NaN");
    assertMessage(() -> Normal.of(0, 0, 1), "dim is 0");
    assertMessage(() -> StudentT.of(1, 0, 0, 1), "df is 0.0");
    assertMessage(() -> StudentT.of(1, -2, 0, 1), "df is -2.0");
    assertMessage(() -> StudentT.of(1, 3, 0, Double.POSITIVE_INFINITY), "scale[0] is Infinity");
    assertMessage(() -> Uniform.of(1, 2, 2), "(2.0, 2.0)");
    assertMessage(() -> Uniform.of(new double[] {0, 3}, new double[] {1, 1}), "coordinate 1 is (3.0, 1.0)");
    assertMessage(() -> Uniform.of(1, -Double.MAX_VALUE, Double.MAX_VALUE), "width");
    assertMessage(() -> StandardNormal.of(-1), "dim is -1");
    assertMessage(StackedDistribution::of, "parts is empty");
    assertMessage(() -> StackedDistribution.of(StandardNormal.of(1), null), "parts[1] is null");
  }

  @Test
  void badCallArgumentsAreNamed() {
    Normal d = Normal.of(2, 0, 1);
    double[] p = params(d);
    assertMessage(() -> d.logProb(p, 0, new double[3], new double[2], 2), "x has length 3, expected at least 4");
    assertMessage(() -> d.logProb(p, 0, new double[4], new double[1], 2), "logp has length 1");
    assertMessage(() -> d.logProb(new double[3], 0, new double[4], new double[2], 2), "params has length 3");
    assertMessage(() -> d.sample(p, 0, RandomStream.of(1), new double[4], 0), "batch size n is 0");
    assertMessage(() -> d.sampleBackward(p, 0, new double[4], new double[4], new double[1], 2), "gradParams has length 1");
  }

  private static void assertMessage(Runnable r, String fragment) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should contain '" + fragment + "'");
  }

  private static ParameterLayout layout(Distribution d, String prefix) {
    ParameterLayout.Builder b = ParameterLayout.builder();
    d.describeParameters(b, prefix);
    return b.build();
  }

  private static double normal(double x, double mu, double s) {
    double z = (x - mu) / s;
    return -0.5 * z * z - Math.log(s) - 0.5 * LOG_TWO_PI;
  }
}
