package dev.flowvi.codegen.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import dev.flowvi.engine.bijection.AffineTransformer;
import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.bijection.Chain;
import dev.flowvi.engine.bijection.Elementwise;
import dev.flowvi.engine.bijection.Exp;
import dev.flowvi.engine.bijection.Flip;
import dev.flowvi.engine.bijection.Invert;
import dev.flowvi.engine.bijection.LeakyTanh;
import dev.flowvi.engine.bijection.Permute;
import dev.flowvi.engine.bijection.RationalQuadraticSpline;
import dev.flowvi.engine.bijection.Stack;
import dev.flowvi.engine.bijection.TriangularAffine;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.flow.MaskedAutoregressive;
import dev.flowvi.engine.nn.Activation;
import dev.flowvi.engine.random.RandomStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The compiled flow against the interpreted one it was generated from, in strict mode (a fallback
 * would fail the test), for every supported topology, direction and dim in {1, 2, 5, 26}.
 *
 * <p><b>Tolerance.</b> Both sides evaluate the same formulas in nearly the same order; what differs
 * is summation order (log-dets summed per layer vs per point, the vector kernels' accumulators)
 * and, for the autoregressive inverse's backward pass, the algorithm (reverse mode through the
 * one-pass inverse vs back substitution through D vector–Jacobian products). Each entry must lie
 * within 1e-12 of the largest magnitude in its array (at least 1): a normwise relative bound,
 * because gradients are sums of terms that cancel, where an entrywise relative bound is
 * meaningless. The inverse's backward pass gets 1e-10: two different algorithms for J^{−T}
 * agree only to about cond(J)·ε, and at D = 26 with spline transformers we saw 1.6e-12.
 */
class FlowCompilerTest {
  static final double TOLERANCE = 1e-12;
  static final double INVERSE_BACKWARD_TOLERANCE = 1e-10;
  static final int N = 5;
  static final KernelCache CACHE = new KernelCache(KernelCompiler.forEngine(), 64);

