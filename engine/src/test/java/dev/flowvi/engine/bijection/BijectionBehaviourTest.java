package dev.flowvi.engine.bijection;

import static dev.flowvi.engine.bijection.FiniteDifferenceChecks.Direction.FORWARD;
import static dev.flowvi.engine.bijection.FiniteDifferenceChecks.Direction.INVERSE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.core.ParameterBlock;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Known answers and special behaviours beyond the generic contract suite. */
class BijectionBehaviourTest {

  private static double[] forward(Bijection b, double[] x, int n, double[] ld) {
    double[] p = new double[b.parameterCount()];
    b.initialise(p, 0, RandomStream.of(1));
    double[] y = new double[b.dim() * n];
    b.forward(p, 0, x, null, y, ld, n, b.newWorkspace(n));
    return y;
  }

  @Test
  void affineAndTriangularAffineStartAtTheIdentity() {
    double[] x = {0.3, -1.2, 5.0, 1e6, -2.5, 0.0};
    for (Bijection b : List.of(Affine.of(2), Scale.of(2), Loc.of(2), TriangularAffine.lower(2), TriangularAffine.upper(2),
        TriangularAffine.lower(2).weightNormalised())) {
      double[] ld = new double[3];
      double[] y = forward(b, x, 3, ld);
      for (int e = 0; e < x.length; e++) {
        // softplus(softplus⁻¹(1)) is 1 to within a couple of ulps.
        assertEquals(x[e], y[e], 4e-16 * Math.abs(x[e]), b.name() + " at " + e);
      }
      for (double l : ld) {
        assertEquals(0.0, l, 1e-15, b.name() + " log-det");
      }
    }
  }

  @Test
  void affineStartsAtTheGivenLocAndScale() {
    Affine a = Affine.of(new double[] {1.0, -2.0}, new double[] {0.5, 3.0});
    double[] ld = new double[2];
    double[] y = forward(a, new double[] {2.0, 4.0, 1.0, -1.0}, 2, ld);
    assertArrayEquals(new double[] {2.0, 3.0, 1.0, -5.0}, y, 1e-14);
    assertEquals(Math.log(1.5), ld[0], 1e-14);
  }

  @Test
  void weightNormalisationKeepsTheInitialRows() {
    double[][] m = {{2.0, 0.0, 0.0}, {0.5, 1.5, 0.0}, {-1.0, 0.25, 0.75}};
    double[] loc = {0.1, 0.2, 0.3};
    double[] x = {1.0, -1.0, 0.5, 2.0, 3.0, -4.0};
    for (TriangularAffine t : List.of(TriangularAffine.of(loc, m, true), TriangularAffine.of(loc, m, true).weightNormalised())) {
      double[] ld = new double[2];
      double[] y = forward(t, x, 2, ld);
      for (int p = 0; p < 2; p++) {
        for (int i = 0; i < 3; i++) {
          double expected = loc[i];
          for (int j = 0; j < 3; j++) {
            expected += m[i][j] * x[j * 2 + p];
          }
          assertEquals(expected, y[i * 2 + p], 1e-14, "row " + i + " point " + p + (t.isWeightNormalised() ? " (weight-normalised)" : ""));
        }
        assertEquals(Math.log(2.0 * 1.5 * 0.75), ld[p], 1e-14);
      }
    }
  }

  @Test
  void leakyTanhMatchesValueAndSlopeAtTheSwitch() {
    LeakyTanh b = LeakyTanh.of(1, 3.0);
    double m = 3.0;
    double d = 1e-9;
    assertEquals(Math.tanh(m), b.forwardValue(0, m), 1e-15);
    assertEquals(b.forwardValue(0, Math.nextDown(m)), b.forwardValue(0, m), 1e-15);
    double sech2 = 1.0 / (Math.cosh(m) * Math.cosh(m));
    assertEquals(sech2, b.forwardDerivative(0, m + d), 1e-15);
    assertEquals(sech2, b.forwardDerivative(0, m - d), 1e-10); // (sech²)' ≈ −0.02 at 3, times d = 1e-9
    // Linear beyond: the value at 10 is tanh(3) + sech²(3)·7.
    assertEquals(Math.tanh(m) + sech2 * 7.0, b.forwardValue(0, 10.0), 1e-15);
    assertEquals(-(Math.tanh(m) + sech2 * 7.0), b.forwardValue(0, -10.0), 1e-15);
    assertEquals(10.0, b.inverseValue(0, b.forwardValue(0, 10.0)), 1e-12);
  }

