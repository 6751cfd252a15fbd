package dev.flowvi.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.target.LogDensity;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Robustness, reproducibility, progress and argument checks of the trainer. */
class TrainerTest {
  private static final int D = 3;

  private static TransformedDistribution flow() {
    return TransformedDistribution.of(new TestNormal(D, true), new TestLowerTriangularAffine(D, false));
  }

  private static TrainerConfig.Builder quick() {
    return TrainerConfig.builder().seed(9).schedule(Schedule.constant(1e-2, 40)).sampleCount(100).chunkSize(16);
  }

  /**
   * Same seed, 1 vs 2 threads: the chunks, their streams and the reduction order are the same,
   * so the parameters are bit-identical. These test bijections use only Math.exp in scalar code,
   * so this holds on both kernel paths; flows with vector kernels are compared in FlowsTest.
   */
  @Test
  void oneAndTwoThreadsGiveBitIdenticalParameters() {
    LogDensity target = LossGradientTest.target(D);
    for (boolean stl : new boolean[] {false, true}) {
      TrainingResult one = Trainer.of(quick().stickingTheLanding(stl).threads(1).build()).fit(flow(), target, flow().initialParameters(1));
      TrainingResult two = Trainer.of(quick().stickingTheLanding(stl).threads(2).build()).fit(flow(), target, flow().initialParameters(1));
      assertArrayEquals(one.params(), two.params(), "STL " + stl);
      assertArrayEquals(one.lossHistory(), two.lossHistory());
    }
    TrainingResult otherSeed = Trainer.of(quick().seed(10).build()).fit(flow(), target, flow().initialParameters(1));
    TrainingResult one = Trainer.of(quick().build()).fit(flow(), target, flow().initialParameters(1));
    assertTrue(!java.util.Arrays.equals(one.params(), otherSeed.params()), "the seed matters");
  }

