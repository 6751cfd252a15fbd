package dev.flowvi.engine.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.flow.Flows;
import dev.flowvi.engine.flow.Flows.Direction;
import dev.flowvi.engine.nn.Activation;
import dev.flowvi.engine.random.RandomStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Why sticking the landing (STL) diverges for a sampling-fast masked autoregressive flow with ReLU
 * conditioners and the 0.01 scale floor on the banana, while the plain estimator converges.
 *
 * <p>Not a bug: the frozen score ∇θ log q_θ(z) is exact at the worst draws (it matches central
 * differences once h is small enough to stay inside one ReLU region) and the inverse recovers ε to
 * rounding amplified by the map's conditioning. The STL estimator is heavy-tailed here: its
 * per-draw term (∂z/∂θ)ᵀ∇z log q runs ∇z log q through g⁻¹, whose Jacobian grows like 1/s when
 * scales sit near the floor and ReLU slopes are unbounded. A few STL steps carve a density spike
 * (log q ≈ 11 at ε ≈ (0, −3.5) on our runs), where per-draw scores reach 1e9 against a median
 * near 70; the Adam steps that follow chase those draws. Global-norm clipping does not help (the
 * direction, not the length, is wrong); tanh conditioners, the density-fast direction and the
 * soft-clamped scales all keep STL stable; a Student-t(5) base does not (seen −ELBO 2.5e5).
 */
class StickingTheLandingTailsTest {
  private static final int STEPS = 400;
  private static final double BOUND = 0.05;

  private static TransformedDistribution reluSamplingFast() {
    return Flows.maskedAutoregressive(TestNormal.standard(2)).direction(Direction.SAMPLING_FAST).build();
  }

  /**
   * After 20 unclipped STL steps, the score norms over 4,000 draws from q have a tail at least
   * 1,000 times their median (seen: about 1e7 to 1e8 times, against 27 at the initial parameters).
   * At the heaviest draw ε' = g⁻¹(g(ε)) is within 1e-6 of ε (seen 2e-9: rounding times a
   * condition number near 1e9), and the largest score component agrees with central differences
   * of log q in θ at fixed z to 1e-4 relative for some h in 1e-8…1e-13: large h cross ReLU kinks
   * and disagree by orders of magnitude (seen 1.9e14 at h = 1e-6 against 2.77e9), which is what
   * made the scores look wrong.
   */
  @Test
  void heavyScoresAreExactAtTheWorstDraws() {
    TransformedDistribution flow = reluSamplingFast();
    double[] p = spikyParameters(flow);

    int n = 4000;
    double[] z = new double[2 * n];
    double[] logq = new double[n];
    TransformedDistribution.Scratch batch = flow.newWorkspace(n);
    flow.sampleAndLogProb(p, 0, RandomStream.of(7), null, z, logq, n, batch);
    double[] eps = batch.eps().clone();
    TransformedDistribution.Scratch one = flow.newWorkspace(1);
    double[] norms = new double[n];
    int worst = 0;
    for (int i = 0; i < n; i++) {
      norms[i] = norm(score(flow, p, point(z, n, i), one));
      if (norms[i] > norms[worst]) {
        worst = i;
      }
    }
    double[] sorted = norms.clone();
    Arrays.sort(sorted);
    double median = sorted[n / 2];
    assertTrue(norms[worst] > 1e3 * median, "max score norm " + norms[worst] + " vs median " + median);

    double[] zw = point(z, n, worst);
    double[] g = score(flow, p, zw, one);
    double[] recovered = one.eps();
    double epsError = Math.max(Math.abs(recovered[0] - eps[worst]), Math.abs(recovered[1] - eps[n + worst]));
    assertTrue(epsError < 1e-6, "|eps' - eps| = " + epsError);

    int k = 0;
    for (int j = 0; j < g.length; j++) {
      if (Math.abs(g[j]) > Math.abs(g[k])) {
        k = j;
      }
    }
    double best = Double.POSITIVE_INFINITY;
    StringBuilder seen = new StringBuilder();
    for (double h = 1e-8; h >= 1e-13; h /= 10) {
      double fd = (logProb(flow, p, k, h, zw, one) - logProb(flow, p, k, -h, zw, one)) / (2 * h);
      best = Math.min(best, Math.abs(fd - g[k]) / Math.abs(g[k]));
      seen.append(" h=").append(h).append(": ").append(fd);
    }
    assertTrue(best < 1e-4, "score component " + k + " analytic " + g[k] + ", central differences" + seen);
  }

  /**
   * At the same spiky parameters, the STL gradient of a 256-draw batch (z drawn with live θ,
   * scored through g⁻¹ with θ frozen) against central differences of Σ log q_θ₀(g_θ(ε)) −
   * log p̃(g_θ(ε)) along a random direction, ε held fixed: the right parameters and the right z
   * are frozen. Agreement to 1e-5 relative is required for some h in 1e-8…1e-10 (seen 6e-8 at
   * h = 1e-9 and 1e-10; h = 1e-6 is off by 1% because of ReLU kinks).
   */
  @Test
  void stickingTheLandingGradientIsExactAtTheSpikyParameters() {
    TransformedDistribution flow = reluSamplingFast();
    double[] p = spikyParameters(flow);
    int n = 256;
    ElboLoss loss = ElboLoss.of(flow, new BananaTarget(), true);
    double[] g = new double[p.length];
    loss.evaluate(p, null, 0, n, RandomStream.of(5), loss.newWorkspace(n), g, new LossTotals());
    TransformedDistribution.Scratch ws = flow.newWorkspace(n);
    flow.sampleAndLogProb(p, 0, RandomStream.of(5), null, new double[2 * n], new double[n], n, ws);
    double[] eps = ws.eps().clone();
    RandomStream rng = RandomStream.of(3);
    double[] direction = new double[p.length];
    double analytic = 0;
    for (int k = 0; k < p.length; k++) {
      direction[k] = rng.nextGaussian();
      analytic += direction[k] * g[k];
    }
    double best = Double.POSITIVE_INFINITY;
    StringBuilder seen = new StringBuilder();
    for (double h = 1e-8; h >= 1e-10; h /= 10) {
      double fd = (frozenObjective(flow, p, eps, direction, h, ws) - frozenObjective(flow, p, eps, direction, -h, ws)) / (2 * h);
      best = Math.min(best, Math.abs(fd - analytic) / Math.abs(analytic));
      seen.append(" h=").append(h).append(": ").append(fd);
    }
    assertTrue(best < 1e-5, "directional STL gradient " + analytic + ", central differences" + seen);
  }

