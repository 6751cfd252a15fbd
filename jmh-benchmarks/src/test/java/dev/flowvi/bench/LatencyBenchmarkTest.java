package dev.flowvi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Sampling and scoring agree: log q of the drawn points, scored again through the density pass,
 * equals the log q returned with the draws (to 1e-9 relative: the sampling direction inverts the
 * autoregressive layers one coordinate at a time, and the two passes round differently), and a
 * single point scores the same alone as in a batch of 8.
 */
class LatencyBenchmarkTest {

  private static LatencyBenchmark state(int points) {
    LatencyBenchmark b = new LatencyBenchmark();
    b.points = points;
    b.setUp();
    return b;
  }

  @Test
  void drawsScoreTheirOwnLogDensity() {
    LatencyBenchmark b = state(8);
    b.sample();
    double[] drawn = b.logq.clone();
    System.arraycopy(b.z, 0, b.x, 0, b.z.length);
    b.logProb();
    for (int i = 0; i < 8; i++) {
      assertTrue(Double.isFinite(drawn[i]), "log q " + drawn[i]);
      assertEquals(drawn[i], b.logq[i], 1e-9 * Math.max(1, Math.abs(drawn[i])), "point " + i);
    }
  }

  @Test
  void onePointScoresAsInABatch() {
    LatencyBenchmark batch = state(8);
    LatencyBenchmark one = state(1);
    batch.logProb();
    for (int j = 0; j < LatencyBenchmark.DIM; j++) {
      one.x[j] = batch.x[j * 8];
    }
    double alone = one.logProb();
    assertEquals(batch.logq[0], alone, 1e-12 * Math.abs(alone));
  }

  /** The compiled flow scores the same points as the interpreted one, to the codegen bound (1e-12 relative). */
  @Test
  void compiledPathScoresAsTheInterpretedOne() {
    for (int points : new int[] {1, 8}) {
      LatencyBenchmark interpreted = state(points);
      LatencyBenchmark compiled = new LatencyBenchmark();
      compiled.points = points;
      compiled.path = "compiled";
      compiled.setUp();
      interpreted.logProb();
      compiled.logProb();
      for (int i = 0; i < points; i++) {
        assertEquals(interpreted.logq[i], compiled.logq[i], 1e-12 * Math.max(1, Math.abs(interpreted.logq[i])), "point " + i);
      }
    }
  }

  @Test
  void noPointsIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> state(0));
    assertTrue(e.getMessage().contains("points is 0"), e.getMessage());
  }
}
