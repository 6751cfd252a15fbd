package dev.flowvi.engine.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.bijection.RationalQuadraticSpline;
import dev.flowvi.engine.distribution.StandardNormal;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.flow.Flows;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.target.LogDensity;
import java.util.List;
import org.junit.jupiter.api.Test;

class GaussianStartTest {
  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

  /** log Z + log N(u; μ, L Lᵀ), with ε = L⁻¹(u − μ) by forward substitution; batched feature-major. */
  private static LogDensity gaussian(double[] mu, double[][] l, double logZ) {
    return gaussian(mu, l, logZ, Double.POSITIVE_INFINITY, 0);
  }

  /** As {@link #gaussian(double[], double[][], double)}, but {@code unscored} wherever u_0 > {@code above}. */
  private static LogDensity gaussian(double[] mu, double[][] l, double logZ, double above, double unscored) {
    int dim = mu.length;
    return new LogDensity() {
      @Override
      public int dim() {
        return dim;
      }

      @Override
      public void logDensity(double[] z, int n, double[] out) {
        for (int i = 0; i < n; i++) {
          if (z[i] > above) {
            out[i] = unscored;
            continue;
          }
          double[] eps = new double[dim];
          double q = 0;
          double logDet = 0;
          for (int r = 0; r < dim; r++) {
            double v = z[r * n + i] - mu[r];
            for (int c = 0; c < r; c++) {
              v -= l[r][c] * eps[c];
            }
            eps[r] = v / l[r][r];
            q += eps[r] * eps[r];
            logDet += Math.log(l[r][r]);
          }
          out[i] = logZ - 0.5 * q - logDet - dim * HALF_LOG_TWO_PI;
        }
      }

      @Override
      public void logDensityAndGradient(double[] z, int n, double[] logp, double[] grad) {
        throw new UnsupportedOperationException("the ELBO of a start needs no gradient");
      }
    };
  }

  private static final double[] MU = {1.5, -2.0, 0.25};
  private static final double[][] L = {{0.5, 0, 0}, {0.3, 2.0, 0}, {-0.1, 0.4, 0.05}};

  /**
   * q equal to the normalised target times Z: every draw has log p̃ − log q = log Z, so the
   * estimate is log Z up to the rounding of the two log densities (a few ulps of terms near 10).
   */
  @Test
  void aStartEqualToTheTargetHasElboLogZForEveryDraw() {
    double logZ = -7.25;
    double elbo = GaussianStart.of(MU, L).elbo(gaussian(MU, L, logZ), 1000, RandomStream.of(3));
    assertEquals(logZ, elbo, 1e-12);
  }

  /**
   * The standard normal against N(μ, Σ) times Z: ELBO = log Z − KL(q‖p) with
   * KL = ½[tr(P) + μᵀPμ − d + log det Σ], P = Σ⁻¹. Per draw, log p̃ − log q = const − ½ uᵀAu + bᵀu
   * with A = P − I and b = Pμ, whose variance under u ~ N(0, I) is ½ tr(A²) + |b|². The bound is 5
   * standard errors of the mean of n draws.
   */
  @Test
  void theStandardNormalsElboMatchesTheClosedFormKl() {
    double logZ = 3.0;
    int d = 3;
    double[][] sigma = new double[d][d];
    for (int a = 0; a < d; a++) {
      for (int b = 0; b < d; b++) {
        for (int k = 0; k < d; k++) {
          sigma[a][b] += L[a][k] * L[b][k];
        }
      }
    }
    double[][] p = LaplaceApproximationTest.invert(sigma);
    double trace = 0;
    double quad = 0;
    double logDetSigma = 0;
    for (int a = 0; a < d; a++) {
      trace += p[a][a];
      logDetSigma += 2 * Math.log(L[a][a]);
      for (int b = 0; b < d; b++) {
        quad += MU[a] * p[a][b] * MU[b];
      }
    }
    double kl = 0.5 * (trace + quad - d + logDetSigma);
    double trA2 = 0;
    double b2 = 0;
    for (int a = 0; a < d; a++) {
      double bA = 0;
      for (int b = 0; b < d; b++) {
        double aab = p[a][b] - (a == b ? 1 : 0);
        trA2 += aab * aab;
        bA += p[a][b] * MU[b];
      }
      b2 += bA * bA;
    }
    int n = 200_000;
    double se = Math.sqrt((0.5 * trA2 + b2) / n);
    double elbo = GaussianStart.standardNormal(d).elbo(gaussian(MU, L, logZ), n, RandomStream.of(11));
    assertEquals(logZ - kl, elbo, 5 * se, "KL " + kl + ", standard error " + se);
  }

