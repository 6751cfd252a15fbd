package dev.flowvi.codegen.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.codegen.CodegenMode;
import dev.flowvi.codegen.CompiledClass;
import dev.flowvi.codegen.MethodSizes;
import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.distribution.StandardNormal;
import dev.flowvi.engine.flow.Flows;
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
 * Compiled block neural autoregressive flows (engine {@code Flows.blockNeuralAutoregressive})
 * against the interpreted ones, in strict mode.
 *
 * <p><b>Tolerance.</b> All four passes evaluate the engine's formulas in the engine's order on the
 * same row primitives (we saw bitwise-equal results at every dim), so 1e-12 normwise ({@link
 * FlowCompilerTest#close}) holds everywhere, the inverse included: it is the same bracketed Newton
 * solver on the same residual, and should the residuals ever differ by rounding, the solver stops
 * when its step is zero or its bracket 2 ulp wide, so the roots differ by a few ulps over the slope
 * dy_d/dx_d (O(1) here), and the implicit-function-theorem gradients by that times cond(J).
 */
class BlockAutoregressiveCompilerTest {
  static final double TOLERANCE = 1e-12;

  static Bijection bnaf(int dim, Flows.Direction direction, int layers, int block, int depth, int conditionDim) {
    return Flows.blockNeuralAutoregressive(StandardNormal.of(dim)).direction(direction).layers(layers).blockDim(block)
        .depth(depth).conditionDim(conditionDim).seed(dim).build().bijection();
  }

  static Stream<Arguments> factories() {
    List<Arguments> out = new ArrayList<>();
    for (int dim : new int[] {1, 2, 5, 26}) {
      for (Flows.Direction direction : Flows.Direction.values()) {
        out.add(Arguments.of("default", direction, dim, bnaf(dim, direction, 1, 8, 1, 0)));
      }
    }
    for (Flows.Direction direction : Flows.Direction.values()) {
      out.add(Arguments.of("2 layers, B 3, depth 2", direction, 4, bnaf(4, direction, 2, 3, 2, 0)));
      out.add(Arguments.of("conditional", direction, 3, bnaf(3, direction, 2, 4, 1, 2)));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}, {1}, dim {2}")
  @MethodSource("factories")
  void compiledMatchesInterpretedInAllFourPasses(String label, Flows.Direction direction, int dim, Bijection flow) {
    Bijection compiled = FlowCompiler.compileOrInterpret(CodegenMode.STRICT, flow, FlowCompilerTest.CACHE);
    assertInstanceOf(CompiledFlow.class, compiled);
    assertEquals(flow.parameterCount(), compiled.parameterCount());
    double[] p = FlowCompilerTest.parameters(flow, 7 + dim);
    FlowPasses.compare(label + " " + direction + " dim " + dim, flow, compiled, p, TOLERANCE, TOLERANCE, TOLERANCE);
  }

  static Stream<Arguments> small() {
    List<Arguments> out = new ArrayList<>();
    for (Flows.Direction direction : Flows.Direction.values()) {
      out.add(Arguments.of("B 3, depth 1", direction, bnaf(3, direction, 1, 3, 1, 0)));
      out.add(Arguments.of("B 2, depth 2, conditional", direction, bnaf(3, direction, 1, 2, 2, 1)));
      out.add(Arguments.of("2 layers, B 2, conditional", direction, bnaf(3, direction, 2, 2, 1, 1)));
    }
    return out.stream();
  }

  /**
   * Finite differences of the compiled class itself (step and tolerance: {@link
   * CompiledFlowFiniteDifferenceTest}); the iterative inverse is differentiated through its
   * solution, whose error (2 ulp of the bracket) is far below the step's 1e-10 resolution. Not
   * two stacked depth-2 layers: with these random parameters their inverse sends N(0, 1) points
   * into the σ tails of slope 0.01 per layer, where x reaches 1e5 and ∂x/∂θ 1e7, and a central
   * difference has no accurate digit left (the compiled-vs-interpreted test covers that case).
   */
  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("small")
  void compiledGradientsMatchFiniteDifferences(String label, Flows.Direction direction, Bijection flow) {
    Bijection compiled = FlowCompiler.compileOrInterpret(CodegenMode.STRICT, flow, FlowCompilerTest.CACHE);
    assertInstanceOf(CompiledFlow.class, compiled);
    CompiledFlowFiniteDifferenceTest.check(label + " " + direction + " forward", compiled, true);
    CompiledFlowFiniteDifferenceTest.check(label + " " + direction + " inverse", compiled, false);
  }

  /** The compiled inverse undoes the compiled forward map, log-dets cancelling. */
  @Test
  void compiledInverseUndoesCompiledForward() {
    Bijection compiled = FlowCompiler.compile(bnaf(5, Flows.Direction.SAMPLING_FAST, 2, 4, 1, 0), FlowCompilerTest.CACHE);
    double[] p = FlowCompilerTest.parameters(compiled, 3);
    int n = FlowPasses.N;
    double[] x = FlowCompilerTest.gaussian(5 * n, RandomStream.of(9));
    double[] y = new double[x.length];
    double[] back = new double[x.length];
    double[] ld = new double[n];
    Workspace ws = compiled.newWorkspace(n);
    compiled.forward(p, 3, x, null, y, ld, n, ws);
    compiled.inverse(p, 3, y, null, back, ld, n, ws);
    FlowCompilerTest.close("round trip", x, back, 1e-12);
    FlowCompilerTest.close("log-det sum", new double[n], ld, 1e-12);
  }

  @Test
  void methodsStayBelowTheHugeMethodLimitAtDim26() {
    CompiledClass c = FlowCompiler.compiledClass(bnaf(26, Flows.Direction.DENSITY_FAST, 2, 8, 2, 3), FlowCompilerTest.CACHE);
    assertTrue(c.largestMethodSize() < MethodSizes.HUGE_METHOD_LIMIT, () -> "largest method " + c.largestMethodSize() + " bytes: " + c.methodSizes());
  }

  /** Same seed and steps: loss histories and parameters agree to 1e-9 (reasoning as in {@link CompiledFlowTrainingTest}). */
  @Test
  void aCompiledBlockFlowTrainsLikeTheInterpretedOne() {
    Bijection flow = bnaf(3, Flows.Direction.SAMPLING_FAST, 1, 4, 1, 0);
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

  /** No allocation in steady state, the root solves included (the check of {@link CompiledFlowAllocationTest}). */
  @Test
  void compiledPassesAllocateNothing() {
    new CompiledFlowAllocationTest().passesAllocateNothing(bnaf(3, Flows.Direction.DENSITY_FAST, 2, 4, 1, 1));
  }
}
