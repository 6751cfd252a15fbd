package dev.flowvi.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.target.LogDensity;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every loss's analytic gradient against central finite differences of its own value, at random
 * parameters, with the random draws held fixed by the seed (so the loss is a smooth deterministic
 * function of θ). Tolerance 1e-6·(1 + |g|): central differences with h = cbrt(ε) leave a relative
 * error near 1e-10 for these smooth, O(1)-scaled functions; 1e-6 leaves four orders of margin yet
 * catches any missing or mis-signed term, which are O(1).
 */
class LossGradientTest {
  private static final double TOL = 1e-6;

  static Stream<Arguments> flows() {
    return Stream.of(
        Arguments.of("diagonal affine, standard base", TransformedDistribution.of(TestNormal.standard(3), new TestLowerTriangularAffine(3, true))),
        Arguments.of("triangular affine, standard base", TransformedDistribution.of(TestNormal.standard(3), new TestLowerTriangularAffine(3, false))),
        Arguments.of("triangular affine, learnable base", TransformedDistribution.of(new TestNormal(3, true), new TestLowerTriangularAffine(3, false))));
  }

  /** A non-Gaussian target so that no term vanishes: a correlated Gaussian plus a quartic ridge. */
  static LogDensity target(int d) {
    double[] mean = new double[d];
    double[][] cov = new double[d][d];
    for (int i = 0; i < d; i++) {
      mean[i] = 0.3 * i - 0.2;
      for (int j = 0; j < d; j++) {
        cov[i][j] = i == j ? 1.0 + 0.2 * i : 0.4 / (1 + Math.abs(i - j));
      }
    }
    TestGaussianTarget g = new TestGaussianTarget(mean, cov);
    return new LogDensity() {
      @Override
      public int dim() {
        return d;
      }

      @Override
      public void logDensity(double[] z, int n, double[] logp) {
        logDensityAndGradient(z, n, logp, new double[d * n]);
      }

      @Override
      public void logDensityAndGradient(double[] z, int n, double[] logp, double[] grad) {
        g.logDensityAndGradient(z, n, logp, grad);
        for (int i = 0; i < n; i++) {
          double a = z[i] * z[n + i];
          logp[i] -= 0.05 * a * a;
          grad[i] -= 0.1 * a * z[n + i];
          grad[n + i] -= 0.1 * a * z[i];
        }
      }
    };
  }

  static double[] randomParams(TransformedDistribution flow, long seed) {
    RandomStream rng = RandomStream.of(seed);
    double[] p = new double[flow.parameterCount()];
    for (int k = 0; k < p.length; k++) {
      p[k] = 0.3 * rng.nextGaussian();
    }
    return p;
  }

  static void assertGradientsAgree(String what, double[] analytic, double[] numeric) {
    for (int k = 0; k < analytic.length; k++) {
      double err = Math.abs(analytic[k] - numeric[k]);
      assertTrue(err <= TOL * (1 + Math.abs(analytic[k])),
          what + ": component " + k + " analytic " + analytic[k] + " vs finite difference " + numeric[k]);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("flows")
  void plainElboGradientMatchesFiniteDifferences(String name, TransformedDistribution flow) {
    ElboLoss loss = ElboLoss.of(flow, target(3), false);
    double[] p = randomParams(flow, 11);
    double[] grad = new double[p.length];
    loss.valueAndGradient(p, null, 16, RandomStream.of(5), grad);
    double[] fd = FiniteDifference.gradient(q -> loss.valueAndGradient(q, null, 16, RandomStream.of(5), null), p);
    assertGradientsAgree("ELBO " + name, grad, fd);
  }

  /**
   * The STL gradient is the gradient of mean[log q_θ₀(g_θ(ε)) − log p̃(g_θ(ε))] at θ = θ₀, with
   * θ₀ frozen in the density: differentiate exactly that by finite differences.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("flows")
  void stickingTheLandingGradientMatchesFrozenScoreFiniteDifferences(String name, TransformedDistribution flow) {
    LogDensity target = target(3);
    ElboLoss loss = ElboLoss.of(flow, target, true);
    double[] p0 = randomParams(flow, 12);
    int n = 16;
    double[] grad = new double[p0.length];
    double value = loss.valueAndGradient(p0, null, n, RandomStream.of(6), grad);
    double plain = ElboLoss.of(flow, target, false).valueAndGradient(p0, null, n, RandomStream.of(6), null);
    assertEquals(plain, value, 1e-12 * Math.abs(plain), "both estimators report the same loss value");
    TransformedDistribution.Scratch ws = flow.newWorkspace(n);
    double[] fd = FiniteDifference.gradient(theta -> {
      double[] z = new double[3 * n];
      double[] logq = new double[n];
      flow.sampleAndLogProb(theta, 0, RandomStream.of(6), null, z, logq, n, ws);
      double[] frozen = new double[n];
      flow.logProb(p0, 0, z, null, frozen, n, ws);
      double[] logp = new double[n];
      target.logDensity(z, n, logp);
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += frozen[i] - logp[i];
      }
      return s / n;
    }, p0);
    assertGradientsAgree("STL " + name, grad, fd);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("flows")
  void importanceWeightedElboGradientMatchesFiniteDifferences(String name, TransformedDistribution flow) {
    ImportanceWeightedElboLoss loss = ImportanceWeightedElboLoss.of(flow, target(3), 5);
    double[] p = randomParams(flow, 13);
    double[] grad = new double[p.length];
    loss.valueAndGradient(p, null, 6, RandomStream.of(7), grad);
    double[] fd = FiniteDifference.gradient(q -> loss.valueAndGradient(q, null, 6, RandomStream.of(7), null), p);
    assertGradientsAgree("IW-ELBO " + name, grad, fd);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("flows")
  void maximumLikelihoodGradientMatchesFiniteDifferences(String name, TransformedDistribution flow) {
    int rows = 20;
    double[] x = new double[3 * rows];
    RandomStream rng = RandomStream.of(8);
    for (int k = 0; k < x.length; k++) {
      x[k] = 1.5 * rng.nextGaussian() + 0.5;
    }
    MaximumLikelihoodLoss loss = MaximumLikelihoodLoss.of(flow, x, null, rows);
    double[] p = randomParams(flow, 14);
    double[] grad = new double[p.length];
    int[] all = loss.allRows();
    loss.valueAndGradient(p, all, rows, null, grad);
    double[] fd = FiniteDifference.gradient(q -> loss.valueAndGradient(q, all, rows, null, null), p);
    assertGradientsAgree("ML " + name, grad, fd);
  }

  /** IW-ELBO with K = 1 is the plain ELBO, value and gradient, on the same draws. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("flows")
  void importanceWeightedWithOneSampleIsTheElbo(String name, TransformedDistribution flow) {
    double[] p = randomParams(flow, 15);
    double[] g1 = new double[p.length];
    double[] g2 = new double[p.length];
    double a = ImportanceWeightedElboLoss.of(flow, target(3), 1).valueAndGradient(p, null, 10, RandomStream.of(9), g1);
    double b = ElboLoss.of(flow, target(3), false).valueAndGradient(p, null, 10, RandomStream.of(9), g2);
    assertEquals(b, a, 1e-12 * Math.abs(b));
    for (int k = 0; k < p.length; k++) {
      assertEquals(g2[k], g1[k], 1e-12 * (1 + Math.abs(g2[k])), "component " + k);
    }
  }
}
