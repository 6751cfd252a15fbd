package dev.flowvi.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.distribution.Normal;
import dev.flowvi.engine.distribution.StandardNormal;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.flow.Flows;
import dev.flowvi.engine.target.LogDensity;
import org.junit.jupiter.api.Test;

class RestartsTest {
  /** ½N((−4,−4), I) + ½N((4,4), I): normalised, so log Z = 0; the modes are 8 sd apart. */
  static final class TwoGaussians implements LogDensity {
    @Override
    public int dim() {
      return 2;
    }

    @Override
    public void logDensity(double[] z, int n, double[] logp) {
      logDensityAndGradient(z, n, logp, new double[2 * n]);
    }

    @Override
    public void logDensityAndGradient(double[] z, int n, double[] logp, double[] grad) {
      for (int i = 0; i < n; i++) {
        double x = z[i];
        double y = z[n + i];
        double a = -0.5 * ((x + 4) * (x + 4) + (y + 4) * (y + 4));
        double b = -0.5 * ((x - 4) * (x - 4) + (y - 4) * (y - 4));
        double top = Math.max(a, b);
        double wa = Math.exp(a - top);
        double wb = Math.exp(b - top);
        logp[i] = top + Math.log(0.5 * (wa + wb)) - Math.log(2 * Math.PI);
        double pa = wa / (wa + wb);
        grad[i] = -pa * (x + 4) - (1 - pa) * (x - 4);
        grad[n + i] = -pa * (y + 4) - (1 - pa) * (y - 4);
      }
    }
  }

  private static TrainerConfig config(long seed) {
    return TrainerConfig.builder().seed(seed).schedule(Schedule.cosine(2e-2, 1500, 1e-4)).sampleCount(32).build();
  }

  private static TransformedDistribution smallFlow() {
    // A trainable Normal base (loc can move to either mode) under one small MAF layer.
    return Flows.maskedAutoregressive(Normal.of(2, 0.0, 1.0)).layers(1).width(4)
        .direction(Flows.Direction.SAMPLING_FAST).build();
  }

  @Test
  void bimodalTargetShowsTwoModes() {
    Restarts.Report report = Restarts.run(smallFlow(), new TwoGaussians(), config(1), 8, 2000);
    assertEquals(2, report.modes().size(), report.toString());
    int total = 0;
    for (Restarts.Mode mode : report.modes()) {
      total += mode.count();
      double[] loc = mode.location();
      // Each optimum sits on one component: |mean| ≈ 4 in both coordinates, same sign.
      assertEquals(4.0, Math.abs(loc[0]), 0.5, report.toString());
      assertEquals(Math.signum(loc[0]), Math.signum(loc[1]), report.toString());
      // A fit of one component misses half the mass: log Ẑ ≈ log ½ (IS weights never see the other mode).
      assertEquals(Math.log(0.5), mode.best().logEvidence(), 0.1, report.toString());
    }
    assertEquals(8, total);
    assertTrue(report.modes().get(0).best().logEvidence() >= report.modes().get(1).best().logEvidence());
    assertEquals(report.modes().get(0).best(), report.best());
  }

  @Test
  void unimodalTargetShowsOneMode() {
    TestGaussianTarget target = new TestGaussianTarget(new double[] {1.0, -2.0}, new double[][] {{1.0, 0.5}, {0.5, 2.0}});
    Restarts.Report report = Restarts.run(smallFlow(), target, config(5), 4, 2000);
    assertEquals(1, report.modes().size(), report.toString());
    assertEquals(4, report.modes().get(0).count());
    double[] loc = report.best().means();
    // 2000 draws: the mean's Monte Carlo se is ≤ √2/√2000 ≈ 0.03; allow 0.15 for the fit's bias.
    assertEquals(1.0, loc[0], 0.15, report.toString());
    assertEquals(-2.0, loc[1], 0.15, report.toString());
    // Target normalised: log Ẑ ≈ 0.
    assertEquals(0.0, report.best().logEvidence(), 0.05, report.toString());
  }

  @Test
  void badArgumentsAreRejected() {
    TransformedDistribution flow = smallFlow();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Restarts.run(flow, new TwoGaussians(), config(1), 0, 100));
    assertTrue(e.getMessage().contains("restarts"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Restarts.run(flow, new TwoGaussians(), config(1), 2, 1));
    assertTrue(e.getMessage().contains("draws is 1"), e.getMessage());
    TransformedDistribution flow3 = Flows.planar(StandardNormal.of(3)).build();
    e = assertThrows(IllegalArgumentException.class, () -> Restarts.run(flow3, new TwoGaussians(), config(1), 2, 100));
    assertTrue(e.getMessage().contains("dim 3") && e.getMessage().contains("dim 2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Restarts.run(null, new TwoGaussians(), config(1), 2, 100));
    assertTrue(e.getMessage().contains("null"), e.getMessage());
  }
}
