package dev.flowvi.engine.train;

import dev.flowvi.engine.bijection.RationalQuadraticSpline;
import dev.flowvi.engine.distribution.Distribution;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.flow.Flows;
import dev.flowvi.engine.flow.Flows.Direction;
import dev.flowvi.engine.nn.Activation;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.target.LogDensity;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole ELBO (plain and sticking the landing), the IW-ELBO and the maximum-likelihood loss of
 * every flow factory, in both directions, against central finite differences at random parameters
 * (initial values plus N(0, 0.2²) noise, so no output layer sits at its zero start).
 *
 * <p>Networks use tanh: a ReLU kink between x ± h would make the difference quotient meaningless.
 * Tolerance 1e-5·(1 + |g|): two or three composed layers, some with numerical inverses converged
 * to ~1e-14, leave finite-difference errors near 1e-8 (h = cbrt(ε)); 1e-5 keeps a wide margin while
 * any wrong or missing term (O(1) relative) fails.
 */
class FlowFactoryGradientTest {
  private static final int D = 3;
  private static final double TOL = 1e-5;

  static List<Arguments> factories() {
    List<Arguments> out = new ArrayList<>();
    for (Direction dir : Direction.values()) {
      add(out, "maskedAutoregressive " + dir, base -> Flows.maskedAutoregressive(base).layers(2).width(8).activation(Activation.TANH).direction(dir).seed(1).build());
      add(out, "coupling softClamped " + dir, base -> Flows.coupling(base).layers(2).width(8).activation(Activation.TANH).softClampedScales().direction(dir).seed(2).build());
      add(out, "blockNeuralAutoregressive " + dir, base -> Flows.blockNeuralAutoregressive(base).blockDim(4).direction(dir).seed(3).build());
      add(out, "planar " + dir, base -> Flows.planar(base).layers(3).direction(dir).seed(4).build());
      add(out, "triangularSpline " + dir, base -> Flows.triangularSpline(base).layers(2).knots(4).direction(dir).seed(6).build());
      add(out, "maskedAutoregressive spline " + dir, base -> Flows.maskedAutoregressive(base).layers(2).width(8).activation(Activation.TANH)
          .transformer(RationalQuadraticSpline.of(4, 3.0)).direction(dir).seed(7).build());
      add(out, "maskedAutoregressive + LOFT " + dir, base -> Flows.maskedAutoregressive(base).layers(1).width(8).activation(Activation.TANH).loft(true).direction(dir).seed(5).build());
    }
    return out;
  }

  private static void add(List<Arguments> out, String name, Function<Distribution, TransformedDistribution> factory) {
    out.add(Arguments.of(name, factory));
  }

  static double[] randomParams(TransformedDistribution flow, long seed) {
    double[] p = flow.initialParameters(seed);
    RandomStream rng = RandomStream.of(seed + 100);
    for (int k = 0; k < p.length; k++) {
      p[k] += 0.2 * rng.nextGaussian();
    }
    return p;
  }

  private static void check(String what, double[] analytic, double[] numeric) {
    for (int k = 0; k < analytic.length; k++) {
      double err = Math.abs(analytic[k] - numeric[k]);
      if (!(err <= TOL * (1 + Math.abs(analytic[k])))) {
        throw new AssertionError(what + ": component " + k + " analytic " + analytic[k] + " vs finite difference " + numeric[k]);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("factories")
  void everyLossGradientMatchesFiniteDifferences(String name, Function<Distribution, TransformedDistribution> factory) {
    TransformedDistribution flow = factory.apply(new TestNormal(D, true));
    LogDensity target = LossGradientTest.target(D);
    double[] p = randomParams(flow, 7);
    double[] grad = new double[p.length];

    ElboLoss plain = ElboLoss.of(flow, target, false);
    plain.valueAndGradient(p, null, 6, RandomStream.of(1), grad);
    check(name + " ELBO", grad, FiniteDifference.gradient(q -> plain.valueAndGradient(q, null, 6, RandomStream.of(1), null), p));

    ElboLoss stl = ElboLoss.of(flow, target, true);
    stl.valueAndGradient(p, null, 6, RandomStream.of(2), grad);
    TransformedDistribution.Scratch ws = flow.newWorkspace(6);
    check(name + " STL", grad, FiniteDifference.gradient(theta -> {
      double[] z = new double[D * 6];
      flow.sampleAndLogProb(theta, 0, RandomStream.of(2), null, z, new double[6], 6, ws);
      double[] frozen = new double[6];
      flow.logProb(p, 0, z, null, frozen, 6, ws);
      double[] logp = new double[6];
      target.logDensity(z, 6, logp);
      double s = 0;
      for (int i = 0; i < 6; i++) {
        s += frozen[i] - logp[i];
      }
      return s / 6;
    }, p));

    ImportanceWeightedElboLoss iw = ImportanceWeightedElboLoss.of(flow, target, 3);
    iw.valueAndGradient(p, null, 2, RandomStream.of(3), grad);
    check(name + " IW-ELBO", grad, FiniteDifference.gradient(q -> iw.valueAndGradient(q, null, 2, RandomStream.of(3), null), p));

    double[] x = new double[D * 5];
    RandomStream rng = RandomStream.of(4);
    for (int k = 0; k < x.length; k++) {
      x[k] = 1.3 * rng.nextGaussian();
    }
    MaximumLikelihoodLoss ml = MaximumLikelihoodLoss.of(flow, x, null, 5);
    int[] rows = ml.allRows();
    ml.valueAndGradient(p, rows, 5, null, grad);
    check(name + " ML", grad, FiniteDifference.gradient(q -> ml.valueAndGradient(q, rows, 5, null, null), p));
  }
}
