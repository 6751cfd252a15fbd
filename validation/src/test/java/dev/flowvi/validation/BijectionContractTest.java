package dev.flowvi.validation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.bijection.Affine;
import dev.flowvi.engine.bijection.AffineTransformer;
import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.bijection.Bounded;
import dev.flowvi.engine.bijection.Chain;
import dev.flowvi.engine.bijection.Elementwise;
import dev.flowvi.engine.bijection.Exp;
import dev.flowvi.engine.bijection.Flip;
import dev.flowvi.engine.bijection.Identity;
import dev.flowvi.engine.bijection.Invert;
import dev.flowvi.engine.bijection.LeakyTanh;
import dev.flowvi.engine.bijection.Loc;
import dev.flowvi.engine.bijection.Loft;
import dev.flowvi.engine.bijection.Permute;
import dev.flowvi.engine.bijection.RationalQuadraticSpline;
import dev.flowvi.engine.bijection.Scale;
import dev.flowvi.engine.bijection.Sigmoid;
import dev.flowvi.engine.bijection.SoftPlus;
import dev.flowvi.engine.bijection.Stack;
import dev.flowvi.engine.bijection.Tanh;
import dev.flowvi.engine.bijection.TriangularAffine;
import dev.flowvi.engine.flow.BlockAutoregressiveNetwork;
import dev.flowvi.engine.flow.Coupling;
import dev.flowvi.engine.flow.MaskedAutoregressive;
import dev.flowvi.engine.flow.Planar;
import dev.flowvi.engine.nn.Activation;
import dev.flowvi.engine.random.RandomStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One contract suite over named constructors of every bijection, as FlowJAX runs its bijection
 * checks: for dims 1, 2, 5 and 17, at random parameters (initial values plus N(0, σ²) noise, so
 * not only the identity), in both directions:
 *
 * <ul>
 *   <li>{@link GradientCheck}: input and parameter gradients of L = Σ c·out + Σ d·logDet;
 *   <li>{@link JacobianCheck}: log-det against the finite-difference Jacobian;
 *   <li>{@link InverseCheck}: both round trips and cancelling log-dets;
 *   <li>{@link FinitenessCheck}: extreme inputs (±1e6, ±1e-300, 0, knots and interval ends where
 *       the map has them) give finite values, log-dets and gradients.
 * </ul>
 *
 * <p>Extremes stop at 1e-300 on open images such as (0, ∞): at a subnormal y like 4.9e-324, the
 * inverse's derivative 1/y is beyond the largest double, so no finite gradient exists there.
 *
 * <p>Tolerances. Central differences with h = ε^{1/3}·max(1, |x|) leave errors near ε^{2/3} ≈ 4e-11
 * times the scale of the second and third derivatives; the maps here have curvature up to ~10², so
 * 1e-6 on gradients and log-dets leaves a margin of 10² without hiding real errors, which are of
 * order 1e-2 or more (see GradientCheckTest). Closed-form inverses come back to a few ulps (1e-14
 * seen); the log-dets of the two directions are evaluated at x and at the recovered x', and in a
 * steep spline bin d(log-det)/dx ~ 1e4 turns those ulps into ~3e-10: the bar is 1e-9.
 */
class BijectionContractTest {
  private static final int[] DIMS = {1, 2, 5, 17};
  private static final int N = 3;
  private static final double GRADIENT_TOLERANCE = 1e-6;
  private static final double JACOBIAN_TOLERANCE = 1e-6;
  private static final double INVERSE_TOLERANCE = 1e-9;

  /** Where random test points come from, per direction. */
  interface Domain {
    double draw(RandomStream rng);

    static Domain real(double scale) {
      return rng -> scale * rng.nextGaussian();
    }

    static Domain interval(double lo, double hi) {
      return rng -> lo + (hi - lo) * (0.02 + 0.96 * rng.nextDouble());
    }
  }

  /**
   * A named constructor: the bijection for a dimension, the noise added to its initial
   * parameters, the domain of test inputs x, and extreme points (per coordinate) for each
   * direction. Test points of the inverse are images y = f(x) of domain points, so they are
   * typical outputs: a fixed y domain can sit where a saturating map (a block autoregressive
   * network's tanh(x) + 0.01x) has x ~ 1e5, and the finite differences of a loss that large
   * drown in round-off (ε|L|/h ≈ 1e-5) rather than test anything.
   */
  record Case(String name, IntFunction<Bijection> make, int[] dims, double noise, Domain x, double[] extremeX, double[] extremeY) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final double[] EXTREME_REAL = {1e6, -1e6, 1e-300, -1e-300, 0.0, 1.0};
  private static final double BELOW_ONE = Math.nextDown(1.0);

