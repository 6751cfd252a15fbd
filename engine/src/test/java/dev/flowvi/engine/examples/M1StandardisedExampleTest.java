package dev.flowvi.engine.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.init.LaplaceApproximation;
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.train.TrainingListener;
import dev.flowvi.engine.train.TrainingResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The seed's flow and schedule (4-knot spline MAF, 500 samples, 100 steps at 1e-2 then 200 at
 * 1e-3) on FlowVI's standardised coordinates, with the hand-written M1 density and gradient,
 * against the deterministic quadrature reference of {@link M1ExampleTest} (data seed 1).
 *
 * <p>Tolerances: 20 000 draws from q put the Monte Carlo sd of a mean at sd/√20000 ≈ 0.007 sd and of
 * an sd at about 0.5 %; what remains is the variational error of 300 noisy steps. Seen on these
 * data: training seed 0 within 0.04 sd with sds at 0.95–0.98, seed 1 within 0.04 sd and 0.94–0.99 (the
 * last 200 steps at 1e-3 jitter the scales by a few percent around the optimum, which the plain
 * ELBO reaches from the Laplace start). The bounds, 0.15 sd and 10 %, leave that room and still
 * reject the verbatim recipe's errors (sds at 0.52–0.93 of the reference, or a local mode).
 */
class M1StandardisedExampleTest {
  private static final double MEAN_TOL = 0.15;
  private static final double SD_TOL = 0.10;
  /** Cube coordinate = (constrained − lo) / width for m1, m2, c2, w1 (the prior boxes). */
  private static final double[] LO = {-10, -10, -50, 0};
  private static final double[] WIDTH = {20, 20, 100, 1};

  @ParameterizedTest
  @ValueSource(longs = {0, 1})
  void matchesTheQuadratureReference(long seed) {
    DataTable data = M1Data.generate(M1Example.DATA_SEED);
    M1LogPosterior cube = M1Example.target(data);
    double[] truthInCube = {(M1Data.M1 + 10) / 20, (M1Data.M2 + 10) / 20, (M1Data.C2 + 50) / 100, M1Data.W1};
    BoxQuadrature.Laplace start = BoxQuadrature.laplace(cube, truthInCube);
    BoxQuadrature reference = BoxQuadrature.moments(cube, start.mode, start.cholesky(), 6, 18);
    assertTrue(reference.edgeMass < 1e-6, "the box must hold the posterior: face density " + reference.edgeMass);

    M1LogPosterior target = M1StandardisedExample.target(data);
    LaplaceApproximation laplace = M1StandardisedExample.laplace(target, seed);
    assertTrue(laplace.isFullCovariance(), "M1's posterior is log-concave at its mode");
    TransformedDistribution flow = M1StandardisedExample.flow(laplace, seed);
    TrainingResult result = M1StandardisedExample.run(flow, target, seed, 2, TrainingListener.none());
    assertEquals(300, result.steps());
    assertEquals(0, result.skippedSteps());

    int n = 20_000;
    int dim = M1StandardisedExample.DIM;
    double[] u = new double[dim * n];
    flow.sampleAndLogProb(result.params(), 0, RandomStream.of(11), null, u, new double[n], n, flow.newWorkspace(n));
    double[] sum = new double[dim];
    double[] sumSq = new double[dim];
    double[] point = new double[dim];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < dim; j++) {
        point[j] = u[j * n + i];
      }
      double[] c = target.constrain(point);
      for (int j = 0; j < dim; j++) {
        double x = (c[j] - LO[j]) / WIDTH[j];
        sum[j] += x;
        sumSq[j] += x * x;
      }
    }
    StringBuilder seen = new StringBuilder();
    for (int j = 0; j < dim; j++) {
      double mean = sum[j] / n;
      double sd = Math.sqrt((sumSq[j] - n * mean * mean) / (n - 1));
      double sdRef = Math.sqrt(reference.covariance[j][j]);
      seen.append(String.format(java.util.Locale.ROOT, " %s: %.2f sd off, sd ratio %.3f;",
          cube.coordinateNames()[j], (mean - reference.mean[j]) / sdRef, sd / sdRef));
    }
    System.out.println("M1 standardised recipe, training seed " + seed + ":" + seen);
    for (int j = 0; j < dim; j++) {
      double mean = sum[j] / n;
      double sd = Math.sqrt((sumSq[j] - n * mean * mean) / (n - 1));
      double sdRef = Math.sqrt(reference.covariance[j][j]);
      assertEquals(reference.mean[j], mean, MEAN_TOL * sdRef, "mean of " + cube.coordinateNames()[j] + ":" + seen);
      assertEquals(sdRef, sd, SD_TOL * sdRef, "sd of " + cube.coordinateNames()[j] + ":" + seen);
    }
  }
}
