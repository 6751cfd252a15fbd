package dev.flowvi.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.random.RandomStream;
import org.junit.jupiter.api.Test;

/** Maximum likelihood with conditioning inputs: gradients, recovery and shape checks. */
class ConditionalMaximumLikelihoodTest {
  private static final int D = 2;
  private static final int C = 3;
  private static final double[][] W = {{0.5, -1.0, 0.2}, {1.5, 0.0, -0.7}};
  private static final double[] SCALE = {0.4, 1.3};

  /** y = SCALE ⊙ ε + W c with c ~ N(0, I): the conditional flow family contains the truth. */
  private static double[][] data(int rows, long seed) {
    RandomStream rng = RandomStream.of(seed);
    double[] x = new double[D * rows];
    double[] cond = new double[C * rows];
    for (int i = 0; i < rows; i++) {
      for (int k = 0; k < C; k++) {
        cond[k * rows + i] = rng.nextGaussian();
      }
      for (int j = 0; j < D; j++) {
        double v = SCALE[j] * rng.nextGaussian();
        for (int k = 0; k < C; k++) {
          v += W[j][k] * cond[k * rows + i];
        }
        x[j * rows + i] = v;
      }
    }
    return new double[][] {x, cond};
  }

  private static TransformedDistribution flow() {
    return TransformedDistribution.of(TestNormal.standard(D), new TestConditionalShift(D, C));
  }

  @Test
  void gradientWithConditioningMatchesFiniteDifferences() {
    double[][] xc = data(15, 1);
    MaximumLikelihoodLoss loss = MaximumLikelihoodLoss.of(flow(), xc[0], xc[1], 15);
    double[] p = LossGradientTest.randomParams(flow(), 2);
    double[] grad = new double[p.length];
    int[] all = loss.allRows();
    loss.valueAndGradient(p, all, 15, null, grad);
    LossGradientTest.assertGradientsAgree("conditional ML", grad, FiniteDifference.gradient(q -> loss.valueAndGradient(q, all, 15, null, null), p));
  }

  /**
   * 1000 rows; the MLE of W_jk has standard error ≈ SCALE_j/√900 (c has unit variance), and of
   * log SCALE_j ≈ 1/√1800. Required within 5 standard errors.
   */
  @Test
  void fitToDataRecoversTheConditionalDensity() {
    double[][] xc = data(1000, 3);
    TrainerConfig config = TrainerConfig.builder().seed(1).schedule(Schedule.constant(3e-2, 1)).maxEpochs(40).build();
    TrainingResult r = Trainer.of(config).fitToData(flow(), xc[0], xc[1], 1000, flow().initialParameters(0));
    double[] p = r.params();
    for (int j = 0; j < D; j++) {
      assertEquals(Math.log(SCALE[j]), p[j], 5 / Math.sqrt(1800), "log scale " + j);
      for (int k = 0; k < C; k++) {
        assertEquals(W[j][k], p[D + j * C + k], 5 * SCALE[j] / Math.sqrt(900), "W " + j + "," + k);
      }
    }
  }

  @Test
  void conditioningOfTheWrongShapeIsRejected() {
    double[][] xc = data(10, 1);
    Trainer trainer = Trainer.of(TrainerConfig.builder().build());
    IllegalArgumentException shortCond = assertThrows(IllegalArgumentException.class,
        () -> trainer.fitToData(flow(), xc[0], new double[C * 10 - 2], 10, flow().initialParameters(0)));
    assertTrue(shortCond.getMessage().startsWith("cond (3 conditioning coordinates × 10 rows, feature-major) has length 28"), shortCond.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> trainer.fitToData(flow(), xc[0], null, 10, flow().initialParameters(0)));
    assertTrue(missing.getMessage().contains("null"), missing.getMessage());
    IllegalArgumentException elbo = assertThrows(IllegalArgumentException.class,
        () -> ElboLoss.of(flow(), LossGradientTest.target(D), true));
    assertTrue(elbo.getMessage().contains("conditionDim 3"), elbo.getMessage());
  }
}