  private static Case real(String name, IntFunction<Bijection> make) {
    return new Case(name, make, DIMS, 0.5, Domain.real(2), EXTREME_REAL, EXTREME_REAL);
  }

  static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    // Affine family, random parameters on top of their initial values.
    c.add(real("Affine", Affine::of));
    c.add(real("Affine(loc, scale)", d -> Affine.of(ramp(d, -1, 0.3), ramp(d, 0.4, 0.2))));
    c.add(real("Loc", Loc::of));
    c.add(real("Scale", Scale::of));
    c.add(real("TriangularAffine.lower", TriangularAffine::lower));
    c.add(real("TriangularAffine.upper", TriangularAffine::upper));
    c.add(real("TriangularAffine.lower.weightNormalised", d -> TriangularAffine.lower(d).weightNormalised()));
    c.add(real("TriangularAffine.upper.weightNormalised", d -> TriangularAffine.upper(d).weightNormalised()));
    // Parameter-free elementwise maps, with their images and the edges of what doubles can hold.
    c.add(new Case("Sigmoid", Sigmoid::of, DIMS, 0, Domain.real(2),
        new double[] {1e6, -1e6, 1e-300, -1e-300, 0, 36}, new double[] {1e-300, 0.5, BELOW_ONE}));
    c.add(new Case("Tanh", Tanh::of, DIMS, 0, Domain.real(1),
        EXTREME_REAL, new double[] {BELOW_ONE, -BELOW_ONE, 1e-300, -1e-300, 0}));
    c.add(new Case("LeakyTanh(1.5)", d -> LeakyTanh.of(d, 1.5), DIMS, 0, Domain.real(3),
        new double[] {1e6, -1e6, 1.5, -1.5, 1e-300, 0}, new double[] {1e6, -1e6, Math.tanh(1.5), -Math.tanh(1.5), 1e-300, 0}));
    c.add(new Case("SoftPlus", SoftPlus::of, DIMS, 0, Domain.real(2),
        EXTREME_REAL, new double[] {1e-300, 1, 1e6}));
    c.add(new Case("Exp", Exp::of, DIMS, 0, Domain.real(2),
        new double[] {700, -700, 1e-300, -1e-300, 0}, new double[] {1e-300, 1, 1e300}));
    c.add(new Case("Bounded(-2, 3)", d -> Bounded.of(d, -2, 3), DIMS, 0, Domain.real(2),
        EXTREME_REAL, new double[] {Math.nextUp(-2.0), Math.nextDown(3.0), 0, 1e-300}));
    c.add(new Case("Loft(1)", d -> Loft.of(d, 1.0), DIMS, 0, Domain.real(3),
        new double[] {1e6, -1e6, 1, -1, 1e-300, 0}, new double[] {700, -700, 1, -1, 1e-300, 0}));
    c.add(new Case("Loft", Loft::of, DIMS, 0, Domain.real(150),
        new double[] {1e6, -1e6, 100, -100, 1e-300, 0}, new double[] {800, -800, 100, -100, 1e-300, 0}));
    // Rational-quadratic splines with raw parameters from N(0, 1) around the identity; most points
    // fall inside the interval, some outside where the map is the identity. (At N(0, 1.5²) some
    // bins get so steep that |f'''/f'| ~ 1e8 and no step near ε^{1/3} resolves them.)
    c.add(new Case("RationalQuadraticSpline(8, 3)", d -> Elementwise.of(RationalQuadraticSpline.of(8, 3), d), DIMS, 1.0,
        Domain.real(2.5), EXTREME_REAL, EXTREME_REAL));
    c.add(new Case("RationalQuadraticSpline(4, [-1, 2])", d -> Elementwise.of(RationalQuadraticSpline.of(4, -1, 2), d), DIMS, 1.0,
        Domain.real(1.5), new double[] {1e6, -1e6, 1e-300, -1e-300, 0, -1, 2}, new double[] {1e6, -1e6, 1e-300, -1e-300, 0, -1, 2}));
    // Permutations.
    c.add(real("Permute.random", d -> Permute.random(d, RandomStream.of(d))));
    c.add(real("Flip", Flip::of));
    c.add(real("Identity", Identity::of));
    // Composites.
    c.add(real("Chain(LeakyTanh, TriangularAffine.lower.wn, Permute, Affine)", d -> Chain.of(
        LeakyTanh.of(d, 2.0), TriangularAffine.lower(d).weightNormalised(), Permute.random(d, RandomStream.of(5)), Affine.of(d))));
    c.add(new Case("Chain(Affine, Tanh)", d -> Chain.of(Affine.of(d), Tanh.of(d)), DIMS, 0.5, Domain.real(1),
        EXTREME_REAL, new double[] {BELOW_ONE, -BELOW_ONE, 1e-300, 0}));
    c.add(real("Stack(Affine, LeakyTanh, TriangularAffine.upper.wn)", BijectionContractTest::stack));
    // One layer of the triangular spline flow: a LeakyTanh(3) sandwich around a spline on [−1, 1],
    // then a weight-normalised triangular affine map and a permutation.
    c.add(real("triangular spline layer", d -> Chain.of(LeakyTanh.of(d, 3), Elementwise.of(RationalQuadraticSpline.of(8, 1), d),
        Invert.of(LeakyTanh.of(d, 3)), TriangularAffine.lower(d).weightNormalised(), Permute.random(d, RandomStream.of(9)))));
    c.add(real("Invert(TriangularAffine.lower)", d -> Invert.of(TriangularAffine.lower(d))));
    c.add(new Case("Invert(Sigmoid)", d -> Invert.of(Sigmoid.of(d)), DIMS, 0, Domain.interval(0, 1),
        new double[] {1e-300, 0.5, BELOW_ONE}, new double[] {1e6, -1e6, 1e-300, -1e-300, 0, 36}));
    c.add(real("Invert(Chain(TriangularAffine.upper.wn, LeakyTanh))",
        d -> Invert.of(Chain.of(TriangularAffine.upper(d).weightNormalised(), LeakyTanh.of(d, 1.0)))));
    // Flow layers (smooth tanh networks, so no ReLU kink sits inside a finite-difference step),
    // unconditional and conditional; Planar(tanh) and the block autoregressive network invert
    // numerically, with implicit-function gradients.
    c.add(real("Coupling(AffineTransformer)", d -> Coupling.of(AffineTransformer.withScaleFloor(), d, 0, 8, 1, Activation.TANH)));
    c.add(real("Coupling(AffineTransformer, cond 2)", d -> Coupling.of(AffineTransformer.withScaleFloor(), d, 2, 8, 1, Activation.TANH)));
    // Network noise 0.5 would give spline raws of spread ~2 and bins 1e-3 wide, whose curvature
    // defeats any finite difference at h ≈ 6e-6 (the gradient itself is right: it is approached as
    // h → 1e-7); 0.2 still moves every raw well away from the identity.
    c.add(new Case("Coupling(RationalQuadraticSpline(8, 3))", d -> Coupling.of(RationalQuadraticSpline.of(8, 3), d, 0, 8, 1, Activation.TANH),
        DIMS, 0.2, Domain.real(2), EXTREME_REAL, EXTREME_REAL));
    c.add(new Case("MaskedAutoregressive(RationalQuadraticSpline(4, 3), cond 2)",
        d -> MaskedAutoregressive.of(RationalQuadraticSpline.of(4, 3), d, 2, 8, 1, Activation.TANH),
        DIMS, 0.2, Domain.real(2), EXTREME_REAL, EXTREME_REAL));
    c.add(real("MaskedAutoregressive(AffineTransformer)",
        d -> MaskedAutoregressive.of(AffineTransformer.withScaleFloor(), d, 0, 8, 1, Activation.TANH)));
    c.add(real("MaskedAutoregressive(AffineTransformer, cond 3, depth 2)",
        d -> MaskedAutoregressive.of(AffineTransformer.withScaleFloor(), d, 3, 6, 2, Activation.TANH)));
    c.add(real("Planar(tanh)", d -> Planar.of(d, Planar.Nonlinearity.TANH)));
    c.add(real("Planar(leaky ReLU)", d -> Planar.of(d, Planar.Nonlinearity.LEAKY_RELU)));
    c.add(real("Planar(tanh, cond 2)", d -> Planar.conditional(d, 2, Planar.Nonlinearity.TANH, 6, 1, Activation.TANH)));
    // Its numerical inverse makes each parameter difference costly: the deep conditional variant
    // (4,675 parameters at dim 17) stops at dim 5 to keep the suite within its time budget.
    c.add(real("BlockAutoregressiveNetwork(block 2)", d -> BlockAutoregressiveNetwork.of(d, 0, 2, 1)));
    c.add(new Case("BlockAutoregressiveNetwork(cond 2, block 3, depth 2)", d -> BlockAutoregressiveNetwork.of(d, 2, 3, 2),
        new int[] {1, 2, 5}, 0.5, Domain.real(2), EXTREME_REAL, EXTREME_REAL));
    // The test-scope bijections of the check tests, as a control.
    c.add(real("test DiagonalAffine", d -> new DiagonalAffine(d, DiagonalAffine.Flaw.NONE)));
    c.add(new Case("test Shear", d -> new Shear(), new int[] {2}, 0.5, Domain.real(2), EXTREME_REAL, EXTREME_REAL));
    return c;
  }

  /** from, from + step, … (d values). */
  private static double[] ramp(int d, double from, double step) {
    double[] v = new double[d];
    for (int j = 0; j < d; j++) {
      v[j] = from + step * j;
    }
    return v;
  }

  /** A stack of different maps over blocks of coordinates that add up to d. */
  private static Bijection stack(int d) {
    if (d == 1) {
      return Stack.of(Affine.of(1));
    }
    if (d == 2) {
      return Stack.of(Affine.of(1), LeakyTanh.of(1, 1.0));
    }
    return Stack.of(Affine.of(1), LeakyTanh.of(1, 1.0), TriangularAffine.upper(d - 2).weightNormalised());
  }

  static Stream<Arguments> instances() {
    List<Arguments> out = new ArrayList<>();
    for (Case c : cases()) {
      for (int d : c.dims()) {
        out.add(Arguments.of(c, d));
      }
    }
    return out.stream();
  }

  private static double[] params(Case c, Bijection b, long seed) {
    return randomParams(b, c.noise(), seed);
  }

  /** Initial parameters plus N(0, noise²) per value. */
  private static double[] randomParams(Bijection b, double noise, long seed) {
    double[] p = new double[b.parameterCount()];
    RandomStream rng = RandomStream.of(seed);
    b.initialise(p, 0, rng);
    for (int k = 0; k < p.length; k++) {
      p[k] += noise * rng.nextGaussian();
    }
    return p;
  }

  private static double[] points(Domain domain, int count, long seed) {
    RandomStream rng = RandomStream.of(seed);
    double[] x = new double[count];
    for (int k = 0; k < count; k++) {
      x[k] = domain.draw(rng);
    }
    return x;
  }

  /** Every extreme value at every coordinate: point i has value extremes[(i + j) mod m] at coordinate j. */
  private static double[] extremePoints(double[] extremes, int d) {
    int m = extremes.length;
    double[] x = new double[d * m];
    for (int j = 0; j < d; j++) {
      for (int i = 0; i < m; i++) {
        x[j * m + i] = extremes[(i + j) % m];
      }
    }
    return x;
  }

  /** Images y = f(x) of fresh domain points x: typical inputs of the inverse. */
  private static double[] images(Case c, Bijection b, double[] params, double[] cond, int d, long seed) {
    double[] y = new double[d * N];
    b.forward(params, 0, points(c.x(), d * N, seed), cond, y, new double[N], N, b.newWorkspace(N));
    return y;
  }

  /** Conditioning inputs for n points, or null for an unconditional bijection. */
  private static double[] cond(Bijection b, int n, long seed) {
    return b.conditionDim() == 0 ? null : points(Domain.real(1), b.conditionDim() * n, seed);
  }

  @ParameterizedTest(name = "{0}, dim {1}")
  @MethodSource("instances")
  void gradientsMatchFiniteDifferencesInBothDirections(Case c, int d) {
    Bijection b = c.make().apply(d);
    double[] p = params(c, b, 100 + d);
    double[] cond = cond(b, N, 150 + d);
    GradientCheck.Result f = GradientCheck.forward(b, p, points(c.x(), d * N, 200 + d), cond, N, 300 + d);
    assertTrue(f.passed(GRADIENT_TOLERANCE), f.toString());
    GradientCheck.Result i = GradientCheck.inverse(b, p, images(c, b, p, cond, d, 400 + d), cond, N, 500 + d);
    assertTrue(i.passed(GRADIENT_TOLERANCE), i.toString());
  }

  @ParameterizedTest(name = "{0}, dim {1}")
  @MethodSource("instances")
  void logDetsMatchFiniteDifferenceJacobians(Case c, int d) {
    Bijection b = c.make().apply(d);
    double[] p = params(c, b, 600 + d);
    double[] cond = cond(b, N, 650 + d);
    JacobianCheck.Result f = JacobianCheck.forward(b, p, points(c.x(), d * N, 700 + d), cond, N);
    assertTrue(f.passed(JACOBIAN_TOLERANCE), f.toString());
    JacobianCheck.Result i = JacobianCheck.inverse(b, p, images(c, b, p, cond, d, 800 + d), cond, N);
    assertTrue(i.passed(JACOBIAN_TOLERANCE), i.toString());
  }

  @ParameterizedTest(name = "{0}, dim {1}")
  @MethodSource("instances")
  void directionsInvertEachOther(Case c, int d) {
    Bijection b = c.make().apply(d);
    double[] p = params(c, b, 900 + d);
    double[] cond = cond(b, N, 1150 + d);
    InverseCheck.Result r = InverseCheck.of(b, p, points(c.x(), d * N, 1000 + d), images(c, b, p, cond, d, 1100 + d), cond, N);
    assertTrue(r.passed(INVERSE_TOLERANCE), r.toString());
  }

  @ParameterizedTest(name = "{0}, dim {1}")
  @MethodSource("instances")
  void extremeInputsGiveFiniteValuesAndGradients(Case c, int d) {
    Bijection b = c.make().apply(d);
    double[] p = params(c, b, 1200 + d);
    double[] x = extremePoints(c.extremeX(), d);
    FinitenessCheck.Result f = FinitenessCheck.forward(b, p, x, cond(b, c.extremeX().length, 1250 + d), c.extremeX().length, 1300 + d);
    assertTrue(f.passed(), f.toString());
    double[] y = extremePoints(c.extremeY(), d);
    FinitenessCheck.Result i = FinitenessCheck.inverse(b, p, y, cond(b, c.extremeY().length, 1350 + d), c.extremeY().length, 1400 + d);
    assertTrue(i.passed(), i.toString());
  }
  /**
   * Exactly on the knots and the interval ends of an elementwise spline at random parameters:
   * knot positions follow REFERENCE.md's parameterisation, widths = m + (b − a − m(K+1))·softmax(r),
   * m = 1e-3, computed here independently (equal to the spline's own to an ulp or so). Values,
   * log-dets and gradients must be finite there, and both round trips exact.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "dim {0}")
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 5, 17})
  void splineKnotsAndIntervalEnds(int d) {
    int knots = 8;
    double lo = -3;
    double hi = 3;
    Elementwise b = Elementwise.of(RationalQuadraticSpline.of(knots, lo, hi), d);
    double[] p = randomParams(b, 1.5, 1500 + d);
    int per = 3 * knots + 4;
    int m = knots + 2;
    double[] xs = new double[d * m];
    double[] ys = new double[d * m];
    for (int j = 0; j < d; j++) {
      double[] xk = knotPositions(p, j * per, knots, lo, hi);
      double[] yk = knotPositions(p, j * per + knots + 1, knots, lo, hi);
      for (int i = 0; i < m; i++) {
        xs[j * m + i] = xk[i];
        ys[j * m + i] = yk[i];
      }
    }
    FinitenessCheck.Result f = FinitenessCheck.forward(b, p, xs, null, m, 1600 + d);
    assertTrue(f.passed(), f.toString());
    FinitenessCheck.Result i = FinitenessCheck.inverse(b, p, ys, null, m, 1700 + d);
    assertTrue(i.passed(), i.toString());
    InverseCheck.Result r = InverseCheck.of(b, p, xs, ys, null, m);
    assertTrue(r.passed(INVERSE_TOLERANCE), r.toString());
  }

  /** a, a + w₀, …, b with w = m + (b − a − m(K+1))·softmax(raw[from .. from+K]). */
  private static double[] knotPositions(double[] raw, int from, int knots, double lo, double hi) {
    double minWidth = 1e-3;
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k <= knots; k++) {
      max = Math.max(max, raw[from + k]);
    }
    double sum = 0;
    for (int k = 0; k <= knots; k++) {
      sum += Math.exp(raw[from + k] - max);
    }
    double[] pos = new double[knots + 2];
    pos[0] = lo;
    double free = hi - lo - minWidth * (knots + 1);
    for (int k = 0; k < knots; k++) {
      pos[k + 1] = pos[k] + minWidth + free * Math.exp(raw[from + k] - max) / sum;
    }
    pos[knots + 1] = hi;
    return pos;
  }
}