  /** A target with a hole (log p̃ = −∞ for z₀ > 1.5): those samples are dropped and counted. */
  @Test
  void samplesWithNonFiniteDensityAreDroppedAndCounted() {
    TestGaussianTarget g = new TestGaussianTarget(new double[] {0, 0, 0}, new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
    LogDensity holed = new LogDensity() {
      @Override
      public int dim() {
        return D;
      }

      @Override
      public void logDensity(double[] z, int n, double[] logp) {
        logDensityAndGradient(z, n, logp, new double[D * n]);
      }

      @Override
      public void logDensityAndGradient(double[] z, int n, double[] logp, double[] grad) {
        g.logDensityAndGradient(z, n, logp, grad);
        for (int i = 0; i < n; i++) {
          if (z[i] > 1.5) {
            logp[i] = Double.NEGATIVE_INFINITY;
            grad[i] = Double.NaN;
          }
        }
      }
    };
    List<TrainingProgress> seen = new ArrayList<>();
    TrainingResult r = Trainer.of(quick().build(), seen::add).fit(flow(), holed, flow().initialParameters(1));
    // P(z₀ > 1.5) ≈ 0.067 under the initial q = N(0, I): about 6.7 of 100 per step.
    assertTrue(r.droppedSamples() > 40 * 2, "dropped " + r.droppedSamples());
    assertEquals(0, r.skippedSteps());
    for (double v : r.params()) {
      assertTrue(Double.isFinite(v));
    }
    assertEquals(40, seen.size());
    assertEquals(r.droppedSamples(), seen.get(39).droppedSamples());
    assertEquals(39, seen.get(39).step());
    assertEquals(1e-2, seen.get(0).learningRate());
  }

  /** A deterministic quadratic loss 0.5‖θ − c‖² over one unit, failing on chosen calls. */
  private static final class QuadraticLoss implements ChunkedLoss {
    final ParameterLayout layout = ParameterLayout.builder().add("first", 2).add("second", 2).build();
    final AtomicInteger calls = new AtomicInteger();
    final java.util.function.IntPredicate fails;

    QuadraticLoss(java.util.function.IntPredicate fails) {
      this.fails = fails;
    }

    @Override
    public int parameterCount() {
      return 4;
    }

    @Override
    public ParameterLayout layout() {
      return layout;
    }

    @Override
    public Workspace newWorkspace(int capacity) {
      return Workspace.none(capacity);
    }

    @Override
    public void evaluate(double[] p, int[] rows, int from, int count, RandomStream rng, Workspace ws, double[] grad, LossTotals totals) {
      boolean bad = fails.test(calls.getAndIncrement());
      double s = 0;
      for (int k = 0; k < 4; k++) {
        double u = p[k] - (k + 1);
        s += 0.5 * u * u;
        if (grad != null) {
          grad[k] += count * u;
        }
      }
      if (bad && grad != null) {
        grad[2] = Double.POSITIVE_INFINITY;
      }
      totals.add(count * s, count, 0);
    }
  }

  /** Skipped steps leave parameters and Adam moments untouched: 10 steps with 3 bad = 7 good. */
  @Test
  void skippedStepsLeaveTheOptimiserUntouched() {
    TrainerConfig.Builder b = TrainerConfig.builder().sampleCount(1).schedule(Schedule.constant(0.1, 10));
    TrainingResult withFailures = Trainer.of(b.build()).minimise(new QuadraticLoss(c -> c == 1 || c == 4 || c == 5), new double[4]);
    TrainingResult clean = Trainer.of(b.schedule(Schedule.constant(0.1, 7)).build()).minimise(new QuadraticLoss(c -> false), new double[4]);
    assertEquals(3, withFailures.skippedSteps());
    assertEquals(10, withFailures.steps());
    assertArrayEquals(clean.params(), withFailures.params());
    assertTrue(Double.isNaN(withFailures.lossHistory()[1]));
  }

  @Test
  void repeatedFailuresThrowWithLastGoodParametersAndTheBlock() {
    TrainerConfig config = TrainerConfig.builder().sampleCount(1).schedule(Schedule.constant(0.1, 50)).maxConsecutiveFailures(3).build();
    TrainingFailedException e = assertThrows(TrainingFailedException.class,
        () -> Trainer.of(config).minimise(new QuadraticLoss(c -> c >= 5), new double[4]));
    assertEquals("second", e.block());
    assertEquals(7, e.step());
    assertTrue(e.getMessage().contains("'second'"), e.getMessage());
    TrainingResult fiveGood = Trainer.of(config.toBuilder().schedule(Schedule.constant(0.1, 5)).build()).minimise(new QuadraticLoss(c -> false), new double[4]);
    assertArrayEquals(fiveGood.params(), e.lastGoodParameters());
  }

  @Test
  void everySampleDroppedFailsWithoutABlock() {
    LogDensity nowhere = new LogDensity() {
      @Override
      public int dim() {
        return D;
      }

      @Override
      public void logDensity(double[] z, int n, double[] logp) {
        java.util.Arrays.fill(logp, 0, n, Double.NaN);
      }

      @Override
      public void logDensityAndGradient(double[] z, int n, double[] logp, double[] grad) {
        logDensity(z, n, logp);
      }
    };
    TrainingFailedException e = assertThrows(TrainingFailedException.class,
        () -> Trainer.of(quick().maxConsecutiveFailures(2).build()).fit(flow(), nowhere, flow().initialParameters(1)));
    assertNull(e.block());
    assertTrue(e.getMessage().contains("every sample was dropped"), e.getMessage());
    assertArrayEquals(flow().initialParameters(1), e.lastGoodParameters());
  }

  /** Early stopping on a plateau returns the best parameters seen, not the last ones. */
  @Test
  void plateauStopsEarlyAndKeepsTheBestParameters() {
    // Rate 3 on a quadratic overshoots and oscillates: the loss stops improving soon.
    TrainerConfig config = TrainerConfig.builder().sampleCount(1).schedule(Schedule.constant(3.0, 200)).patience(5).build();
    TrainingResult r = Trainer.of(config).minimise(new QuadraticLoss(c -> false), new double[4]);
    assertTrue(r.stoppedEarly());
    assertTrue(r.steps() < 200);
    double[] p = r.params();
    double s = 0;
    for (int k = 0; k < 4; k++) {
      s += 0.5 * (p[k] - k - 1) * (p[k] - k - 1);
    }
    assertEquals(r.bestLoss(), s, 1e-12);
    double min = Double.POSITIVE_INFINITY;
    for (double v : r.lossHistory()) {
      min = Math.min(min, v);
    }
    assertEquals(min, r.bestLoss());
    assertTrue(r.bestReturned());
    assertEquals(r.lossTrend().bestLoss(), r.bestLoss());
  }

  /**
   * With stopWhenConverged, a phase whose loss has converged hands over to the next (its rate),
   * and the last phase's convergence ends the run; the trend the result reports is the one that
   * stopped it. A loss still falling runs every step.
   */
  @Test
  void convergenceEndsEachPhaseAndThenTheRun() {
    Schedule twoPhases = Schedule.piecewiseConstant(new double[] {0.05, 0.01}, new int[] {400, 400});
    TrainerConfig config = TrainerConfig.builder().sampleCount(1).schedule(twoPhases).stopWhenConverged(true).build();
    List<Double> rates = new ArrayList<>();
    TrainingListener listener = p -> rates.add(p.learningRate());
    TrainingResult r = Trainer.of(config, listener).minimise(new QuadraticLoss(c -> false), new double[4]);
    assertTrue(r.stoppedEarly());
    assertTrue(r.steps() < 800 && r.steps() % Trainer.CONVERGENCE_CHECK_EVERY == 0, "steps " + r.steps());
    assertEquals(r.steps(), r.lossHistory().length);
    assertEquals(r.steps(), rates.size());
    int firstPhase = rates.indexOf(0.01);
    assertTrue(firstPhase > 0 && firstPhase < 400, "the first phase ended at step " + firstPhase);
    assertTrue(rates.subList(firstPhase, rates.size()).stream().allMatch(rate -> rate == 0.01));
    LossTrend trend = r.lossTrend();
    assertEquals(LossTrend.State.CONVERGED, trend.state(), trend.summary());
    assertTrue(trend.firstStep() > firstPhase, "the window that stopped the run lies in the last phase");
    double[] p = r.params();
    for (int k = 0; k < 4; k++) {
      assertEquals(k + 1, p[k], 0.05, "parameter " + k);
    }

    // Rate 1e-3 from 0 toward 1, 2, 3, 4 moves each parameter about 0.2 in 200 steps: still falling at the end.
    TrainerConfig slow = TrainerConfig.builder().sampleCount(1).schedule(Schedule.constant(1e-3, 200)).stopWhenConverged(true).build();
    TrainingResult falling = Trainer.of(slow).minimise(new QuadraticLoss(c -> false), new double[4]);
    assertEquals(200, falling.steps());
    assertTrue(!falling.stoppedEarly());
    assertEquals(LossTrend.State.IMPROVING, falling.lossTrend().state());
  }

  /** The convergence signal reads the run's own history, and knows whether the best step's parameters came back. */
  @Test
  void theLossTrendDescribesTheHistoryAndTheParametersReturned() {
    TrainerConfig plain = TrainerConfig.builder().sampleCount(1).schedule(Schedule.constant(0.05, 400)).build();
    TrainingResult last = Trainer.of(plain).minimise(new QuadraticLoss(c -> false), new double[4]);
    assertTrue(!last.bestReturned());
    // Adam at a constant rate 0.05 has long reached the minimum (loss 0 at p = 1, 2, 3, 4) by step 320:
    // what remains is its oscillation of size about the rate, far below 0.03 nats of change.
    LossTrend trend = last.lossTrend();
    assertEquals(321, trend.firstStep());
    assertEquals(LossTrend.State.CONVERGED, trend.state(), trend.summary());
    assertEquals(LossTrend.of(last.lossHistory()).change(), trend.change(), 0.0);
    TrainerConfig keepBest = TrainerConfig.builder().sampleCount(1).schedule(Schedule.constant(0.05, 400)).patience(400).build();
    assertTrue(Trainer.of(keepBest).minimise(new QuadraticLoss(c -> false), new double[4]).bestReturned());
  }

  /**
   * Maximum likelihood on 2000 draws of N(m, C) in 3-D with the Gaussian flow: the fit must
   * recover m and C within 5 standard errors of their estimators from 1800 training rows
   * (SE(m_j) = √(C_jj/1800) ≈ 0.024√C_jj; SE(C_jk) ≤ √((C_jj C_kk + C_jk²)/1800)).
   */
  @Test
  void fitToDataRecoversTheGeneratingGaussian() {
    double[] m = {1.0, -2.0, 0.5};
    double[][] c = {{1.0, 0.6, 0.2}, {0.6, 2.0, -0.3}, {0.2, -0.3, 0.5}};
    double[][] l = Linear.cholesky(c);
    int rows = 2000;
    double[] x = new double[D * rows];
    RandomStream rng = RandomStream.of(21);
    double[] e = new double[D];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < D; j++) {
        e[j] = rng.nextGaussian();
      }
      for (int j = 0; j < D; j++) {
        double v = m[j];
        for (int k = 0; k <= j; k++) {
          v += l[j][k] * e[k];
        }
        x[j * rows + i] = v;
      }
    }
    TransformedDistribution flow = TransformedDistribution.of(TestNormal.standard(D), new TestLowerTriangularAffine(D, false));
    List<Double> validation = new ArrayList<>();
    TrainingListener listener = new TrainingListener() {
      @Override
      public void onStep(TrainingProgress p) {}

      @Override
      public void onEpoch(int epoch, double trainingLoss, double validationLoss) {
        validation.add(validationLoss);
      }
    };
    TrainerConfig config = TrainerConfig.builder().seed(4).schedule(Schedule.constant(2e-2, 1)).maxEpochs(60).build();
    TrainingResult r = Trainer.of(config, listener).fitToData(flow, x, null, rows, flow.initialParameters(0));
    double[] p = r.params();
    double[] mq = VariationalRecoveryTest.mean(p, D);
    double[][] cq = VariationalRecoveryTest.covariance(p, D);
    for (int j = 0; j < D; j++) {
      assertEquals(m[j], mq[j], 5 * Math.sqrt(c[j][j] / 1800), "mean " + j);
      for (int k = 0; k < D; k++) {
        assertEquals(c[j][k], cq[j][k], 5 * Math.sqrt((c[j][j] * c[k][k] + c[j][k] * c[j][k]) / 1800), "covariance " + j + "," + k);
      }
    }
    assertEquals(r.lossHistory().length, validation.size());
    double best = Double.POSITIVE_INFINITY;
    for (double v : validation) {
      best = Math.min(best, v);
    }
    assertEquals(best, r.bestLoss(), 0.0, "the best validation loss is reported");
    assertTrue(r.bestReturned(), "fitToData hands back the best epoch's parameters");
  }

  @Test
  void badInputIsRejected() {
    Trainer trainer = Trainer.of(quick().build());
    TestGaussianTarget twoDim = new TestGaussianTarget(new double[2], new double[][] {{1, 0}, {0, 1}});
    IllegalArgumentException dim = assertThrows(IllegalArgumentException.class, () -> trainer.fit(flow(), twoDim, flow().initialParameters(0)));
    assertTrue(dim.getMessage().contains("target has dimension 2, expected 3"), dim.getMessage());
    IllegalArgumentException samples = assertThrows(IllegalArgumentException.class, () -> TrainerConfig.builder().sampleCount(0));
    assertTrue(samples.getMessage().contains("sampleCount is 0"), samples.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TrainerConfig.builder().schedule(Schedule.piecewiseConstant(new double[] {1e-2}, new int[] {0})));
    IllegalArgumentException cond = assertThrows(IllegalArgumentException.class,
        () -> trainer.fitToData(flow(), new double[D * 10], new double[10], 10, flow().initialParameters(0)));
    assertTrue(cond.getMessage().startsWith("cond has length 10"), cond.getMessage());
    IllegalArgumentException data = assertThrows(IllegalArgumentException.class,
        () -> trainer.fitToData(flow(), new double[D * 10 - 1], null, 10, flow().initialParameters(0)));
    assertTrue(data.getMessage().startsWith("x ("), data.getMessage());
    IllegalArgumentException init = assertThrows(IllegalArgumentException.class,
        () -> trainer.fit(flow(), LossGradientTest.target(D), new double[2]));
    assertTrue(init.getMessage().startsWith("initial has length 2"), init.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TrainerConfig.builder().threads(0));
    assertThrows(IllegalArgumentException.class, () -> TrainerConfig.builder().validationFraction(1.0));
    assertThrows(IllegalArgumentException.class, () -> TrainerConfig.builder().clipNorm(-1));
  }
}
