package dev.flowvi.engine.bijection;

import static dev.flowvi.engine.bijection.FiniteDifferenceChecks.Direction.FORWARD;
import static dev.flowvi.engine.bijection.FiniteDifferenceChecks.Direction.INVERSE;

import dev.flowvi.engine.bijection.FiniteDifferenceChecks.Direction;
import dev.flowvi.engine.random.RandomStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One suite for the whole Bijection contract, run over every bijection of this package at
 * random parameters and dims 1, 2, 5 and 17 (FlowJAX runs its bijection checks the same way).
 */
class BijectionContractTest {
  private static final int[] DIMS = {1, 2, 5, 17};
  private static final double INF = Double.POSITIVE_INFINITY;

  /**
   * A named constructor, the scale of N(0, scale²) test inputs, the image (lo, hi) of the forward
   * map (where its inverse is tested at the edges), and the largest input the forward map can
   * take without overflowing a double.
   *
   * <p>Where the image has an edge, the input scale keeps test outputs well inside it: the
   * inverse's derivatives grow like 1/distance to the edge, and a finite-difference step
   * h ≈ 6e-6 must stay small against that distance for the stated tolerance to hold. Loft's image
   * is |y| &lt; t + 709.78 (the log of the largest double), so its inverse edges sit at t ± 709.
   */
  record Case(String name, IntFunction<Bijection> make, double inputScale, double lo, double hi, double maxInput) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    c.add(new Case("Affine", Affine::of, 2, -INF, INF, 1e6));
    c.add(new Case("Affine(loc, scale)", d -> Affine.of(ramp(d, -1, 0.5), ramp(d, 0.5, 0.25)), 2, -INF, INF, 1e6));
    c.add(new Case("Loc", Loc::of, 2, -INF, INF, 1e6));
    c.add(new Case("Scale", d -> Scale.of(ramp(d, 0.3, 0.4)), 2, -INF, INF, 1e6));
    c.add(new Case("TriangularAffine.lower", TriangularAffine::lower, 2, -INF, INF, 1e6));
    c.add(new Case("TriangularAffine.upper", TriangularAffine::upper, 2, -INF, INF, 1e6));
    c.add(new Case("TriangularAffine.lower.weightNormalised", d -> TriangularAffine.lower(d).weightNormalised(), 2, -INF, INF, 1e6));
    c.add(new Case("TriangularAffine.upper.weightNormalised", d -> TriangularAffine.upper(d).weightNormalised(), 2, -INF, INF, 1e6));
    c.add(new Case("Sigmoid", Sigmoid::of, 1, 0, 1, 1e6));
    c.add(new Case("Tanh", Tanh::of, 0.7, -1, 1, 1e6));
    c.add(new Case("LeakyTanh(1)", d -> LeakyTanh.of(d, 1.0), 2, -INF, INF, 1e6));
    c.add(new Case("LeakyTanh(3)", d -> LeakyTanh.of(d, 3.0), 3, -INF, INF, 1e6));
    c.add(new Case("SoftPlus", SoftPlus::of, 1, 0, INF, 1e6));
    c.add(new Case("Exp", Exp::of, 1, 0, INF, 700));
    c.add(new Case("Bounded(-2, 3)", d -> Bounded.of(d, -2, 3), 2, -2, 3, 1e6));
    c.add(new Case("Loft(1)", d -> Loft.of(d, 1.0), 3, -1 - 709, 1 + 709, 1e6));
    c.add(new Case("Loft", Loft::of, 200, -100 - 709, 100 + 709, 1e6));
    c.add(new Case("Permute.random", d -> Permute.random(d, RandomStream.of(d)), 2, -INF, INF, 1e6));
    c.add(new Case("Flip", Flip::of, 2, -INF, INF, 1e6));
    c.add(new Case("Identity", Identity::of, 2, -INF, INF, 1e6));
    c.add(new Case("Chain(Affine)", d -> Chain.of(Affine.of(d)), 2, -INF, INF, 1e6));
    c.add(new Case("Chain(LeakyTanh, TriangularAffine.wn, Permute, Affine)", d -> Chain.of(
        LeakyTanh.of(d, 2.0), TriangularAffine.lower(d).weightNormalised(), Permute.random(d, RandomStream.of(7)), Affine.of(d)),
        2, -INF, INF, 1e6));
    c.add(new Case("Chain(Affine, Loft, Tanh)", d -> Chain.of(Affine.of(d), Loft.of(d, 2.0), Tanh.of(d)), 1, -1, 1, 1e6));
    c.add(new Case("Stack", BijectionContractTest::stack, 2, -INF, INF, 1e6));
    c.add(new Case("Invert(Affine)", d -> Invert.of(Affine.of(d)), 2, -INF, INF, 1e6));
    c.add(new Case("Invert(Chain(TriangularAffine.upper.wn, LeakyTanh))",
        d -> Invert.of(Chain.of(TriangularAffine.upper(d).weightNormalised(), LeakyTanh.of(d, 1.5))), 2, -INF, INF, 1e6));
    return c;
  }

  /** Unequal blocks where the dim allows: Affine on 1 coordinate, an upper triangular map on up to 3, a chain on the rest. */
  private static Bijection stack(int d) {
    if (d == 1) {
      return Stack.of(Scale.of(1));
    }
    if (d == 2) {
      return Stack.of(Affine.of(1), LeakyTanh.of(1, 1.0));
    }
    int tri = Math.min(3, d - 2);
    int rest = d - 1 - tri;
    return Stack.of(d, List.of(Affine.of(1), TriangularAffine.upper(tri).weightNormalised(),
        Chain.of(LeakyTanh.of(rest, 1.0), Affine.of(rest))));
  }

  static double[] ramp(int d, double start, double step) {
    double[] v = new double[d];
    for (int j = 0; j < d; j++) {
      v[j] = start + step * j;
    }
    return v;
  }

  static Stream<Arguments> casesAndDims() {
    List<Arguments> a = new ArrayList<>();
    for (Case c : cases()) {
      for (int d : DIMS) {
        a.add(Arguments.of(c, d));
      }
    }
    return a.stream();
  }

  private static final class Setup {
    final Bijection b;
    final double[] params;
    final RandomStream rng;

    Setup(Case c, int dim, long salt) {
      this.b = c.make().apply(dim);
      this.rng = RandomStream.of(31L * dim + salt + c.name().hashCode());
      // Off-diagonal entries of spread 0.5/√dim keep the random triangular maps well conditioned.
      this.params = FiniteDifferenceChecks.randomParams(b, rng, 0.5 / Math.sqrt(dim));
    }

    double[] inputs(Case c, int n) {
      double[] x = FiniteDifferenceChecks.gaussian(rng, b.dim() * n);
      for (int e = 0; e < x.length; e++) {
        x[e] *= c.inputScale();
      }
      return x;
    }

    double[] outputs(Case c, int n) {
      return FiniteDifferenceChecks.apply(FORWARD, b, params, inputs(c, n), null, n, new double[n]);
    }
  }

  @ParameterizedTest(name = "{0} dim {1}")
  @MethodSource("casesAndDims")
  void inverseUndoesForward(Case c, int dim) {
    Setup s = new Setup(c, dim, 1);
    int n = 6;
    FiniteDifferenceChecks.roundTrip(s.b, s.params, s.inputs(c, n), null, n, 1e-9);
  }

  @ParameterizedTest(name = "{0} dim {1}")
  @MethodSource("casesAndDims")
  void logDetMatchesFiniteDifferenceJacobian(Case c, int dim) {
    Setup s = new Setup(c, dim, 2);
    int n = 4;
    FiniteDifferenceChecks.logDetMatchesJacobian(FORWARD, s.b, s.params, s.inputs(c, n), null, n);
    FiniteDifferenceChecks.logDetMatchesJacobian(INVERSE, s.b, s.params, s.outputs(c, n), null, n);
  }

  @ParameterizedTest(name = "{0} dim {1}")
  @MethodSource("casesAndDims")
  void forwardBackwardMatchesFiniteDifferences(Case c, int dim) {
    Setup s = new Setup(c, dim, 3);
    int n = 3;
    FiniteDifferenceChecks.gradientsMatch(FORWARD, s.b, s.params, s.inputs(c, n), null, n, s.rng);
  }

  @ParameterizedTest(name = "{0} dim {1}")
  @MethodSource("casesAndDims")
  void inverseBackwardMatchesFiniteDifferences(Case c, int dim) {
    Setup s = new Setup(c, dim, 4);
    int n = 3;
    FiniteDifferenceChecks.gradientsMatch(INVERSE, s.b, s.params, s.outputs(c, n), null, n, s.rng);
  }

  /** ±maxInput (1e6, or 700 for Exp whose value overflows beyond 709.78), ±1e-300 and 0 stay finite in value, log-det and gradients. */
  @ParameterizedTest(name = "{0} dim {1}")
  @MethodSource("casesAndDims")
  void extremeInputsStayFinite(Case c, int dim) {
    Setup s = new Setup(c, dim, 5);
    double[] forwardValues = {c.maxInput(), -1e6, 1e-300, -1e-300, 0.0};
    check(FORWARD, s, forwardValues, dim);
    List<Double> inverseValues = new ArrayList<>();
    inverseValues.add(c.lo() == -INF ? -1e6 : c.lo() == 0 ? 1e-300 : Math.nextUp(c.lo()));
    inverseValues.add(c.hi() == INF ? (c.lo() == 0 ? Double.MAX_VALUE / 4 : 1e6) : Math.nextDown(c.hi()));
    if (c.lo() < -1e-300 && c.hi() > 1e-300) {
      inverseValues.add(1e-300);
      inverseValues.add(-1e-300);
      inverseValues.add(0.0);
    }
    check(INVERSE, s, inverseValues.stream().mapToDouble(Double::doubleValue).toArray(), dim);
  }

  /** Each point is one extreme value on every coordinate, and one point mixes them across coordinates. */
  private static void check(Direction d, Setup s, double[] values, int dim) {
    int n = values.length + 1;
    double[] in = new double[dim * n];
    for (int j = 0; j < dim; j++) {
      for (int i = 0; i < values.length; i++) {
        in[j * n + i] = values[i];
      }
      in[j * n + values.length] = values[j % values.length];
    }
    FiniteDifferenceChecks.allFinite(d, s.b, s.params, in, null, n);
  }
}
