package dev.flowvi.validation.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.random.RandomStream;
import org.junit.jupiter.api.Test;

class EffectiveSampleSizeTest {

  /**
   * Known answer: an AR(1) chain x_t = φ x_{t−1} + e_t has τ = (1 + φ)/(1 − φ). For n = 20000 the
   * Geyer estimate's relative sd is about sqrt(2·(2M + 1)/n) with truncation lag M ≈ 3τ, i.e. ≈ 5%
   * for φ = 0.5 and ≈ 10% for φ = 0.9; the bands 20% and 35% are over 3.5 sd.
   */
  @Test
  void recoversTheAutocorrelationTimeOfAnAr1Chain() {
    double[][] cases = {{0.0, 0.15}, {0.5, 0.2}, {0.9, 0.35}};
    for (double[] c : cases) {
      double phi = c[0];
      RandomStream rng = RandomStream.of(17);
      int n = 20000;
      double[] x = new double[n];
      double prev = rng.nextGaussian() / Math.sqrt(1 - phi * phi);
      for (int t = 0; t < n; t++) {
        prev = phi * prev + rng.nextGaussian();
        x[t] = prev;
      }
      double expected = n * (1 - phi) / (1 + phi);
      assertEquals(expected, EffectiveSampleSize.of(x), c[1] * expected, "ESS for phi = " + phi);
    }
  }

  @Test
  void antitheticChainIsCappedAtNLog10N() {
    double[] x = new double[1000];
    for (int t = 0; t < x.length; t++) {
      x[t] = t % 2 == 0 ? 1 : -1;
    }
    // ρ_t = (−1)^t (n − t)/n: every pair sum Γ_k is 1/n, so τ = −1 + 2·500/n = 0 and the raw ESS
    // is infinite; the cap n·log10(n) = 3000 holds it.
    assertEquals(3000.0, EffectiveSampleSize.of(x), 1e-9);
  }

  @Test
  void constantChainHasNoEss() {
    assertTrue(Double.isNaN(EffectiveSampleSize.of(new double[] {2, 2, 2, 2, 2})));
  }

  @Test
  void batchIsPerCoordinate() {
    double[] x = {1, 2, 3, 4, 5, 6, 7, 8, 5, 1, 4, 2, 8, 3, 7, 6};
    double[] ess = EffectiveSampleSize.ofBatch(x, 2, 8);
    assertEquals(EffectiveSampleSize.of(x, 0, 8), ess[0], 0.0);
    assertEquals(EffectiveSampleSize.of(x, 8, 8), ess[1], 0.0);
  }

  @Test
  void badInputIsRejectedWithItsName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EffectiveSampleSize.of(new double[3]));
    assertTrue(e.getMessage().contains("n is 3"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> EffectiveSampleSize.of(new double[] {1, 2, Double.NaN, 4}));
    assertTrue(e.getMessage().contains("chain[2] is NaN"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> EffectiveSampleSize.ofBatch(new double[7], 2, 4));
    assertTrue(e.getMessage().contains("draws has length 7"), e.getMessage());
  }
}
