package dev.flowvi.codegen.flow;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.codegen.CodegenMode;
import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.bijection.Affine;
import dev.flowvi.engine.bijection.AffineTransformer;
import dev.flowvi.engine.bijection.Bounded;
import dev.flowvi.engine.bijection.Chain;
import dev.flowvi.engine.bijection.Elementwise;
import dev.flowvi.engine.bijection.Exp;
import dev.flowvi.engine.bijection.Flip;
import dev.flowvi.engine.bijection.Frozen;
import dev.flowvi.engine.bijection.Invert;
import dev.flowvi.engine.bijection.Loc;
import dev.flowvi.engine.bijection.Loft;
import dev.flowvi.engine.bijection.Permute;
import dev.flowvi.engine.bijection.RationalQuadraticSpline;
import dev.flowvi.engine.bijection.Scale;
import dev.flowvi.engine.bijection.Sigmoid;
import dev.flowvi.engine.bijection.SoftPlus;
import dev.flowvi.engine.bijection.Stack;
import dev.flowvi.engine.bijection.Tanh;
import dev.flowvi.engine.flow.Coupling;
import dev.flowvi.engine.nn.Activation;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compiled classes' own gradients against central finite differences of the loss
 * L = Σ a·output + Σ b·logDet, in both directions, for inputs and every parameter.
 *
 * <p><b>Step and tolerance.</b> h = ε^{1/3}·max(1, |θ|) ≈ 6e-6 balances the O(h²) truncation error
 * against the O(ε/h) round-off (Hipparchus' discussion of central differences); both are about
 * 1e-10 relative here, so 1e-6·max(1, |g|) leaves four orders of margin while any wrong term
 * (typically O(1)) fails.
 */
class CompiledFlowFiniteDifferenceTest {
  static final int N = 3;
  static final double TOLERANCE = 1e-6;

  static Stream<Arguments> flows() {
    RandomStream rng = RandomStream.of(11);
    return Stream.of(
        Arguments.of("triangular", FlowCompilerTest.triangular(4, 2, rng)),
        Arguments.of("upper mixed", FlowCompilerTest.upperMixed(3)),
        Arguments.of("autoregressive", FlowCompilerTest.autoregressive(4, rng)),
        Arguments.of("inverse autoregressive", Invert.of(FlowCompilerTest.autoregressive(3, rng))),
        Arguments.of("conditional autoregressive", FlowCompilerTest.conditional(3)),
        Arguments.of("spline autoregressive", FlowCompilerTest.splineAutoregressive(3, rng)),
        Arguments.of("coupling", Chain.of(Coupling.of(AffineTransformer.withScaleFloor(), 4, 0, 5, 1, Activation.RELU),
            Permute.random(4, rng), Invert.of(Coupling.of(AffineTransformer.softClamped(), 4, 0, 3, 2, Activation.TANH)))),
        Arguments.of("conditional spline coupling", Chain.of(Flip.of(3),
            Coupling.of(RationalQuadraticSpline.of(3, 2.5), 3, 2, 4, 1, Activation.ELU))),
        Arguments.of("inverse conditional spline coupling", Invert.of(
            Coupling.of(RationalQuadraticSpline.of(3, 2.5), 3, 2, 4, 1, Activation.ELU))),
        Arguments.of("fused elementwise kinds", Chain.of(Affine.of(3), Sigmoid.of(3), Invert.of(Sigmoid.of(3)), Loft.of(3, 0.4),
            Stack.of(Scale.of(1), Loc.of(2)), Exp.of(3), Invert.of(Exp.of(3)), Elementwise.of(AffineTransformer.softClamped(), 3),
            Invert.of(Elementwise.of(AffineTransformer.withScaleFloor(), 3)), Tanh.of(3), Invert.of(Bounded.of(3, -1.0, 1.0)),
            SoftPlus.of(3), Invert.of(SoftPlus.of(3)), Frozen.of(Invert.of(Affine.of(3))))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("flows")
  void gradientsMatchFiniteDifferencesInBothDirections(String label, Bijection flow) {
    Bijection compiled = FlowCompiler.compileOrInterpret(CodegenMode.STRICT, flow, FlowCompilerTest.CACHE);
    assertTrue(compiled instanceof CompiledFlow, label);
    check(label + " forward", compiled, true);
    check(label + " inverse", compiled, false);
  }

  static void check(String label, Bijection b, boolean forward) {
    int d = b.dim();
    RandomStream rng = RandomStream.of(label.hashCode());
    double[] p = FlowCompilerTest.parameters(b, 5);
    double[] cond = b.conditionDim() > 0 ? FlowCompilerTest.gaussian(b.conditionDim() * N, rng) : null;
    double[] in = FlowCompilerTest.gaussian(d * N, rng);
    double[] a = FlowCompilerTest.gaussian(d * N, rng);
    double[] w = FlowCompilerTest.gaussian(N, rng);
    Workspace ws = b.newWorkspace(N);
    double[] out = new double[d * N];
    run(b, forward, p, in, cond, out, new double[N], ws);
    double[] gIn = new double[d * N];
    double[] gp = new double[p.length];
    if (forward) {
      b.forwardBackward(p, 3, in, cond, out, a, w, gIn, gp, N, ws);
    } else {
      b.inverseBackward(p, 3, in, cond, out, a, w, gIn, gp, N, ws);
    }
    for (int k = 0; k < in.length; k++) {
      double g = gIn[k];
      double fd = difference(in, k, () -> loss(b, forward, p, in, cond, a, w, ws));
      assertClose(label + " d/d input[" + k + "]", g, fd);
    }
    for (int k = 3; k < p.length; k++) {
      double fd = difference(p, k, () -> loss(b, forward, p, in, cond, a, w, ws));
      assertClose(label + " d/d params[" + k + "]", gp[k], fd);
    }
  }

  private static void assertClose(String what, double g, double fd) {
    assertTrue(Math.abs(g - fd) <= TOLERANCE * Math.max(1.0, Math.abs(g)), () -> what + ": analytic " + g + ", finite difference " + fd);
  }

  private static double difference(double[] v, int k, java.util.function.DoubleSupplier f) {
    double keep = v[k];
    double h = Math.cbrt(Math.ulp(1.0)) * Math.max(1.0, Math.abs(keep));
    v[k] = keep + h;
    double up = f.getAsDouble();
    v[k] = keep - h;
    double down = f.getAsDouble();
    v[k] = keep;
    return (up - down) / (2 * h);
  }

  private static double loss(Bijection b, boolean forward, double[] p, double[] in, double[] cond, double[] a, double[] w, Workspace ws) {
    double[] out = new double[in.length];
    double[] ld = new double[N];
    run(b, forward, p, in, cond, out, ld, ws);
    double s = 0.0;
    for (int k = 0; k < out.length; k++) {
      s += a[k] * out[k];
    }
    for (int i = 0; i < N; i++) {
      s += w[i] * ld[i];
    }
    return s;
  }

  private static void run(Bijection b, boolean forward, double[] p, double[] in, double[] cond, double[] out, double[] ld, Workspace ws) {
    if (forward) {
      b.forward(p, 3, in, cond, out, ld, N, ws);
    } else {
      b.inverse(p, 3, in, cond, out, ld, N, ws);
    }
  }
}
