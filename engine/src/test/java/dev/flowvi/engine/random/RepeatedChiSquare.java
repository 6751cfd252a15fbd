package dev.flowvi.engine.random;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.function.DoubleSupplier;

/**
 * Repeated χ² goodness-of-fit tests for samplers, in the manner of Commons RNG: a correct sampler
 * fails a single test at the 1% level once in a hundred runs, so a suite runs the test several
 * times and allows a fixed small number of failures. The chance that a correct sampler fails the
 * whole check is then a binomial tail, P(Binomial(runs, 0.01) &gt; allowed), which {@link
 * #falseFailureRate} computes and every caller states.
 */
public final class RepeatedChiSquare {
  /** 99% point of χ² with 9 degrees of freedom (10 decile bins). */
  public static final double CHI2_9_99 = 21.665994333461924;

  private RepeatedChiSquare() {}

  /**
   * Decile test: 20 runs of 10,000 draws against the nine known deciles, at most 3 runs failing
   * at the 1% level. False-failure rate P(Bin(20, 0.01) ≥ 4) ≈ 4.3e-5.
   */
  public static void assertDeciles(String what, DoubleSupplier draw, double[] deciles) {
    double[] p = new double[10];
    Arrays.fill(p, 0.1);
    assertFits(what, draw, deciles, p, CHI2_9_99, 20, 10_000, 3);
  }

  /**
   * Bins are (−∞, e₀), [e₀, e₁), …, [e_last, ∞) with the given probabilities. Fails when more than
   * {@code allowedFailures} of {@code runs} statistics exceed {@code critical99}.
   */
  public static void assertFits(
      String what, DoubleSupplier draw, double[] innerEdges, double[] probabilities,
      double critical99, int runs, int drawsPerRun, int allowedFailures) {
    if (probabilities.length != innerEdges.length + 1) {
      throw new IllegalArgumentException("need one more probability than inner edges");
    }
    double[] statistics = new double[runs];
    int failures = 0;
    long[] counts = new long[probabilities.length];
    for (int r = 0; r < runs; r++) {
      Arrays.fill(counts, 0);
      for (int k = 0; k < drawsPerRun; k++) {
        counts[bin(innerEdges, draw.getAsDouble())]++;
      }
      double chi2 = 0;
      for (int b = 0; b < counts.length; b++) {
        double expected = drawsPerRun * probabilities[b];
        double diff = counts[b] - expected;
        chi2 += diff * diff / expected;
      }
      statistics[r] = chi2;
      if (chi2 > critical99) {
        failures++;
      }
    }
    if (failures > allowedFailures) {
      fail(what + ": " + failures + " of " + runs + " χ² tests exceeded the 99% point " + critical99
          + " (allowed " + allowedFailures + ", false-failure rate " + falseFailureRate(runs, allowedFailures, 0.01)
          + "); statistics " + Arrays.toString(statistics));
    }
  }

  static int bin(double[] innerEdges, double x) {
    int lo = 0;
    int hi = innerEdges.length;
    // number of edges ≤ x
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (innerEdges[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** P(Binomial(runs, alpha) &gt; allowed). */
  public static double falseFailureRate(int runs, int allowed, double alpha) {
    double pass = 0;
    double choose = 1;
    for (int k = 0; k <= allowed; k++) {
      if (k > 0) {
        choose = choose * (runs - k + 1) / k;
      }
      pass += choose * Math.pow(alpha, k) * Math.pow(1 - alpha, runs - k);
    }
    return 1 - pass;
  }
}