  /** Σ log q_θ₀(z) − log p̃(z) with z = g_{θ₀+h·d}(ε): STL's objective, θ₀ frozen in the score. */
  private static double frozenObjective(TransformedDistribution flow, double[] p, double[] eps, double[] d, double h, TransformedDistribution.Scratch ws) {
    int n = eps.length / 2;
    double[] q = p.clone();
    for (int k = 0; k < q.length; k++) {
      q[k] += h * d[k];
    }
    double[] z = new double[2 * n];
    double[] logq = new double[n];
    flow.pushForward(q, 0, eps, null, z, logq, n, ws);
    flow.logProb(p, 0, z, null, logq, n, ws);
    double[] logp = new double[n];
    new BananaTarget().logDensity(z, n, logp);
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += logq[i] - logp[i];
    }
    return sum;
  }

  /** 20 unclipped STL Adam steps at 1e-2: enough to carve the density spike. */
  private static double[] spikyParameters(TransformedDistribution flow) {
    TrainerConfig config = TrainerConfig.builder().seed(1).schedule(Schedule.constant(1e-2, 20)).sampleCount(128)
        .clipNorm(Double.POSITIVE_INFINITY).stickingTheLanding(true).build();
    return Trainer.of(config).fit(flow, new BananaTarget(), flow.initialParameters(1)).params();
  }

  /**
   * 400 cosine steps from 1e-2, 128 draws, default clip norm 10; KL(q‖p) on 20,000 fresh draws.
   * (A 1,000-step run gives the same picture with tighter fits; 400 keeps the test short.)
   * ReLU + scale floor + sampling-fast: plain ELBO below 0.05 nats (seen 0.014 on both kernel
   * paths), STL diverges above 10 nats even clipped (seen 5.7e12 vector, 3.9e11 scalar). STL is
   * stable with tanh conditioners (seen 0.022), the density-fast direction (seen 0.0044/0.0047) or
   * soft-clamped scales (seen 0.016/0.021); all three are required below 0.05 nats, a bound that
   * a diverged run misses by orders of magnitude.
   */
  @Test
  void clippingDoesNotSaveStickingTheLandingButTheMitigationsDo() {
    TransformedDistribution relu = reluSamplingFast();
    assertTrue(trainedKl(relu, false) < BOUND, "plain ELBO");
    double stlKl = trainedKl(relu, true);
    assertTrue(!(stlKl < 10), "STL with ReLU, scale floor, sampling-fast: KL " + stlKl);

    var tanh = Flows.maskedAutoregressive(TestNormal.standard(2)).direction(Direction.SAMPLING_FAST).activation(Activation.TANH).build();
    var densityFast = Flows.maskedAutoregressive(TestNormal.standard(2)).direction(Direction.DENSITY_FAST).build();
    var softClamp = Flows.maskedAutoregressive(TestNormal.standard(2)).direction(Direction.SAMPLING_FAST).softClampedScales().build();
    assertTrue(trainedKl(tanh, true) < BOUND, "STL, tanh conditioners");
    assertTrue(trainedKl(densityFast, true) < BOUND, "STL, density-fast");
    assertTrue(trainedKl(softClamp, true) < BOUND, "STL, soft-clamped scales");
  }

  private static double trainedKl(TransformedDistribution flow, boolean stl) {
    TrainerConfig config = TrainerConfig.builder().seed(1).schedule(Schedule.cosine(1e-2, STEPS, 1e-4)).sampleCount(128)
        .stickingTheLanding(stl).build();
    double[] p = Trainer.of(config).fit(flow, new BananaTarget(), flow.initialParameters(1)).params();
    int n = 20_000;
    double[] z = new double[2 * n];
    double[] logq = new double[n];
    flow.sampleAndLogProb(p, 0, RandomStream.of(99), null, z, logq, n, flow.newWorkspace(n));
    double[] logp = new double[n];
    new BananaTarget().logDensity(z, n, logp);
    double kl = 0;
    for (int i = 0; i < n; i++) {
      kl += logq[i] - logp[i];
    }
    return kl / n;
  }

  private static double[] point(double[] z, int n, int i) {
    return new double[] {z[i], z[n + i]};
  }

  /** ∇θ log q_θ(z) at one fixed z; leaves ε' = g⁻¹(z) in the workspace. */
  private static double[] score(TransformedDistribution flow, double[] p, double[] z, TransformedDistribution.Scratch ws) {
    double[] g = new double[p.length];
    flow.logProb(p, 0, z, null, new double[1], 1, ws);
    flow.logProbBackward(p, 0, z, null, new double[] {1.0}, new double[2], g, 1, ws);
    return g;
  }

  private static double logProb(TransformedDistribution flow, double[] p, int k, double h, double[] z, TransformedDistribution.Scratch ws) {
    double[] q = p.clone();
    q[k] += h;
    double[] logq = new double[1];
    flow.logProb(q, 0, z, null, logq, 1, ws);
    return logq[0];
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }
}
