package dev.flowvi.codegen.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.codegen.CodegenMode;
import dev.flowvi.codegen.CompiledClass;
import dev.flowvi.codegen.MethodSizes;
import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.bijection.Chain;
import dev.flowvi.engine.bijection.Flip;
import dev.flowvi.engine.bijection.Invert;
import dev.flowvi.engine.distribution.StandardNormal;
import dev.flowvi.engine.flow.Flows;
import dev.flowvi.engine.flow.Planar;
import dev.flowvi.engine.nn.Activation;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.train.TrainingResult;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compiled Planar flows (engine {@code Flows.planar}) against the interpreted ones, in strict mode.
 *
 * <p><b>Tolerances.</b> The value passes evaluate the engine's formulas in its order (the row
 * primitives may fuse a multiply-add), so they agree to a few ulps; the backward passes sum the
 * per-point adjoints of the shared (w, u, b) before pushing them through û(w, u) where the engine
 * pushes each point and sums afterwards, a reordering of a linear sum. All within 1e-12 normwise
 * ({@link FlowCompilerTest#close}); we saw values bitwise equal and gradients within 6e-16. The
 * tanh inverse is Newton's method on a scalar increasing function, run by the same code on the same
 * c and m, so it needs no looser bound either.
 */
class PlanarCompilerTest {
  static final double TOLERANCE = 1e-12;

  static Bijection planar(int dim, Planar.Nonlinearity h, Flows.Direction direction, int layers) {
    return Flows.planar(StandardNormal.of(dim)).nonlinearity(h).direction(direction).layers(layers).seed(dim).build().bijection();
  }

  /** Planar layers whose (w, u, b) an Mlp (ReLU, the factory's) of 2 conditioning inputs shifts per point. */
  static Bijection conditional(int dim, Planar.Nonlinearity h, Flows.Direction direction, int layers, int depth) {
    return Flows.planar(StandardNormal.of(dim)).nonlinearity(h).direction(direction).layers(layers).conditionDim(2)
        .conditionerShape(7, depth).seed(dim).build().bijection();
  }

  static Stream<Arguments> factories() {
    List<Arguments> out = new ArrayList<>();
    for (int dim : new int[] {1, 2, 5, 26}) {
      for (Planar.Nonlinearity h : Planar.Nonlinearity.values()) {
        for (Flows.Direction direction : Flows.Direction.values()) {
          out.add(Arguments.of(h, direction, dim));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}, {1}, dim {2}")
  @MethodSource("factories")
  void compiledMatchesInterpretedInAllFourPasses(Planar.Nonlinearity h, Flows.Direction direction, int dim) {
    compare(planar(dim, h, direction, 8), h, direction, dim);
  }

  /** Conditional layers, with depth 0, 1 and 2 conditioners. */
  @ParameterizedTest(name = "{0}, {1}, dim {2}")
  @MethodSource("factories")
  void compiledConditionalMatchesInterpretedInAllFourPasses(Planar.Nonlinearity h, Flows.Direction direction, int dim) {
    compare(conditional(dim, h, direction, 3, dim % 3), h, direction, dim);
  }

  /** The other conditioner activations (the factory uses ReLU), inverted and not. */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.EnumSource(Activation.class)
  void compiledConditionalMatchesInterpretedForEveryActivation(Activation activation) {
    Bijection flow = Chain.of(Planar.conditional(3, 2, Planar.Nonlinearity.TANH, 5, 2, activation), Flip.of(3),
        Invert.of(Planar.conditional(3, 2, Planar.Nonlinearity.LEAKY_RELU, 4, 1, activation)));
    compare(flow, Planar.Nonlinearity.TANH, Flows.Direction.SAMPLING_FAST, 3);
  }

  private static void compare(Bijection flow, Planar.Nonlinearity h, Flows.Direction direction, int dim) {
    Bijection compiled = FlowCompiler.compileOrInterpret(CodegenMode.STRICT, flow, FlowCompilerTest.CACHE);
    assertInstanceOf(CompiledFlow.class, compiled);
    assertEquals(flow.parameterCount(), compiled.parameterCount());
    double[] p = FlowCompilerTest.parameters(flow, 7 + dim);
    FlowPasses.compare(h + " " + direction + " dim " + dim, flow, compiled, p, TOLERANCE, TOLERANCE, TOLERANCE);
  }

  static Stream<Arguments> small() {
    List<Arguments> out = new ArrayList<>();
    for (Planar.Nonlinearity h : Planar.Nonlinearity.values()) {
      for (Flows.Direction direction : Flows.Direction.values()) {
        out.add(Arguments.of(h, direction));
      }
    }
    return out.stream();
  }

  /** Finite differences of the compiled class itself (step and tolerance: {@link CompiledFlowFiniteDifferenceTest}). */
  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("small")
  void compiledGradientsMatchFiniteDifferences(Planar.Nonlinearity h, Flows.Direction direction) {
    Bijection compiled = FlowCompiler.compileOrInterpret(CodegenMode.STRICT, planar(3, h, direction, 3), FlowCompilerTest.CACHE);
    assertInstanceOf(CompiledFlow.class, compiled);
    CompiledFlowFiniteDifferenceTest.check(h + " " + direction + " forward", compiled, true);
    CompiledFlowFiniteDifferenceTest.check(h + " " + direction + " inverse", compiled, false);
    Bijection conditional = FlowCompiler.compileOrInterpret(CodegenMode.STRICT,
        conditional(3, h, direction, 2, 1), FlowCompilerTest.CACHE);
    assertInstanceOf(CompiledFlow.class, conditional);
    CompiledFlowFiniteDifferenceTest.check(h + " " + direction + " conditional forward", conditional, true);
    CompiledFlowFiniteDifferenceTest.check(h + " " + direction + " conditional inverse", conditional, false);
  }

  /** The leaky-ReLU inverse is closed form and the tanh one iterative: both invert the compiled forward map. */
  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("small")
  void compiledInverseUndoesCompiledForward(Planar.Nonlinearity h, Flows.Direction direction) {
    Bijection compiled = FlowCompiler.compile(planar(5, h, direction, 4), FlowCompilerTest.CACHE);
    double[] p = FlowCompilerTest.parameters(compiled, 3);
    int n = FlowPasses.N;
    double[] x = FlowCompilerTest.gaussian(5 * n, RandomStream.of(9));
    double[] y = new double[x.length];
    double[] back = new double[x.length];
    double[] ld = new double[n];
    var ws = compiled.newWorkspace(n);
    compiled.forward(p, 3, x, null, y, ld, n, ws);
    compiled.inverse(p, 3, y, null, back, ld, n, ws);
    FlowCompilerTest.close("round trip", x, back, 1e-12);
    // log|det| of the inverse is minus that of the forward map.
    FlowCompilerTest.close("log-det sum", new double[n], ld, 1e-12);
  }

  /**
   * Same seed and steps: the loss histories agree to 1e-9 relative (as in {@link
   * CompiledFlowTrainingTest}: rounding differences of 1e-15 grow far less than 10^6 in 40 Adam
   * steps, while a wrong gradient moves the loss at the first decimals).
   */
  @Test
  void aCompiledPlanarFlowTrainsLikeTheInterpretedOne() {
    Bijection flow = planar(3, Planar.Nonlinearity.TANH, Flows.Direction.SAMPLING_FAST, 4);
    Bijection compiled = FlowCompiler.compileOrInterpret(CodegenMode.STRICT, flow, FlowCompilerTest.CACHE);
    assertInstanceOf(CompiledFlow.class, compiled);
    TrainingResult interpreted = CompiledFlowTrainingTest.train(flow, 40);
    TrainingResult fromCompiled = CompiledFlowTrainingTest.train(compiled, 40);
    double[] a = interpreted.lossHistory();
    double[] b = fromCompiled.lossHistory();
    assertEquals(a.length, b.length);
    for (int s = 0; s < a.length; s++) {
      assertEquals(a[s], b[s], 1e-9 * Math.max(1.0, Math.abs(a[s])), "loss at step " + s);
    }
    FlowCompilerTest.close("trained parameters", interpreted.params(), fromCompiled.params(), 1e-9);
    assertTrue(a[a.length - 1] < a[0], "training lowers the loss: " + a[0] + " -> " + a[a.length - 1]);
  }

  /** No allocation in steady state (the check of {@link CompiledFlowAllocationTest}). */
  @Test
  void compiledPassesAllocateNothing() {
    new CompiledFlowAllocationTest().passesAllocateNothing(planar(4, Planar.Nonlinearity.TANH, Flows.Direction.DENSITY_FAST, 3));
    new CompiledFlowAllocationTest().passesAllocateNothing(planar(4, Planar.Nonlinearity.LEAKY_RELU, Flows.Direction.SAMPLING_FAST, 3));
    new CompiledFlowAllocationTest().passesAllocateNothing(
        conditional(4, Planar.Nonlinearity.TANH, Flows.Direction.DENSITY_FAST, 2, 1));
  }

  @Test
  void methodsStayBelowTheHugeMethodLimitAtDim26() {
    for (Bijection flow : List.of(planar(26, Planar.Nonlinearity.TANH, Flows.Direction.DENSITY_FAST, 16),
        conditional(26, Planar.Nonlinearity.LEAKY_RELU, Flows.Direction.SAMPLING_FAST, 16, 2))) {
      CompiledClass c = FlowCompiler.compiledClass(flow, FlowCompilerTest.CACHE);
      assertTrue(c.largestMethodSize() < MethodSizes.HUGE_METHOD_LIMIT,
          () -> "largest method " + c.largestMethodSize() + " bytes: " + c.methodSizes());
    }
  }
}
