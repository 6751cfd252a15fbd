package dev.flowvi.engine.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RandomStreamTest {
  private static final double[] UNIFORM_DECILES = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};

  private static long[] draws(RandomStream rng, int count) {
    long[] out = new long[count];
    for (int k = 0; k < count; k++) {
      out[k] = rng.nextLong();
    }
    return out;
  }

  @Test
  void sameSeedGivesTheSameStream() {
    assertEquals(Arrays.toString(draws(RandomStream.of(17), 100)), Arrays.toString(draws(RandomStream.of(17), 100)));
    assertNotEquals(Arrays.toString(draws(RandomStream.of(17), 100)), Arrays.toString(draws(RandomStream.of(18), 100)));
  }

  @Test
  void derivedStreamsAreReproducibleAndIgnoreDrawsAlreadyTaken() {
    RandomStream parent = RandomStream.of(2024);
    long[] fresh = draws(parent.derive(3, 5), 50);
    draws(parent, 1000); // consuming the parent must not move its derived streams
    assertEquals(Arrays.toString(fresh), Arrays.toString(draws(parent.derive(3, 5), 50)));
    assertEquals(Arrays.toString(fresh), Arrays.toString(draws(RandomStream.of(2024).derive(3, 5), 50)));
    // Derivation is hierarchical: keys given together or one level at a time agree.
    assertEquals(Arrays.toString(fresh), Arrays.toString(draws(parent.derive(3).derive(5), 50)));
    assertEquals(parent.derive(3, 5).seed(), parent.derive(3).derive(5).seed());
  }

  /** The trainer's reused chunk streams: a restart gives derive(k0, k1)'s numbers, whatever came before. */
  @Test
  void restartingAsDerivedMatchesDeriveAndForgetsEarlierDraws() {
    RandomStream parent = RandomStream.of(2024);
    RandomStream reused = RandomStream.of(9);
    for (long step = 0; step < 4; step++) {
      for (long chunk = 0; chunk < 3; chunk++) {
        draws(reused, 7);
        reused.restartAsDerived(parent, step, chunk);
        RandomStream fresh = parent.derive(step, chunk);
        assertEquals(fresh.seed(), reused.seed());
        assertEquals(Arrays.toString(draws(fresh, 20)), Arrays.toString(draws(reused, 20)), "step " + step + ", chunk " + chunk);
      }
    }
    IllegalArgumentException noParent = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> reused.restartAsDerived(null, 0, 0));
    assertEquals("parent must not be null", noParent.getMessage());
  }

  @Test
  void derivedStreamsDependOnEveryKeyAndItsPosition() {
    RandomStream parent = RandomStream.of(1);
    long[] seeds = {
      parent.seed(), parent.derive(0).seed(), parent.derive(1).seed(), parent.derive(0, 1).seed(),
      parent.derive(1, 0).seed(), parent.derive(1, 1).seed(), parent.derive(0, 0).seed(),
      RandomStream.of(2).derive(0, 1).seed(), parent.derive(-1).seed(), parent.derive(0, 1, 0).seed()
    };
    assertEquals(seeds.length, Arrays.stream(seeds).distinct().count(), Arrays.toString(seeds));
  }

  /**
   * Streams for neighbouring (step, chunk) keys must be uncorrelated with each other and with
   * their parent. For N = 20,000 independent uniforms the sample correlation r has sd 1/√N, so
   * z = r√N is about standard normal. Lag-0 correlations of the 528 pairs of 33 streams and lag-1
   * cross correlations of the 1,056 ordered pairs (which catch streams that are shifted copies of
   * each other) make 1,584 z-scores; max |z| &lt; 5.2 has false-failure rate at most
   * 1,584·P(|Z| &gt; 5.2) = 1,584·2.0e-7 ≈ 3.2e-4 (Bonferroni).
   */
  @Test
  void neighbouringDerivedStreamsAreUncorrelated() {
    int count = 20_000;
    RandomStream parent = RandomStream.of(77);
    double[][] u = new double[33][count];
    for (int s = 0; s < 32; s++) {
      RandomStream rng = parent.derive(s / 8, s % 8);
      for (int k = 0; k < count; k++) {
        u[s][k] = rng.nextDouble();
      }
    }
    for (int k = 0; k < count; k++) {
      u[32][k] = parent.nextDouble();
    }
    double worst = 0;
    String where = "";
    for (int a = 0; a < u.length; a++) {
      for (int b = 0; b < u.length; b++) {
        if (a == b) {
          continue;
        }
        for (int lag = 0; lag <= 1; lag++) {
          if (lag == 0 && b < a) {
            continue;
          }
          double z = Math.abs(correlation(u[a], u[b], lag)) * Math.sqrt(count - lag);
          if (z > worst) {
            worst = z;
            where = "streams " + a + " and " + b + " at lag " + lag;
          }
        }
      }
    }
    assertTrue(worst < 5.2, "largest correlation z-score " + worst + " between " + where);
  }

  @Test
  void shiftedCopiesWouldBeDetected() {
    // The correlation check above must be able to fail: a stream and its copy shifted by one draw.
    RandomStream a = RandomStream.of(5);
    double[] x = new double[2001];
    for (int k = 0; k < x.length; k++) {
      x[k] = a.nextDouble();
    }
    double[] shifted = Arrays.copyOfRange(x, 1, x.length);
    assertTrue(correlation(x, shifted, 1) * Math.sqrt(2000) > 40);
  }

  @Test
  void nextDoubleIsUniformOnTheUnitInterval() {
    RandomStream rng = RandomStream.of(8);
    RepeatedChiSquare.assertDeciles("nextDouble deciles", rng::nextDouble, UNIFORM_DECILES);
    RandomStream open = RandomStream.of(9);
    RepeatedChiSquare.assertDeciles("nextOpenDouble deciles", open::nextOpenDouble, UNIFORM_DECILES);
    for (int k = 0; k < 100_000; k++) {
      double v = rng.nextDouble();
      double w = open.nextOpenDouble();
      assertTrue(v >= 0 && v < 1, "nextDouble " + v);
      assertTrue(w > 0 && w < 1, "nextOpenDouble " + w);
    }
  }

  /** 7 equiprobable bins, χ²₆ 99% point 16.8119; same repeat rule as the deciles (rate 4.3e-5). */
  @Test
  void nextIntIsUniformOverItsBound() {
    RandomStream rng = RandomStream.of(10);
    double[] edges = {1, 2, 3, 4, 5, 6};
    double[] p = new double[7];
    Arrays.fill(p, 1.0 / 7);
    RepeatedChiSquare.assertFits("nextInt(7)", () -> rng.nextInt(7), edges, p, 16.811893829770927, 20, 10_000, 3);
    for (int k = 0; k < 10_000; k++) {
      int v = rng.nextInt(3);
      assertTrue(v >= 0 && v < 3);
    }
    assertEquals(0, rng.nextInt(1));
  }

  @Test
  void nextIntRejectsNonPositiveBounds() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RandomStream.of(1).nextInt(0));
    assertTrue(e.getMessage().contains("bound is 0"), e.getMessage());
  }

  @Test
  void falseFailureRatesAreWhatTheTestsState() {
    assertEquals(4.3e-5, RepeatedChiSquare.falseFailureRate(20, 3, 0.01), 0.1e-5);
    assertEquals(1.14e-4, RepeatedChiSquare.falseFailureRate(10, 2, 0.01), 0.01e-4);
    assertEquals(9.8e-4, RepeatedChiSquare.falseFailureRate(5, 1, 0.01), 0.1e-4);
  }

  static double correlation(double[] a, double[] b, int lag) {
    int n = Math.min(a.length - lag, b.length);
    double ma = 0;
    double mb = 0;
    for (int k = 0; k < n; k++) {
      ma += a[k + lag];
      mb += b[k];
    }
    ma /= n;
    mb /= n;
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int k = 0; k < n; k++) {
      double da = a[k + lag] - ma;
      double db = b[k] - mb;
      sab += da * db;
      saa += da * da;
      sbb += db * db;
    }
    return sab / Math.sqrt(saa * sbb);
  }
}
