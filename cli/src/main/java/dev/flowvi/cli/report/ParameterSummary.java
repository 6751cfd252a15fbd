package dev.flowvi.cli.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One row of {@code summary.csv}: the posterior mean, standard deviation and the 5%, 50% and 95%
 * quantiles of one named parameter, from equally weighted draws.
 */
public record ParameterSummary(String parameter, double mean, double sd, double q05, double q50, double q95) {

  /** Summaries of every coordinate of a feature-major batch of n draws. */
  public static List<ParameterSummary> of(List<String> names, double[] draws, int n) {
    if (n < 2) {
      throw new IllegalArgumentException("draw count n is " + n + ", expected at least 2 for a standard deviation");
    }
    if (draws.length < (long) names.size() * n) {
      throw new IllegalArgumentException(
          "draws has length " + draws.length + ", expected " + names.size() + " parameters × " + n + " draws");
    }
    List<ParameterSummary> rows = new ArrayList<>(names.size());
    double[] sorted = new double[n];
    for (int j = 0; j < names.size(); j++) {
      System.arraycopy(draws, j * n, sorted, 0, n);
      Arrays.sort(sorted);
      // Two-pass mean and variance: accurate when the mean is large against the spread.
      double mean = 0;
      for (double v : sorted) {
        mean += v;
      }
      mean /= n;
      double ss = 0;
      for (double v : sorted) {
        ss += (v - mean) * (v - mean);
      }
      rows.add(new ParameterSummary(names.get(j), mean, Math.sqrt(ss / (n - 1)),
          quantile(sorted, 0.05), quantile(sorted, 0.50), quantile(sorted, 0.95)));
    }
    return rows;
  }

  /**
   * The p-quantile of sorted values by linear interpolation between order statistics (Hyndman and
   * Fan 1996, definition 7: the default of R and NumPy), so the numbers match those tools.
   */
  public static double quantile(double[] sorted, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("quantile level p is " + p + ", expected a value in [0, 1]");
    }
    if (sorted.length == 0) {
      throw new IllegalArgumentException("sorted has no values, expected at least one");
    }
    double h = (sorted.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }
}
