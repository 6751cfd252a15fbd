package dev.flowvi.engine.diagnostics;

import dev.flowvi.engine.core.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Mean, standard deviation and quantiles of one named coordinate of a set of draws, optionally
 * weighted (for example by PSIS-normalised importance weights).
 *
 * <p>The standard deviation uses the reliability-weights correction Σw(x − μ)²/(1 − Σw²) with
 * normalised w, which is the usual S − 1 denominator when all weights are equal. Quantiles use the
 * midpoint ("Hazen", Hyndman and Fan 1996 type 5) rule on the weighted empirical distribution:
 * the i-th smallest value sits at cumulative probability C_{i−1} + w_i/2 and the quantile function
 * interpolates linearly between these points, clamped to the smallest and largest value. With
 * equal weights this is type 5 exactly, so a weighted and an unweighted summary of the same draws
 * agree. Zero-weight draws take no part.
 */
public final class PosteriorSummary {
  /** The quantiles reported when none are asked for: 5%, 50% and 95%. */
  public static final double[] DEFAULT_PROBABILITIES = {0.05, 0.5, 0.95};

  private final String name;
  private final double mean;
  private final double sd;
  private final double[] probabilities;
  private final double[] quantiles;

  private PosteriorSummary(String name, double mean, double sd, double[] probabilities, double[] quantiles) {
    this.name = name;
    this.mean = mean;
    this.sd = sd;
    this.probabilities = probabilities;
    this.quantiles = quantiles;
  }

  /**
   * Summarises {@code values[offset .. offset+n)}. {@code weights} (n entries, non-negative, not
   * all zero) may be null for equal weights; {@code probabilities} may be empty for {@link
   * #DEFAULT_PROBABILITIES}.
   */
  public static PosteriorSummary of(String name, double[] values, int offset, int n, double[] weights, double... probabilities) {
    if (name == null) {
      throw new IllegalArgumentException("name must not be null");
    }
    Checks.positive("n", n);
    if (values == null || offset < 0 || (long) offset + n > values.length) {
      throw new IllegalArgumentException(
          "values has length " + (values == null ? "null" : String.valueOf(values.length)) + ", expected at least offset + n = " + ((long) offset + n));
    }
    double[] probs = checkProbabilities(probabilities.length == 0 ? DEFAULT_PROBABILITIES : probabilities);
    double[] w = normalisedWeights(weights, n);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = values[offset + i];
      if (!Double.isFinite(x[i])) {
        throw new IllegalArgumentException("values[" + (offset + i) + "] of " + name + " is " + x[i] + ", expected a finite draw");
      }
    }
    double mean = 0;
    double sumW2 = 0;
    for (int i = 0; i < n; i++) {
      mean += w[i] * x[i];
      sumW2 += w[i] * w[i];
    }
    double ss = 0;
    for (int i = 0; i < n; i++) {
      double d = x[i] - mean;
      ss += w[i] * d * d;
    }
    double sd = sumW2 < 1 ? Math.sqrt(ss / (1 - sumW2)) : Double.NaN;
    return new PosteriorSummary(name, mean, sd, probs, weightedQuantiles(x, w, probs));
  }

  /** One summary per coordinate of a feature-major batch {@code draws} (dim × n). */
  public static List<PosteriorSummary> ofBatch(String[] names, double[] draws, int dim, int n, double[] weights, double... probabilities) {
    Checks.positive("dim", dim);
    Checks.positive("n", n);
    if (names == null || names.length != dim) {
      throw new IllegalArgumentException(
          "names has length " + (names == null ? "null" : String.valueOf(names.length)) + ", expected " + dim + " (one per coordinate)");
    }
    Checks.batch("draws", draws, dim, n);
    List<PosteriorSummary> out = new ArrayList<>(dim);
    for (int j = 0; j < dim; j++) {
      out.add(of(names[j], draws, j * n, n, weights, probabilities));
    }
    return Collections.unmodifiableList(out);
  }

  private static double[] checkProbabilities(double[] p) {
    for (int i = 0; i < p.length; i++) {
      if (!(p[i] >= 0 && p[i] <= 1)) {
        throw new IllegalArgumentException("probabilities[" + i + "] is " + p[i] + ", expected a value in [0, 1]");
      }
    }
    return p.clone();
  }

  private static double[] normalisedWeights(double[] weights, int n) {
    double[] w = new double[n];
    if (weights == null) {
      Arrays.fill(w, 1.0 / n);
      return w;
    }
    if (weights.length < n) {
      throw new IllegalArgumentException("weights has length " + weights.length + ", expected at least " + n + " (one per draw)");
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) {
        throw new IllegalArgumentException("weights[" + i + "] is " + weights[i] + ", expected a finite value >= 0");
      }
      sum += weights[i];
    }
    if (!(sum > 0)) {
      throw new IllegalArgumentException("weights sum to " + sum + ", expected a positive total");
    }
    for (int i = 0; i < n; i++) {
      w[i] = weights[i] / sum;
    }
    return w;
  }

  private static double[] weightedQuantiles(double[] x, double[] w, double[] probs) {
    int n = x.length;
    int[] order = SortOrder.ascending(x);
    double[] value = new double[n];
    double[] position = new double[n];
    int k = 0;
    double cumulative = 0;
    for (int i = 0; i < n; i++) {
      double wi = w[order[i]];
      if (wi == 0) {
        continue;
      }
      value[k] = x[order[i]];
      position[k] = cumulative + wi / 2;
      cumulative += wi;
      k++;
    }
    double[] q = new double[probs.length];
    for (int t = 0; t < probs.length; t++) {
      double p = probs[t] * cumulative;
      if (p <= position[0]) {
        q[t] = value[0];
      } else if (p >= position[k - 1]) {
        q[t] = value[k - 1];
      } else {
        int hi = Arrays.binarySearch(position, 0, k, p);
        if (hi >= 0) {
          q[t] = value[hi];
        } else {
          hi = -hi - 1;
          double f = (p - position[hi - 1]) / (position[hi] - position[hi - 1]);
          q[t] = value[hi - 1] + f * (value[hi] - value[hi - 1]);
        }
      }
    }
    return q;
  }

  public String name() {
    return name;
  }

  public double mean() {
    return mean;
  }

  public double sd() {
    return sd;
  }

  /** The probabilities asked for, in the order given. */
  public double[] probabilities() {
    return probabilities.clone();
  }

  /** The quantiles at {@link #probabilities()}. */
  public double[] quantiles() {
    return quantiles.clone();
  }

  /** The quantile at probability {@code p}, which must be one of {@link #probabilities()}. */
  public double quantile(double p) {
    for (int i = 0; i < probabilities.length; i++) {
      if (probabilities[i] == p) {
        return quantiles[i];
      }
    }
    throw new IllegalArgumentException("p is " + p + ", expected one of the summarised probabilities " + Arrays.toString(probabilities));
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(String.format("%s: mean %.4g, sd %.4g", name, mean, sd));
    for (int i = 0; i < probabilities.length; i++) {
      sb.append(String.format(", q%s %.4g", percent(probabilities[i]), quantiles[i]));
    }
    return sb.toString();
  }

  static String percent(double p) {
    double v = 100 * p;
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }
}
