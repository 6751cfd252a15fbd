package dev.flowvi.engine.diagnostics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.random.RandomStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ParetoSmoothedImportanceSamplingTest {

  /** One row of psis-golden.csv: ArviZ 0.23.4 psislw on a committed log-weight vector. */
  record Golden(String name, int draws, int tail, double khat, double sigma) {
    @Override
    public String toString() {
      return name + "-" + draws;
    }
  }

  static Stream<Golden> goldens() throws IOException {
    List<Golden> out = new ArrayList<>();
    for (String line : lines("psis-golden.csv")) {
      if (line.startsWith("name")) {
        continue;
      }
      String[] f = line.split(",");
      out.add(new Golden(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4])));
    }
    return out.stream();
  }

  private static List<String> lines(String resource) throws IOException {
    List<String> out = new ArrayList<>();
    try (InputStream in = ParetoSmoothedImportanceSamplingTest.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("missing test resource " + resource);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isBlank() && !line.startsWith("#")) {
          out.add(line);
        }
      }
    }
    return out;
  }

  /** Column {@code col} of psis-NAME-S.csv: 0 = raw log weight, 1 = ArviZ's smoothed normalised log weight. */
  private static double[] column(Golden g, int col) throws IOException {
    List<String> rows = lines("psis-" + g.name() + "-" + g.draws() + ".csv");
    double[] out = new double[rows.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Double.parseDouble(rows.get(i).split(",")[col]);
    }
    return out;
  }

  /**
   * k̂ and σ̂ agree with ArviZ to 1e-12: the formulas are the same, and only the summation order
   * (NumPy pairwise vs sequential) differs, worth about n·ε ≈ 4e-14 relative over ≤190 terms.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("goldens")
  void khatMatchesArviz(Golden g) throws IOException {
    ParetoSmoothedImportanceSampling psis = ParetoSmoothedImportanceSampling.of(column(g, 0));
    assertEquals(g.draws(), psis.draws());
    assertEquals(g.tail(), psis.tailLength());
    assertEquals(g.khat(), psis.khat(), 1e-12 * Math.abs(g.khat()), "k-hat");
    assertEquals(g.sigma(), psis.sigma(), 1e-12 * g.sigma(), "sigma");
  }

  /**
   * Smoothed normalised log weights agree with ArviZ to 1e-11 absolute: each is a log of a GPD
   * quantile plus a logsumexp over S ≤ 4000 terms, whose rounding is a few 1e-13 at most.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("goldens")
  void smoothedWeightsMatchArviz(Golden g) throws IOException {
    double[] raw = column(g, 0);
    double[] expected = column(g, 1);
    ParetoSmoothedImportanceSampling psis = ParetoSmoothedImportanceSampling.of(raw);
    double[] actual = psis.normalisedLogWeights();
    for (int i = 0; i < raw.length; i++) {
      assertEquals(expected[i], actual[i], 1e-11, "smoothed log weight " + i);
    }
    // The tail really was changed, the body was not (up to the normalising constant), and the cap holds.
    double shift = actual[0] - raw[0];
    int changed = 0;
    double[] smoothed = psis.smoothedLogWeights();
    double max = Double.NEGATIVE_INFINITY;
    for (double r : raw) {
      max = Math.max(max, r);
    }
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] > psis.cutoff()) {
        changed++;
        assertTrue(smoothed[i] <= max, "smoothed tail capped at max r");
      } else {
        assertEquals(raw[i] + shift, actual[i], 1e-11, "body log weight " + i);
      }
    }
    assertEquals(g.tail(), changed);
  }

  @Test
  void tailLengthAndThresholdFollowTheFormulas() {
    assertEquals(95, ParetoSmoothedImportanceSampling.tailLength(1000)); // 3√1000 = 94.87
    assertEquals(190, ParetoSmoothedImportanceSampling.tailLength(4000)); // 3√4000 = 189.7
    assertEquals(20, ParetoSmoothedImportanceSampling.tailLength(100)); // 0.2·100 < 3√100
    assertEquals(1 - 1 / 3.0, ParetoSmoothedImportanceSampling.khatThreshold(1000), 1e-15);
    assertEquals(0.7, ParetoSmoothedImportanceSampling.khatThreshold(1_000_000), 0.0);
    assertEquals(100.0, ParetoSmoothedImportanceSampling.minimumDraws(0.5), 1e-12);
    assertEquals(Math.pow(10, 1 / 0.3), ParetoSmoothedImportanceSampling.minimumDraws(0.7), 1e-9);
    assertEquals(Double.POSITIVE_INFINITY, ParetoSmoothedImportanceSampling.minimumDraws(1.2));
  }

  /**
   * Known answer: w = |T| for T ~ Student-t with ν degrees of freedom has a Pareto tail of index ν,
   * so k = 1/ν. With S = 20000 (tail n = 425) the Zhang–Stephens k̂ has sd ≈ (1 + k)/√n ≈ 0.065;
   * the ±0.2 band is 3 sd, a false-failure rate below 0.3% over seeds (the seed here is fixed).
   */
  @Test
  void khatRecoversTheTailIndexOfStudentT() {
    RandomStream rng = RandomStream.of(11);
    for (int nu : new int[] {2, 3, 5}) {
      double[] r = new double[20000];
      for (int s = 0; s < r.length; s++) {
        r[s] = Math.log(Math.abs(studentT(rng, nu)));
      }
      double k = ParetoSmoothedImportanceSampling.of(r).khat();
      assertEquals(1.0 / nu, k, 0.2, "k-hat for nu = " + nu);
    }
  }

  /** T = Z / sqrt(V/ν) with V ~ χ²_ν a sum of ν squared standard normals (integer ν). */
  static double studentT(RandomStream rng, int nu) {
    double v = 0;
    for (int i = 0; i < nu; i++) {
      double g = rng.nextGaussian();
      v += g * g;
    }
    return rng.nextGaussian() / Math.sqrt(v / nu);
  }

  @Test
  void equalWeightsCannotBeFittedAndStayUnsmoothed() {
    double[] r = new double[500];
    java.util.Arrays.fill(r, -3.0);
    ParetoSmoothedImportanceSampling psis = ParetoSmoothedImportanceSampling.of(r);
    assertTrue(Double.isNaN(psis.khat()));
    assertFalse(psis.reliable());
    assertEquals(0, psis.tailLength());
    assertArrayEquals(r, psis.smoothedLogWeights(), 0.0);
    assertEquals(1.0 / 500, psis.normalisedWeights()[7], 1e-15);
  }

  @Test
  void droppedDrawsKeepWeightZero() {
    RandomStream rng = RandomStream.of(3);
    double[] r = new double[2000];
    for (int s = 0; s < r.length; s++) {
      r[s] = s % 10 == 0 ? Double.NEGATIVE_INFINITY : rng.nextGaussian();
    }
    ParetoSmoothedImportanceSampling psis = ParetoSmoothedImportanceSampling.of(r);
    assertEquals(200, psis.dropped());
    assertEquals(0.0, psis.normalisedWeights()[10], 0.0);
    assertTrue(Double.isFinite(psis.khat()));
    for (int idx : psis.resampleIndices(RandomStream.of(5), 5000)) {
      assertNotEquals(0, idx % 10, "a dropped draw was resampled");
    }
  }

  /**
   * Multinomial resampling with known weights (S = 4 is too small for a tail fit, so the weights
   * stay raw): Pearson's χ² on 3 degrees of freedom stays below 27.9, its 1 − 1e-5 quantile, so a
   * correct sampler fails this with probability 1e-5 over seeds.
   */
  @Test
  void resamplingFollowsTheWeights() {
    double[] p = {0.1, 0.2, 0.3, 0.4};
    double[] r = new double[4];
    for (int i = 0; i < 4; i++) {
      r[i] = Math.log(p[i]) + 7.0;
    }
    ParetoSmoothedImportanceSampling psis = ParetoSmoothedImportanceSampling.of(r);
    int count = 100_000;
    int[] idx = psis.resampleIndices(RandomStream.of(99), count);
    int[] freq = new int[4];
    for (int i : idx) {
      freq[i]++;
    }
    double chi2 = 0;
    for (int i = 0; i < 4; i++) {
      double e = count * p[i];
      chi2 += (freq[i] - e) * (freq[i] - e) / e;
    }
    assertTrue(chi2 < 27.9, "chi-square " + chi2);
    assertArrayEquals(idx, psis.resampleIndices(RandomStream.of(99), count), "same seed, same draws");
  }

  @Test
  void resampledDrawsKeepCoordinatesTogether() {
    double[] r = {0.0, 1.0, 2.0};
    double[] z = {10, 11, 12, 20, 21, 22}; // dim 2, S 3, feature-major
    ParetoSmoothedImportanceSampling psis = ParetoSmoothedImportanceSampling.of(r);
    double[] out = psis.resample(z, 2, RandomStream.of(1), 50);
    assertEquals(100, out.length);
    for (int c = 0; c < 50; c++) {
      assertEquals(out[c] + 10, out[50 + c], 0.0);
    }
  }

  @Test
  void badInputIsRejectedWithItsName() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ParetoSmoothedImportanceSampling.of(new double[] {0, Double.NaN, 1}));
    assertTrue(e.getMessage().contains("logWeights[1] is NaN"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ParetoSmoothedImportanceSampling.of(new double[] {Double.NEGATIVE_INFINITY}));
    assertTrue(e.getMessage().contains("all -Infinity"), e.getMessage());
    ParetoSmoothedImportanceSampling ok = ParetoSmoothedImportanceSampling.of(new double[] {0, 1, 2});
    e = assertThrows(IllegalArgumentException.class, () -> ok.resampleIndices(RandomStream.of(1), 0));
    assertTrue(e.getMessage().contains("count is 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ok.resample(new double[5], 2, RandomStream.of(1), 3));
    assertTrue(e.getMessage().contains("draws has length 5"), e.getMessage());
  }
}