  @Test
  void loftIsTheIdentityInsideAndLogarithmicOutside() {
    Loft l = Loft.of(1);
    assertEquals(100.0, l.threshold());
    assertEquals(-73.5, l.forwardValue(0, -73.5));
    assertEquals(0.0, l.forwardLogDerivative(0, 99.0));
    // g(t + e − 1) = t + log(e) = t + 1, with log-det −log(e) = −1.
    double z = 100.0 + Math.E - 1.0;
    assertEquals(101.0, l.forwardValue(0, z), 1e-13);
    assertEquals(-101.0, l.forwardValue(0, -z), 1e-13);
    assertEquals(-1.0, l.forwardLogDerivative(0, z), 1e-14); // z itself is rounded to ulp(102)
    assertEquals(z, l.inverseValue(0, 101.0), 1e-13);
    // The image of the largest double is still invertible to a finite value.
    double top = l.forwardValue(0, Double.MAX_VALUE);
    assertTrue(Double.isFinite(l.inverseValue(0, Math.nextDown(top))));
  }

  @Test
  void elementwiseInversesAreExactNearTheEdgesOfTheImage() {
    Sigmoid s = Sigmoid.of(1);
    assertEquals(Math.log(1e-300), s.inverseValue(0, 1e-300), 1e-12);
    assertEquals(-Math.log(0x1p-53), s.inverseValue(0, 1.0 - 0x1p-53), 1e-12);
    assertEquals(-30.0, s.inverseValue(0, s.forwardValue(0, -30.0)), 1e-12);
    // 1 − σ(30) ≈ 9.4e-14 is stored to ±ulp(1)/2 ≈ 1.1e-16, a relative 1.2e-3, which the logit passes on.
    assertEquals(30.0, s.inverseValue(0, s.forwardValue(0, 30.0)), 2e-3);
    Tanh t = Tanh.of(1);
    assertEquals(1e-300, t.inverseValue(0, 1e-300), 0.0);
    // 1 − |tanh(−15)| ≈ 1.9e-13 is stored to ±1.1e-16 (relative 6e-4); artanh halves that log error.
    assertEquals(-15.0, t.inverseValue(0, t.forwardValue(0, -15.0)), 1e-3);
    SoftPlus sp = SoftPlus.of(1);
    assertEquals(Math.log(1e-300), sp.inverseValue(0, 1e-300), 1e-12);
    assertEquals(-700.0, sp.inverseValue(0, sp.forwardValue(0, -700.0)), 1e-12);
    assertEquals(1e6, sp.inverseValue(0, sp.forwardValue(0, 1e6)), 0.0);
    Exp e = Exp.of(1);
    assertEquals(-700.0, e.inverseValue(0, e.forwardValue(0, -700.0)), 1e-12);
    Bounded b = Bounded.of(new double[] {-10.0}, new double[] {50.0});
    assertEquals(20.0, b.forwardValue(0, 0.0), 1e-14);
    assertEquals(0.0, b.inverseValue(0, 20.0), 1e-14);
    assertEquals(-8.0, b.inverseValue(0, b.forwardValue(0, -8.0)), 1e-9);
  }

  /** Forward passes reach the edge of an open image by rounding; the inverse there is infinite, not an exception. */
  @Test
  void saturatedDrawsInvertToInfinityInsteadOfFailing() {
    record Edge(Bijection b, double x, double y, double expected) {}
    for (Edge e : List.of(new Edge(Sigmoid.of(1), 40.0, 1.0, Double.POSITIVE_INFINITY),
        new Edge(Sigmoid.of(1), -800.0, 0.0, Double.NEGATIVE_INFINITY),
        new Edge(Tanh.of(1), -20.0, -1.0, Double.NEGATIVE_INFINITY),
        new Edge(SoftPlus.of(1), -800.0, 0.0, Double.NEGATIVE_INFINITY),
        new Edge(Exp.of(1), -800.0, 0.0, Double.NEGATIVE_INFINITY),
        new Edge(Bounded.of(1, -2.0, 3.0), 50.0, 3.0, Double.POSITIVE_INFINITY))) {
      double[] y = forward(e.b(), new double[] {e.x()}, 1, new double[1]);
      assertEquals(e.y(), y[0], 0.0, e.b().name() + " saturates");
      double[] back = new double[1];
      double[] ld = new double[1];
      e.b().inverse(new double[0], 0, y, null, back, ld, 1, null);
      assertEquals(e.expected(), back[0], 0.0, e.b().name());
      assertEquals(Double.POSITIVE_INFINITY, ld[0], 0.0, e.b().name() + " log-det");
    }
  }

