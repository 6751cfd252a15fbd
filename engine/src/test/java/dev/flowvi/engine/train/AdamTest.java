package dev.flowvi.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
