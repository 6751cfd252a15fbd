package dev.flowvi.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.random.RandomStream;
import org.junit.jupiter.api.Test;

/**
 * The flow's two directions agree with each other and with the closed form: a standard normal
 * pushed through y = Lx + t is N(t, LLᵀ). Tolerances 1e-12 relative: every path is a few dozen
 * flops of O(1) values, so round-off stays near 1e-15.
 */
class TransformedDistributionTest {
  private final TransformedDistribution flow = TransformedDistribution.of(new TestNormal(3, true), new TestLowerTriangularAffine(3, false));

  @Test
  void densityDirectionMatchesSamplingDirection() {
    double[] p = LossGradientTest.randomParams(flow, 1);
    int n = 7;
    TransformedDistribution.Scratch ws = flow.newWorkspace(n);
    double[] z = new double[3 * n];
    double[] logq = new double[n];
    flow.sampleAndLogProb(p, 0, RandomStream.of(2), null, z, logq, n, ws);
    double[] again = new double[n];
    flow.logProb(p, 0, z, null, again, n, flow.newWorkspace(n));
    for (int i = 0; i < n; i++) {
      assertEquals(logq[i], again[i], 1e-12 * Math.abs(logq[i]));
    }
  }

  @Test
  void standardNormalThroughTriangularAffineIsTheClosedFormGaussian() {
    TransformedDistribution g = TransformedDistribution.of(TestNormal.standard(3), new TestLowerTriangularAffine(3, false));
    double[] p = LossGradientTest.randomParams(g, 3);
    // L from the parameter layout [s | lower | t].
    double[][] l = {{Math.exp(p[0]), 0, 0}, {p[3], Math.exp(p[1]), 0}, {p[4], p[5], Math.exp(p[2])}};
    double[][] cov = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 3; k++) {
          cov[i][j] += l[i][k] * l[j][k];
        }
      }
    }
    TestGaussianTarget exact = new TestGaussianTarget(new double[] {p[6], p[7], p[8]}, cov);
    int n = 5;
    double[] x = new double[3 * n];
    RandomStream rng = RandomStream.of(4);
    for (int k = 0; k < x.length; k++) {
      x[k] = rng.nextGaussian();
    }
    double[] logq = new double[n];
    double[] ref = new double[n];
    g.logProb(p, 0, x, logq, n);
    exact.logDensity(x, n, ref);
    for (int i = 0; i < n; i++) {
      assertEquals(ref[i], logq[i], 1e-12 * Math.abs(ref[i]));
    }
  }

  @Test
  void densityGradientWithRespectToPointsMatchesFiniteDifferences() {
    double[] p = LossGradientTest.randomParams(flow, 5);
    int n = 4;
    double[] x = new double[3 * n];
    RandomStream rng = RandomStream.of(6);
    for (int k = 0; k < x.length; k++) {
      x[k] = rng.nextGaussian();
    }
    double[] w = {0.3, -1.2, 0.7, 2.0};
    double[] gradX = new double[3 * n];
    flow.logProbBackward(p, 0, x, w, gradX, new double[p.length], n);
    double[] fd = FiniteDifference.gradient(y -> {
      double[] lq = new double[n];
      flow.logProb(p, 0, y, lq, n);
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += w[i] * lq[i];
      }
      return s;
    }, x);
    LossGradientTest.assertGradientsAgree("d log q / dx", gradX, fd);
  }

  /** The Distribution-interface sampleBackward (which inverts x first) equals the direct pass. */
  @Test
  void sampleBackwardFromPointsMatchesTheSamplingPassBackward() {
    double[] p = LossGradientTest.randomParams(flow, 7);
    int n = 6;
    TransformedDistribution.Scratch ws = flow.newWorkspace(n);
    double[] z = new double[3 * n];
    flow.sampleAndLogProb(p, 0, RandomStream.of(8), null, z, new double[n], n, ws);
    double[] gz = new double[3 * n];
    RandomStream rng = RandomStream.of(9);
    for (int k = 0; k < gz.length; k++) {
      gz[k] = rng.nextGaussian();
    }
    double[] direct = new double[p.length];
    flow.sampleAndLogProbBackward(p, 0, null, z, gz, null, direct, n, ws);
    double[] viaInterface = new double[p.length];
    flow.sampleBackward(p, 0, z, gz, viaInterface, n);
    for (int k = 0; k < p.length; k++) {
      assertEquals(direct[k], viaInterface[k], 1e-10 * (1 + Math.abs(direct[k])), "component " + k);
    }
  }

  @Test
  void layoutListsBaseThenBijectionBlocks() {
    assertEquals("base.loc", flow.layout().blocks().get(0).name());
    assertEquals("bijection.shift", flow.layout().blocks().get(flow.layout().blocks().size() - 1).name());
    assertEquals(flow.parameterCount(), flow.layout().size());
  }

  @Test
  void badInputIsRejectedWithTheArgumentNamed() {
    IllegalArgumentException dim = assertThrows(IllegalArgumentException.class,
        () -> TransformedDistribution.of(TestNormal.standard(2), new TestLowerTriangularAffine(3, true)));
    assertTrue(dim.getMessage().contains("dimension 3"), dim.getMessage());
    double[] p = flow.initialParameters(0);
    TransformedDistribution.Scratch ws = flow.newWorkspace(2);
    IllegalArgumentException cap = assertThrows(IllegalArgumentException.class,
        () -> flow.logProb(p, 0, new double[9], null, new double[3], 3, ws));
    assertTrue(cap.getMessage().contains("batch size n is 3"), cap.getMessage());
    IllegalArgumentException cond = assertThrows(IllegalArgumentException.class,
        () -> flow.logProb(p, 0, new double[6], new double[2], new double[2], 2, ws));
    assertTrue(cond.getMessage().startsWith("cond"), cond.getMessage());
    IllegalArgumentException params = assertThrows(IllegalArgumentException.class,
        () -> flow.logProb(new double[3], 0, new double[6], null, new double[2], 2, ws));
    assertTrue(params.getMessage().startsWith("params"), params.getMessage());
  }
}
