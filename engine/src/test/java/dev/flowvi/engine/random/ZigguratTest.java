package dev.flowvi.engine.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Distribution checks of the ziggurat normal sampler, each with its stated false-failure rate. */
class ZigguratTest {
  static final double[] NORMAL_DECILES = {
    -1.2815515655446004, -0.8416212335729142, -0.5244005127080408, -0.2533471031357998, 0.0,
    0.2533471031357998, 0.5244005127080408, 0.8416212335729142, 1.2815515655446004
  };
  /** The ziggurat's tail start R (Doornik 2005, 128 layers). */
  private static final double R = 3.442619855899;
  /** Upper-tail probabilities P(Z &gt; t) for t = R, 3.7, 4, 4.5 (mpmath, 30 digits). */
  private static final double[] UPPER_TAIL = {
    2.88054256195820237e-4, 1.07799733477388261e-4, 3.16712418331199213e-5, 3.39767312473006040e-6
  };

  @Test
  void decilesOfTheStandardNormal() {
    RandomStream rng = RandomStream.of(20260601L);
    RepeatedChiSquare.assertDeciles("ziggurat deciles", rng::nextGaussian, NORMAL_DECILES);
  }

  /**
   * 82 bins of width 0.1 over [−4, 4] plus the two tails, fine enough to see a wrong layer edge
   * or wedge test. Probabilities integrate φ by Simpson's rule (step 1e-4, error below 1e-15).
   * 10 runs of 400,000 draws, at most 2 failing: false-failure rate P(Bin(10, 0.01) ≥ 3) ≈ 1.1e-4.
   */
  @Test
  void fineBinsAcrossTheBody() {
    int inner = 81;
    double[] edges = new double[inner];
    for (int k = 0; k < inner; k++) {
      edges[k] = -4.0 + 0.1 * k;
    }
    double[] p = new double[inner + 1];
    p[0] = UPPER_TAIL[2];
    p[inner] = UPPER_TAIL[2];
    for (int k = 1; k < inner; k++) {
      p[k] = simpsonNormal(edges[k - 1], edges[k]);
    }
    RandomStream rng = RandomStream.of(7L);
    RepeatedChiSquare.assertFits("ziggurat fine bins", rng::nextGaussian, edges, p, 113.51241047036055, 10, 400_000, 2);
  }

  /**
   * |Z| binned at R, 3.7, 4 and 4.5: the tail beyond R comes from Marsaglia's exact tail sampler,
   * the rest from the layers. 5 runs of 4,000,000 draws (about 2,300 beyond R each), at most 1
   * failing at the 1% level (χ²₄ 99% point 13.2767): false-failure rate ≈ 9.8e-4.
   */
  @Test
  void tailBeyondR() {
    double[] edges = {R, 3.7, 4.0, 4.5};
    double[] p = new double[5];
    p[0] = 1 - 2 * UPPER_TAIL[0];
    for (int k = 1; k < 4; k++) {
      p[k] = 2 * (UPPER_TAIL[k - 1] - UPPER_TAIL[k]);
    }
    p[4] = 2 * UPPER_TAIL[3];
    RandomStream rng = RandomStream.of(99L);
    RepeatedChiSquare.assertFits("ziggurat |Z| tail bins", () -> Math.abs(rng.nextGaussian()), edges, p, 13.276704135987625, 5, 4_000_000, 1);
  }

  /**
   * The tail sign comes from the sign of u: beyond R the two sides must be balanced. With about
   * 11,500 tail draws in 2e7, the count of positive ones is Binomial(m, ½); |z| &lt; 4.5 has
   * false-failure rate 6.8e-6.
   */
  @Test
  void tailsAreSymmetric() {
    RandomStream rng = RandomStream.of(3L);
    long positive = 0;
    long tail = 0;
    for (int k = 0; k < 20_000_000; k++) {
      double z = rng.nextGaussian();
      if (Math.abs(z) > R) {
        tail++;
        if (z > 0) {
          positive++;
        }
      }
    }
    double zScore = (positive - 0.5 * tail) / Math.sqrt(0.25 * tail);
    assertTrue(Math.abs(zScore) < 4.5, "tail draws " + tail + ", positive " + positive + ", z " + zScore);
    // Expected 2·P(Z > R)·2e7 = 11,522 with sd 107: a lost or doubled tail branch is far outside.
    assertTrue(Math.abs(tail - 2 * UPPER_TAIL[0] * 2e7) < 4.5 * Math.sqrt(2 * UPPER_TAIL[0] * 2e7), "tail count " + tail);
  }

  @Test
  void everyDrawIsFinite() {
    RandomStream rng = RandomStream.of(11L);
    for (int k = 0; k < 1_000_000; k++) {
      double z = rng.nextGaussian();
      assertTrue(Double.isFinite(z), "draw " + k + " is " + z);
    }
  }

  @Test
  void fillGaussianMatchesRepeatedDraws() {
    double[] batch = new double[1003];
    RandomStream.of(5L).fillGaussian(batch, 2, 1000);
    RandomStream rng = RandomStream.of(5L);
    double[] one = new double[1003];
    for (int i = 0; i < 1000; i++) {
      one[2 + i] = rng.nextGaussian();
    }
    assertArrayEquals(one, batch, 0.0);
    assertEquals(0.0, batch[0]);
    assertEquals(0.0, batch[1002]);
  }

  static double simpsonNormal(double a, double b) {
    int m = (int) Math.ceil((b - a) / 1e-4);
    if (m % 2 == 1) {
      m++;
    }
    double h = (b - a) / m;
    double sum = phi(a) + phi(b);
    for (int k = 1; k < m; k++) {
      sum += (k % 2 == 1 ? 4 : 2) * phi(a + k * h);
    }
    return sum * h / 3;
  }

  private static double phi(double x) {
    return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  }
}