  /**
   * The triangular spline flow (REFERENCE.md): per layer a LeakyTanh(3) sandwich around an
   * elementwise spline on [−1, 1], a weight-normalised lower TriangularAffine and a permutation.
   */
  static Bijection triangular(int dim, int layers, RandomStream rng) {
    List<Bijection> parts = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      parts.add(LeakyTanh.of(dim, 3.0));
      parts.add(Elementwise.of(RationalQuadraticSpline.of(4, 1.0), dim));
      parts.add(Invert.of(LeakyTanh.of(dim, 3.0)));
      parts.add(TriangularAffine.lower(dim).weightNormalised());
      parts.add(Permute.random(dim, rng));
    }
    return Chain.of(parts);
  }

  static Bijection upperMixed(int dim) {
    return Chain.of(Flip.of(dim), Invert.of(TriangularAffine.upper(dim)), LeakyTanh.of(dim, 0.7), Flip.of(dim),
        TriangularAffine.upper(dim).weightNormalised());
  }

  static Bijection autoregressive(int dim, RandomStream rng) {
    return Chain.of(
        MaskedAutoregressive.of(AffineTransformer.withScaleFloor(), dim, 0, 8, 1, Activation.RELU),
        Permute.random(dim, rng),
        MaskedAutoregressive.of(AffineTransformer.softClamped(), dim, 0, 7, 2, Activation.TANH),
        Flip.of(dim),
        Invert.of(MaskedAutoregressive.of(AffineTransformer.withScaleFloor(), dim, 0, 0, 0, Activation.ELU)));
  }

  static Bijection splineAutoregressive(int dim, RandomStream rng) {
    return Chain.of(
        MaskedAutoregressive.of(RationalQuadraticSpline.of(3, 2.0), dim, 0, 8, 1, Activation.RELU),
        Permute.random(dim, rng),
        Invert.of(MaskedAutoregressive.of(RationalQuadraticSpline.of(5, -1.5, 2.5), dim, 0, 6, 1, Activation.TANH)),
        Invert.of(Elementwise.of(RationalQuadraticSpline.of(2, 3.0), dim)),
        LeakyTanh.of(dim, 2.0));
  }

  static Bijection conditional(int dim) {
    return Chain.of(
        MaskedAutoregressive.of(AffineTransformer.withScaleFloor(), dim, 2, 9, 1, Activation.ELU),
        Flip.of(dim),
        MaskedAutoregressive.of(AffineTransformer.softClamped(), dim, 2, 0, 0, Activation.RELU));
  }

  static Stream<Arguments> topologies() {
    List<Arguments> out = new ArrayList<>();
    for (int dim : new int[] {1, 2, 5, 26}) {
      RandomStream rng = RandomStream.of(dim);
      out.add(Arguments.of("triangular", dim, triangular(dim, 2, rng)));
      out.add(Arguments.of("inverted triangular", dim, Invert.of(triangular(dim, 2, rng))));
      out.add(Arguments.of("upper mixed", dim, upperMixed(dim)));
      out.add(Arguments.of("autoregressive", dim, autoregressive(dim, rng)));
      out.add(Arguments.of("inverse autoregressive", dim, Invert.of(autoregressive(dim, rng))));
      out.add(Arguments.of("conditional autoregressive", dim, conditional(dim)));
      out.add(Arguments.of("spline autoregressive", dim, splineAutoregressive(dim, rng)));
      out.add(Arguments.of("inverse spline autoregressive", dim, Invert.of(splineAutoregressive(dim, rng))));
      out.add(Arguments.of("permutation only", dim, Chain.of(Permute.random(dim, rng), Flip.of(dim))));
    }
    return out.stream();
  }

  /** Parameters away from the identity initialisation, so that every weight matters. */
  static double[] parameters(Bijection flow, long seed) {
    RandomStream rng = RandomStream.of(seed);
    double[] p = new double[flow.parameterCount() + 3];
    flow.initialise(p, 3, rng);
    for (int k = 3; k < p.length; k++) {
      p[k] += 0.3 * rng.nextGaussian();
    }
    return p;
  }

  static double[] gaussian(int size, RandomStream rng) {
    double[] v = new double[size];
    rng.fillGaussian(v, 0, size);
    return v;
  }

  @ParameterizedTest(name = "{0}, dim {1}")
  @MethodSource("topologies")
  void compiledMatchesInterpretedInAllFourPasses(String label, int dim, Bijection flow) {
    assertCompiledMatches(label, dim, flow, false);
  }

  /**
   * Strict compilation, then the four passes against the interpreted flow. With {@code
   * imageInputs} the inverse starts from y = flow(x') for a fresh x', inside the image of flows
   * onto a subset (Exp, Sigmoid, Bounded …); otherwise from a standard normal y.
   */
  static void assertCompiledMatches(String label, int dim, Bijection flow, boolean imageInputs) {
    assertMatches(label, dim, flow, FlowCompiler.compileOrInterpret(CodegenMode.STRICT, flow, CACHE), imageInputs, N);
  }

  /** The four passes of {@code compiled} against those of the interpreted {@code flow}. */
  static void assertMatches(String label, int dim, Bijection flow, Bijection compiled, boolean imageInputs, int n) {
    assertInstanceOf(CompiledFlow.class, compiled);
    assertEquals(flow.parameterCount(), compiled.parameterCount());
    RandomStream rng = RandomStream.of(42 + dim);
    double[] p = parameters(flow, 7 + dim);
    int c = flow.conditionDim();
    double[] cond = c > 0 ? gaussian(c * n, rng) : null;
    double[] x = gaussian(dim * n, rng);
    double[] ld0 = gaussian(n, rng);
    Workspace wi = flow.newWorkspace(n);
    Workspace wc = compiled.newWorkspace(n);

    double[] yI = new double[dim * n];
    double[] yC = new double[dim * n];
    double[] ldI = ld0.clone();
    double[] ldC = ld0.clone();
    flow.forward(p, 3, x, cond, yI, ldI, n, wi);
    compiled.forward(p, 3, x, cond, yC, ldC, n, wc);
    close(label + " forward y", yI, yC);
    close(label + " forward logDet", ldI, ldC);

    double[] gy = gaussian(dim * n, rng);
    double[] gld = gaussian(n, rng);
    double[] gp0 = gaussian(p.length, rng);
    double[] gxI = new double[dim * n];
    double[] gxC = new double[dim * n];
    double[] gpI = gp0.clone();
    double[] gpC = gp0.clone();
    flow.forwardBackward(p, 3, x, cond, yI, gy, gld, gxI, gpI, n, wi);
    compiled.forwardBackward(p, 3, x, cond, yC, gy, gld, gxC, gpC, n, wc);
    close(label + " forwardBackward gradX", gxI, gxC);
    close(label + " forwardBackward gradParams", gpI, gpC);

    // Inverse from a fresh point y, then its backward pass.
    double[] y = gaussian(dim * n, rng);
    if (imageInputs) {
      double[] start = y.clone();
      flow.forward(p, 3, start, cond, y, new double[n], n, wi);
    }
    double[] xI = new double[dim * n];
    double[] xC = new double[dim * n];
    ldI = ld0.clone();
    ldC = ld0.clone();
    flow.inverse(p, 3, y, cond, xI, ldI, n, wi);
    compiled.inverse(p, 3, y, cond, xC, ldC, n, wc);
    close(label + " inverse x", xI, xC);
    close(label + " inverse logDet", ldI, ldC);

    double[] gx = gaussian(dim * n, rng);
    double[] gyI = new double[dim * n];
    double[] gyC = new double[dim * n];
    gpI = gp0.clone();
    gpC = gp0.clone();
    flow.inverseBackward(p, 3, y, cond, xI, gx, gld, gyI, gpI, n, wi);
    compiled.inverseBackward(p, 3, y, cond, xC, gx, gld, gyC, gpC, n, wc);
    close(label + " inverseBackward gradY", gyI, gyC, INVERSE_BACKWARD_TOLERANCE);
    close(label + " inverseBackward gradParams", gpI, gpC, INVERSE_BACKWARD_TOLERANCE);
  }

  static void close(String what, double[] expected, double[] actual) {
    close(what, expected, actual, TOLERANCE);
  }

  static void close(String what, double[] expected, double[] actual, double tolerance) {
    double scale = 1.0;
    for (double e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    double worst = 0.0;
    int at = -1;
    for (int k = 0; k < expected.length; k++) {
      double err = Math.abs(expected[k] - actual[k]);
      if (!(err <= worst)) {
        worst = err;
        at = k;
      }
    }
    if (!(worst <= tolerance * scale)) {
      throw new AssertionError(what + ": worst difference " + worst + " at " + at + " (expected " + expected[at]
          + ", got " + actual[at] + "), allowed " + tolerance * scale);
    }
  }

  @Test
  void methodsStayBelowTheHugeMethodLimitForTheLargestTopologies() {
    RandomStream rng = RandomStream.of(3);
    for (Bijection flow : List.of(triangular(26, 6, rng), autoregressive(26, rng), Invert.of(autoregressive(26, rng)))) {
      CompiledClass c = FlowCompiler.compiledClass(flow, CACHE);
      assertTrue(c.largestMethodSize() < MethodSizes.HUGE_METHOD_LIMIT,
          () -> "largest method " + c.largestMethodSize() + " bytes: " + c.methodSizes());
    }
  }

  @Test
  void oneClassPerTopology() {
    KernelCache cache = new KernelCache(KernelCompiler.forEngine(), 8);
    int[] perm = {1, 3, 0, 2};
    Bijection a = Chain.of(TriangularAffine.lower(4), Permute.of(perm));
    Bijection b = Chain.of(TriangularAffine.lower(4), Permute.of(perm));
    Bijection other = Chain.of(TriangularAffine.lower(4), Flip.of(4));
    assertSame(FlowCompiler.compile(a, cache).getClass(), FlowCompiler.compile(b, cache).getClass());
    assertTrue(FlowCompiler.compile(other, cache).getClass() != FlowCompiler.compile(a, cache).getClass());
    assertEquals(2, cache.compilations());
  }

  @Test
  void permutationsAndMasksAreFoldedIntoTheSource() {
    Bijection flow = Chain.of(MaskedAutoregressive.of(AffineTransformer.withScaleFloor(), 3, 0, 4, 1, Activation.RELU),
        Flip.of(3), TriangularAffine.lower(3));
    String src = FlowCompiler.source(flow).source();
    // The flip is a row table of the next layer, not a copy loop.
    assertTrue(src.contains("IN_1 = dev.flowvi.codegen.flow.FlowMath.table(\"2, 1, 0\")"), src);
    // MADE with D = 3, width 4: hidden ranks 0,1,0,1 see inputs 0 / 0..1; outputs of x_0 see no unit, those of x_1 the two of rank 0.
    assertTrue(src.contains("COL_0_0 = dev.flowvi.codegen.flow.FlowMath.table(\"0, 0, 1, 0, 0, 1\")"), src);
    assertTrue(src.contains("START_0_1 = dev.flowvi.codegen.flow.FlowMath.table(\"0, 0, 0, 2, 4, 8, 12\")"), src);
  }

  @Test
  void theSplineSandwichIsOneFusedLoop() {
    String src = FlowCompiler.source(triangular(3, 1, RandomStream.of(1))).source();
    // LeakyTanh, spline and inverse LeakyTanh: one layer, whose knots are computed per coordinate.
    assertTrue(src.contains("private static void l0Forward("), src);
    assertTrue(src.contains("private static void l1Forward("), src);
    assertTrue(!src.contains("private static void l2Forward("), src);
    assertTrue(src.contains("SplineMath.knots(p, o + 0 + j * 16, 4, -1.0, 1.0, tab1)"), src);
  }

  static Stream<Bijection> leakyTanhChains() {
    return Stream.of(Chain.of(LeakyTanh.of(3, 3.0), Elementwise.of(RationalQuadraticSpline.of(4, 1.0), 3), Invert.of(LeakyTanh.of(3, 3.0))),
        Chain.of(LeakyTanh.of(3, 3.0), Exp.of(3)), LeakyTanh.of(3, 3.0));
  }

  /**
   * With vector lanes, the sandwich's value passes run one loop per step, LeakyTanh in lanes
   * (EXPM1, LOG, LOG1P) and the spline scalar; inputs of sd 4 put lanes on both sides of |x| = 3
   * (and of |y| = tanh 3 for the inverse), whose blends must pick what the interpreter computes.
   */
  @ParameterizedTest
  @MethodSource("leakyTanhChains")
  void leakyTanhRunsInLanesOnBothSidesOfItsKnee(Bijection flow) {
    assertTrue(!FlowSourceGenerator.generate(FlowProgram.of(flow, false), "k").source().contains("V_EXPM1"), "scalar lanes keep the fused loop");
    assumeTrue(dev.flowvi.engine.kernel.VectorSupport.enabled(), "vector lanes need the Vector API");
    FlowProgram program = FlowProgram.of(flow, true);
    String src = FlowSourceGenerator.generate(program, "k").source();
    assertTrue(src.contains(".lanewise(V_EXPM1)") && src.contains(".lanewise(V_LOG1P)"), src);
    Bijection compiled = FlowCompiler.compile(program, flow, CACHE);
    double[] p = parameters(flow, 5);
    for (int n : new int[] {37, 64}) {
      RandomStream rng = RandomStream.of(n);
      double[] x = gaussian(3 * n, rng);
      int outside = 0;
      for (int q = 0; q < x.length; q++) {
        x[q] *= 4.0;
        outside += Math.abs(x[q]) > 3.0 ? 1 : 0;
      }
      assertTrue(outside > 10 && outside < x.length - 10, outside + " of " + x.length + " inputs beyond the knee");
      double[] yI = new double[3 * n];
      double[] yC = new double[3 * n];
      double[] ldI = new double[n];
      double[] ldC = new double[n];
      flow.forward(p, 3, x, null, yI, ldI, n, flow.newWorkspace(n));
      compiled.forward(p, 3, x, null, yC, ldC, n, compiled.newWorkspace(n));
      close("forward y, n " + n, yI, yC);
      close("forward logDet, n " + n, ldI, ldC);
      double[] xI = new double[3 * n];
      double[] xC = new double[3 * n];
      flow.inverse(p, 3, yI, null, xI, ldI, n, flow.newWorkspace(n));
      compiled.inverse(p, 3, yI, null, xC, ldC, n, compiled.newWorkspace(n));
      close("inverse x, n " + n, xI, xC);
      close("inverse logDet, n " + n, ldI, ldC);
      close("round trip, n " + n, x, xC, 1e-9);
    }
  }

  @Test
  void unsupportedLayersFallBackInAutoModeAndFailInStrictMode() {
    Bijection flow = Chain.of(TriangularAffine.lower(3), Stack.of(Exp.of(1), TriangularAffine.lower(2)));
    KernelCache cache = new KernelCache(KernelCompiler.forEngine(), 4);
    CodegenException e = assertThrows(CodegenException.class, () -> FlowCompiler.compileOrInterpret(CodegenMode.STRICT, flow, cache));
    assertTrue(e.getMessage().contains("Stack part") && e.getMessage().contains("supported:"), e.getMessage());
    Bijection auto = FlowCompiler.compileOrInterpret(CodegenMode.AUTO, flow, cache);
    assertSame(flow, auto);
    assertTrue(CompiledOrInterpreted.fellBack("flow:unsupported:" + flow.name()));
    Bijection supported = Chain.of(TriangularAffine.lower(3));
    assertSame(supported, FlowCompiler.compileOrInterpret(CodegenMode.OFF, supported, cache));
    // The fallback still evaluates: forward then inverse returns the input.
    double[] p = parameters(auto, 1);
    double[] x = gaussian(3 * N, RandomStream.of(2));
    double[] y = new double[3 * N];
    double[] back = new double[3 * N];
    Workspace ws = auto.newWorkspace(N);
    auto.forward(p, 3, x, null, y, new double[N], N, ws);
    auto.inverse(p, 3, y, null, back, new double[N], N, ws);
    close("fallback round trip", x, back);
  }

  @Test
  void badArgumentsAreNamed() {
    Bijection compiled = FlowCompiler.compile(TriangularAffine.lower(3), CACHE);
    double[] p = parameters(compiled, 0);
    Workspace ws = compiled.newWorkspace(2);
    double[] x = new double[6];
    double[] ld = new double[2];
    expectMessage("y has length 5", () -> compiled.forward(p, 3, x, null, new double[5], ld, 2, ws));
    expectMessage("same array", () -> compiled.forward(p, 3, x, null, x, ld, 2, ws));
    expectMessage("ws is", () -> compiled.forward(p, 3, x, null, new double[6], ld, 2, TriangularAffine.lower(3).newWorkspace(2)));
    expectMessage("batch size n is 3", () -> compiled.forward(p, 3, x, null, new double[6], ld, 3, ws));
    expectMessage("gradParams has length 2", () -> compiled.forwardBackward(p, 3, x, null, new double[6], new double[6],
        ld, new double[6], new double[2], 2, ws));
    assertThrows(IllegalArgumentException.class, () -> FlowCompiler.compile(null, CACHE));
  }

  static void expectMessage(String part, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }
}
