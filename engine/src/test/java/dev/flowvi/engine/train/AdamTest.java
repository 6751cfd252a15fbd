package dev.flowvi.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.core.ParameterLayout;
import org.junit.jupiter.api.Test;

class AdamTest {
  private static ParameterLayout layout() {
    return ParameterLayout.builder().add("a", 2).add("frozen", true, 1).add("b", 1).build();
  }

  /** After bias correction the first Adam step is −rate·g/(|g| + ε) per entry (Kingma and Ba, Alg. 1). */
  @Test
  void firstStepMovesEachTrainableEntryByTheRateAgainstItsSign() {
    Adam adam = Adam.of(layout(), Double.POSITIVE_INFINITY);
    double[] p = {1, 2, 3, 4};
    double norm = adam.step(p, new double[] {0.5, -2, 7, 1e-3}, 0.1);
    assertEquals(Math.sqrt(0.25 + 4 + 1e-6), norm, 1e-15, "the norm skips frozen entries");
    assertEquals(1 - 0.1 * 0.5 / (0.5 + 1e-8), p[0], 1e-15);
    assertEquals(2 + 0.1 * 2 / (2 + 1e-8), p[1], 1e-15);
    assertEquals(3, p[2], "frozen block unchanged");
    assertEquals(4 - 0.1 * 1e-3 / (1e-3 + 1e-8), p[3], 1e-15);
  }

  /**
   * Frozen blocks at both ends and in between: Adam updates the trainable runs exactly as the
   * per-entry algorithm (written out here) does, bit for bit over five clipped steps, and leaves
   * every frozen entry as it was.
   */
  @Test
  void trainableRunsBetweenFrozenBlocksFollowThePerEntryAlgorithm() {
    ParameterLayout layout = ParameterLayout.builder().add("f0", true, 2).add("a", 5).add("f1", true, 3).add("b", 4)
        .add("f2", true, 1).build();
    boolean[] trainable = layout.trainableMask();
    int n = layout.size();
    double clip = 2.0;
    Adam adam = Adam.of(layout, clip);
    double[] p = new double[n];
    double[] ref = new double[n];
    double[] m = new double[n];
    double[] v = new double[n];
    java.util.Random rng = new java.util.Random(3);
    for (int k = 0; k < n; k++) {
      p[k] = ref[k] = rng.nextGaussian();
    }
    for (int t = 1; t <= 5; t++) {
      double[] g = new double[n];
      double sq = 0;
      for (int k = 0; k < n; k++) {
        g[k] = 3 * rng.nextGaussian();
      }
      double norm = adam.step(p, g, 0.05);
      double scale = 0;
      for (int k = 0; k < n; k++) {
        if (trainable[k]) {
          scale = Math.max(scale, Math.abs(g[k]));
        }
      }
      for (int k = 0; k < n; k++) {
        if (trainable[k]) {
          sq += (g[k] / scale) * (g[k] / scale);
        }
      }
      assertEquals(scale * Math.sqrt(sq), norm, 0.0, "norm at step " + t);
      double c = norm > clip ? clip / norm : 1.0;
      for (int k = 0; k < n; k++) {
        if (!trainable[k]) {
          continue;
        }
        double gk = g[k] * c;
        m[k] = 0.9 * m[k] + (1.0 - 0.9) * gk;
        v[k] = 0.999 * v[k] + (1.0 - 0.999) * gk * gk;
        ref[k] -= 0.05 * (m[k] / (1.0 - Math.pow(0.9, t))) / (Math.sqrt(v[k] / (1.0 - Math.pow(0.999, t))) + 1e-8);
      }
      for (int k = 0; k < n; k++) {
        assertEquals(ref[k], p[k], 0.0, "entry " + k + " at step " + t + (trainable[k] ? "" : " (frozen)"));
      }
    }
  }

  /** update is step without the returned norm: the same parameters, bit for bit, with and without clipping. */
  @Test
  void updateMovesTheParametersAsStepDoes() {
    for (double clip : new double[] {Double.POSITIVE_INFINITY, 0.5}) {
      Adam a = Adam.of(layout(), clip);
      Adam b = Adam.of(layout(), clip);
      double[] p = {1, 2, 3, 4};
      double[] q = p.clone();
      for (int t = 0; t < 4; t++) {
        double[] g = {0.5 - t, -2 + 0.3 * t, 7, 1e-3 * (t + 1)};
        a.step(p, g, 0.1);
        b.update(q, g, 0.1);
        for (int k = 0; k < p.length; k++) {
          assertEquals(p[k], q[k], 0.0, "clip " + clip + ", step " + t + ", entry " + k);
        }
      }
      assertEquals(a.updates(), b.updates());
    }
    IllegalArgumentException shortGrad = assertThrows(IllegalArgumentException.class,
        () -> Adam.of(layout(), 1.0).update(new double[4], new double[3], 0.1));
    assertTrue(shortGrad.getMessage().contains("grad"), shortGrad.getMessage());
  }

  /** Clipping scales the whole gradient; two steps then follow the clipped moments exactly. */
  @Test
  void clippingScalesTheGlobalNormBeforeTheMoments() {
    Adam clipped = Adam.of(layout(), 1.0);
    Adam manual = Adam.of(layout(), Double.POSITIVE_INFINITY);
    double[] g = {3, 4, 100, 0};
    double[] gScaled = {0.6, 0.8, 100 * 0.2, 0};
    double[] p1 = {0, 0, 0, 0};
    double[] p2 = {0, 0, 0, 0};
    assertEquals(5.0, clipped.step(p1, g, 0.01), 1e-15);
    manual.step(p2, gScaled, 0.01);
    double[] h = {-1, 0.5, 0, 2};
    clipped.step(p1, h, 0.01);
    manual.step(p2, new double[] {-1 / Math.sqrt(5.25), 0.5 / Math.sqrt(5.25), 0, 2 / Math.sqrt(5.25)}, 0.01);
    for (int k = 0; k < 4; k++) {
      assertEquals(p2[k], p1[k], 1e-15, "entry " + k);
    }
  }

  @Test
  void hugeGradientsDoNotOverflowTheNorm() {
    Adam adam = Adam.of(layout(), 1.0);
    assertEquals(Math.sqrt(2) * 1e200, adam.trainableNorm(new double[] {1e200, 1e200, 0, 0}), 1e186);
  }

  @Test
  void badSettingsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Adam.of(layout(), 0.0));
    assertThrows(IllegalArgumentException.class, () -> Adam.of(layout(), 1.0, 0.999, 1e-8, 1));
    assertThrows(IllegalArgumentException.class, () -> Adam.of(null, 1));
    Adam adam = Adam.of(layout(), 1);
    assertThrows(IllegalArgumentException.class, () -> adam.step(new double[3], new double[4], 0.1));
  }
}