  @Test
  void aDrawTheTargetCannotScoreMakesTheElboMinusInfinity() {
    GaussianStart q = GaussianStart.standardNormal(3);
    // u_0 > 2 has probability 2.3 % per draw: 500 draws all miss it with probability 1e-5.
    double[] unscored = {Double.NEGATIVE_INFINITY, Double.NaN};
    for (double v : unscored) {
      assertEquals(Double.NEGATIVE_INFINITY, q.elbo(gaussian(MU, L, 0, 2, v), 500, RandomStream.of(5)), "log p " + v);
    }
    assertTrue(q.elbo(gaussian(MU, L, 0), 500, RandomStream.of(5)) > Double.NEGATIVE_INFINITY);
  }

  @Test
  void startsWithStreamsOfOneSeedShareTheirDraws() {
    LogDensity target = gaussian(MU, L, 0);
    GaussianStart q = GaussianStart.of(MU, L);
    assertEquals(q.elbo(target, 64, RandomStream.of(9)), q.elbo(target, 64, RandomStream.of(9)));
    GaussianStart laplace = GaussianStart.laplace(LaplaceApproximation.at(LaplaceApproximationTest.quadratic(MU, new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}), MU));
    assertArrayEquals(MU, laplace.mean());
    assertEquals(1.0, laplace.lower()[1][1], 1e-6, "the Laplace approximation of exp(−|u − μ|²/2) is N(μ, I)");
  }

  /**
   * A factory's flow starts as the identity, so the standardised flow at its initial parameters is
   * the start itself: against the same Gaussian times Z every draw has log p̃ − log q = log Z, up
   * to the rounding of the two log densities, for a spline flow as for an affine one.
   */
  @Test
  void aStandardisedFlowStartsAtTheStart() {
    double logZ = 1.75;
    LogDensity target = gaussian(MU, L, logZ);
    for (TransformedDistribution flow : List.of(
        Flows.maskedAutoregressive(StandardNormal.of(3)).seed(1).build(),
        Flows.coupling(StandardNormal.of(3)).transformer(RationalQuadraticSpline.of(8, 4.0)).seed(1).build())) {
      TransformedDistribution q = GaussianStart.of(MU, L).standardise(flow);
      assertEquals(flow.parameterCount() + 9, q.parameterCount(), "the frozen map's 3 + 6 values");
      int n = 200;
      double[] u = new double[3 * n];
      double[] logq = new double[n];
      q.sampleAndLogProb(q.initialParameters(2), 0, RandomStream.of(4), null, u, logq, n, q.newWorkspace(n));
      double[] logp = new double[n];
      target.logDensity(u, n, logp);
      for (int i = 0; i < n; i++) {
        assertEquals(logZ, logp[i] - logq[i], 1e-12, "draw " + i);
      }
    }
    assertMessage(() -> GaussianStart.standardNormal(2).standardise(Flows.maskedAutoregressive(StandardNormal.of(3)).build()),
        "flow has dimension 3, expected 2");
  }

  @Test
  void badStartsAreNamed() {
    assertMessage(() -> GaussianStart.of(new double[] {0, 0}, new double[][] {{1, 0}}), "lower has 1 rows, expected 2");
    assertMessage(() -> GaussianStart.of(new double[] {0, 0}, new double[][] {{1, 0.5}, {0, 1}}), "lower[0][1] is 0.5, above the diagonal");
    assertMessage(() -> GaussianStart.of(new double[] {0, 0}, new double[][] {{1, 0}, {0, 0}}), "lower[1][1] is 0.0, expected a positive diagonal");
    assertMessage(() -> GaussianStart.of(new double[] {0, Double.NaN}, new double[][] {{1, 0}, {0, 1}}), "mean[1] is NaN");
    assertMessage(() -> GaussianStart.standardNormal(2).elbo(gaussian(MU, L, 0), 10, RandomStream.of(1)),
        "target has dimension 3, expected 2");
    assertMessage(() -> GaussianStart.standardNormal(3).elbo(gaussian(MU, L, 0), 0, RandomStream.of(1)), "draws is 0");
  }

  private static void assertMessage(Runnable r, String fragment) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