  @Test
  void invertSwapsDirections() {
    Affine a = Affine.of(new double[] {1.0, 2.0}, new double[] {2.0, 0.5});
    Invert inv = Invert.of(a);
    double[] p = new double[4];
    inv.initialise(p, 0, RandomStream.of(3));
    double[] x = {1.0, 2.0, 3.0, 4.0};
    double[] ldA = new double[2];
    double[] ldI = new double[2];
    double[] viaInverse = new double[4];
    double[] viaInvert = new double[4];
    a.inverse(p, 0, x, null, viaInverse, ldA, 2, a.newWorkspace(2));
    inv.forward(p, 0, x, null, viaInvert, ldI, 2, inv.newWorkspace(2));
    assertArrayEquals(viaInverse, viaInvert, 0.0);
    assertArrayEquals(ldA, ldI, 0.0);
    assertEquals("Invert(Affine)", inv.name());
  }

  @Test
  void compositesNameTheirPartsInTheLayout() {
    Chain c = Chain.of(Affine.of(3), Stack.of(Loc.of(1), TriangularAffine.lower(2).weightNormalised()), Invert.of(Scale.of(3)), Flip.of(3));
    ParameterLayout.Builder builder = ParameterLayout.builder();
    c.describeParameters(builder, "");
    ParameterLayout layout = builder.build();
    assertEquals(c.parameterCount(), layout.size());
    List<String> names = layout.blocks().stream().map(ParameterBlock::name).toList();
    assertEquals(List.of("chain.0.Affine.loc", "chain.0.Affine.scale", "chain.1.stack.0.Loc",
        "chain.1.stack.1.TriangularAffine.loc", "chain.1.stack.1.TriangularAffine.diagonal",
        "chain.1.stack.1.TriangularAffine.offDiagonal", "chain.1.stack.1.TriangularAffine.gain", "chain.2.Scale"), names);
    assertEquals(6, layout.block("chain.1.stack.0.Loc").offset());
  }

  @Test
  void compositesHandTheConditionToConditionalPartsOnly() {
    int dim = 3;
    int n = 4;
    Chain chain = Chain.of(Affine.of(dim), new ConditionalShift(dim), TriangularAffine.upper(dim));
    Stack stack = Stack.of(new ConditionalShift(dim), Affine.of(2));
    assertEquals(dim, chain.conditionDim());
    assertEquals(dim, stack.conditionDim());
    assertEquals(dim, Invert.of(chain).conditionDim());
    RandomStream rng = RandomStream.of(11);
    double[] cond = FiniteDifferenceChecks.gaussian(rng, dim * n);
    for (Bijection b : List.of(chain, stack, Invert.of(chain))) {
      double[] p = FiniteDifferenceChecks.randomParams(b, rng, 0.3);
      double[] x = FiniteDifferenceChecks.gaussian(rng, b.dim() * n);
      FiniteDifferenceChecks.roundTrip(b, p, x, cond, n, 1e-12);
      FiniteDifferenceChecks.gradientsMatch(FORWARD, b, p, x, cond, n, rng);
      double[] y = FiniteDifferenceChecks.apply(FORWARD, b, p, x, cond, n, new double[n]);
      FiniteDifferenceChecks.gradientsMatch(INVERSE, b, p, y, cond, n, rng);
      // The condition really enters: another cond gives another output.
      double[] other = FiniteDifferenceChecks.apply(FORWARD, b, p, x, FiniteDifferenceChecks.gaussian(rng, dim * n), n, new double[n]);
      assertTrue(Math.abs(other[0] - y[0]) > 1e-6, b.name());
    }
  }

  @Test
  void unconditionalPartsNeedNoCondition() {
    Chain c = Chain.of(Affine.of(2), Tanh.of(2));
    assertEquals(0, c.conditionDim());
    Workspace ws = c.newWorkspace(1);
    double[] p = new double[4];
    c.initialise(p, 0, RandomStream.of(1));
    double[] y = new double[2];
    c.forward(p, 0, new double[] {0.5, -0.5}, null, y, new double[1], 1, ws);
    assertEquals(Math.tanh(0.5), y[0], 1e-15);
  }

  @Test
  void permuteMovesCoordinates() {
    Permute p = Permute.of(new int[] {2, 0, 1});
    double[] x = {1, 2, 3, 4, 5, 6}; // coordinates (1,2), (3,4), (5,6) over 2 points
    double[] y = forward(p, x, 2, new double[2]);
    assertArrayEquals(new double[] {5, 6, 1, 2, 3, 4}, y, 0.0);
    assertArrayEquals(new double[] {5, 6, 3, 4, 1, 2}, forward(Flip.of(3), x, 2, new double[2]), 0.0);
    int[] perm = Permute.random(50, RandomStream.of(5)).permutation();
    boolean[] seen = new boolean[50];
    for (int k : perm) {
      seen[k] = true;
    }
    for (boolean s : seen) {
      assertTrue(s);
    }
  }
}
