package dev.flowvi.engine.diagnostics;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.random.RandomStream;
import java.util.Arrays;

/**
 * Pareto smoothed importance sampling (Vehtari, Simpson, Gelman, Yao and Gabry, arXiv 1507.02646)
 * of S log weights, with the k̂ diagnostic for variational fits (Yao et al., arXiv 1802.02538).
 *
 * <p>The M = ⌈min(0.2 S, 3√S)⌉ largest log weights form the tail; u is the largest log weight
 * below it. The exceedances exp(r − max r) − exp(u − max r) of the values strictly above u are
 * fitted by a {@link GeneralizedPareto} (Zhang–Stephens), and k̂ is shrunk towards ½ by
 * (n k̂ + 5)/(n + 10), the weakly informative prior of the PSIS paper. The tail values are then
 * replaced, in their order, by log(exp(u − max r) + F⁻¹((z − ½)/n)) + max r for z = 1..n, capped
 * at max r. The body is left as it was.
 *
 * <p>Where the reference code (ArviZ 0.23 {@code psislw}, R loo) and this class agree: the tail
 * length, the strict exceedances, u floored at log(Double.MIN_NORMAL) relative to max r, σ̂ taken
 * from the unshrunk k̂ while the smoothing uses the shrunk one. Where they differ: with fewer than
 * 5 exceedances (for example all weights equal, a perfect q) ArviZ reports k̂ = +∞; here k̂ is NaN
 * ("not estimable"), because bounded weights are the opposite of a heavy tail. The same holds when
 * the exceedances have no spread in double precision.
 */
public final class ParetoSmoothedImportanceSampling {
  /** Fewest exceedances a generalised Pareto fit is attempted on, as in the reference code. */
  public static final int MIN_TAIL = 5;
  /** Largest k̂ for which importance sampling is ever called reliable (Vehtari et al.). */
  public static final double MAX_RELIABLE_KHAT = 0.7;

  private final int draws;
  private final int dropped;
  private final int tailLength;
  private final double cutoff;
  private final double khat;
  private final double sigma;
  private final double[] smoothed;
  private final double[] normalisedWeights;

  private ParetoSmoothedImportanceSampling(
      int draws, int dropped, int tailLength, double cutoff, double khat, double sigma, double[] smoothed) {
    this.draws = draws;
    this.dropped = dropped;
    this.tailLength = tailLength;
    this.cutoff = cutoff;
    this.khat = khat;
    this.sigma = sigma;
    this.smoothed = smoothed;
    this.normalisedWeights = normalise(smoothed);
  }

  public static ParetoSmoothedImportanceSampling of(double[] logWeights) {
    return of(LogWeights.of(logWeights));
  }

  public static ParetoSmoothedImportanceSampling of(double[] logTarget, double[] logProposal, int draws) {
    return of(LogWeights.of(logTarget, logProposal, draws));
  }

  public static ParetoSmoothedImportanceSampling of(LogWeights r) {
    int s = r.draws();
    int m = tailLength(s);
    if (r.finiteCount() == 0) {
      throw new IllegalArgumentException("logWeights are all -Infinity (every draw dropped), expected at least one finite value");
    }
    double[] lw = r.toArray();
    double max = r.max();
    if (m >= s) {
      return new ParetoSmoothedImportanceSampling(s, r.dropped(), 0, Double.NaN, Double.NaN, Double.NaN, lw);
    }
    double[] sorted = lw.clone();
    Arrays.sort(sorted);
    // Relative to max r, as the reference code, so exp() neither overflows nor loses the tail.
    double u = Math.max(sorted[s - m - 1] - max, Math.log(Double.MIN_NORMAL));
    double cutoff = Math.max(sorted[s - m - 1], max + Math.log(Double.MIN_NORMAL));
    int[] tail = tailIndices(lw, max, u);
    int n = tail.length;
    if (n < MIN_TAIL) {
      return new ParetoSmoothedImportanceSampling(s, r.dropped(), n, cutoff, Double.NaN, Double.NaN, lw);
    }
    double expU = Math.exp(u);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = Math.exp(lw[tail[i]] - max) - expU;
    }
    if (!(x[(int) (n / 4.0 + 0.5) - 1] > 0)) {
      // A quarter of the exceedances rounded to 0: the tail has no spread to fit.
      return new ParetoSmoothedImportanceSampling(s, r.dropped(), n, cutoff, Double.NaN, Double.NaN, lw);
    }
    GeneralizedPareto fit = GeneralizedPareto.fit(x, n);
    double k = (n * fit.shape() + 5.0) / (n + 10.0);
    if (!Double.isFinite(k)) {
      // The reference code skips smoothing when the fit fails; k̂ still reports the failure.
      return new ParetoSmoothedImportanceSampling(s, r.dropped(), n, cutoff, k, fit.scale(), lw);
    }
    GeneralizedPareto smoothing = GeneralizedPareto.of(k, fit.scale());
    for (int z = 0; z < n; z++) {
      double value = Math.log(expU + smoothing.quantile((z + 0.5) / n));
      lw[tail[z]] = Math.min(value, 0.0) + max;
    }
    return new ParetoSmoothedImportanceSampling(s, r.dropped(), n, cutoff, k, fit.scale(), lw);
  }

  /** M = ⌈min(0.2 S, 3√S)⌉. */
  public static int tailLength(int draws) {
    return (int) Math.ceil(Math.min(0.2 * draws, 3.0 * Math.sqrt(draws)));
  }

  /** min(1 − 1/log10 S, 0.7): below it k̂ says the draws are good (Vehtari et al.). */
  public static double khatThreshold(int draws) {
    return Math.min(1.0 - 1.0 / Math.log10(draws), MAX_RELIABLE_KHAT);
  }

  /** 10^(1/(1 − k̂)): the draws needed for a reliable estimate at this k̂; +∞ for k̂ ≥ 1. */
  public static double minimumDraws(double khat) {
    if (Double.isNaN(khat)) {
      return Double.NaN;
    }
    return khat >= 1 ? Double.POSITIVE_INFINITY : Math.pow(10.0, 1.0 / (1.0 - khat));
  }

  /** Indices of the values strictly above max + u, ordered by value ascending. */
  private static int[] tailIndices(double[] lw, double max, double u) {
    int[] tail = new int[lw.length];
    int count = 0;
    for (int i = 0; i < lw.length; i++) {
      if (lw[i] - max > u) {
        tail[count++] = i;
      }
    }
    return SortOrder.ascending(lw, tail, count);
  }

  private static double[] normalise(double[] lw) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : lw) {
      max = Math.max(max, v);
    }
    double[] w = new double[lw.length];
    double sum = 0;
    for (int i = 0; i < lw.length; i++) {
      w[i] = Math.exp(lw[i] - max);
      sum += w[i];
    }
    for (int i = 0; i < w.length; i++) {
      w[i] /= sum;
    }
    return w;
  }

  /** S. */
  public int draws() {
    return draws;
  }

  /** Draws with weight 0 (log p̃ = −∞). */
  public int dropped() {
    return dropped;
  }

  /** n, the number of exceedances fitted (at most M; fewer when values tie with u). */
  public int tailLength() {
    return tailLength;
  }

  /** u, the largest log weight below the tail (floored as described above); NaN if S is too small. */
  public double cutoff() {
    return cutoff;
  }

  /** The shrunk Pareto shape k̂; NaN when fewer than {@link #MIN_TAIL} exceedances exist. */
  public double khat() {
    return khat;
  }

  /** σ̂ of the fitted tail, on the scale exp(r − max r). */
  public double sigma() {
    return sigma;
  }

  public double khatThreshold() {
    return khatThreshold(draws);
  }

  public double minimumDraws() {
    return minimumDraws(khat);
  }

  /** k̂ is below {@link #khatThreshold()}: the importance weights, and so q, can be trusted. */
  public boolean reliable() {
    return khat < khatThreshold();
  }

  /** The smoothed log weights, on the scale of the input r (not normalised). */
  public double[] smoothedLogWeights() {
    return smoothed.clone();
  }

  /** The smoothed weights normalised to sum to 1. */
  public double[] normalisedWeights() {
    return normalisedWeights.clone();
  }

  /** The smoothed log weights normalised so that their exponentials sum to 1. */
  public double[] normalisedLogWeights() {
    double[] out = new double[draws];
    for (int i = 0; i < draws; i++) {
      out[i] = Math.log(normalisedWeights[i]);
    }
    return out;
  }

  /**
   * {@code count} draw indices sampled with replacement with probability equal to the smoothed
   * normalised weights (multinomial resampling), reproducible from {@code rng}.
   */
  public int[] resampleIndices(RandomStream rng, int count) {
    if (rng == null) {
      throw new IllegalArgumentException("rng must not be null");
    }
    Checks.positive("count", count);
    double[] cumulative = new double[draws];
    double sum = 0;
    for (int i = 0; i < draws; i++) {
      sum += normalisedWeights[i];
      cumulative[i] = sum;
    }
    int[] out = new int[count];
    for (int c = 0; c < count; c++) {
      double target = rng.nextDouble() * sum;
      int i = Arrays.binarySearch(cumulative, target);
      i = i >= 0 ? i + 1 : -i - 1;
      // Step past zero-weight draws that share the cumulative value, and guard the top end.
      while (i < draws - 1 && normalisedWeights[i] == 0) {
        i++;
      }
      out[c] = Math.min(i, draws - 1);
    }
    return out;
  }

  /**
   * PSIS-resampled draws: {@code count} points taken from the feature-major batch {@code draws}
   * (dim × S) by {@link #resampleIndices}, returned feature-major (dim × count).
   */
  public double[] resample(double[] drawsBatch, int dim, RandomStream rng, int count) {
    Checks.positive("dim", dim);
    Checks.batch("draws", drawsBatch, dim, draws);
    int[] idx = resampleIndices(rng, count);
    double[] out = new double[dim * count];
    for (int j = 0; j < dim; j++) {
      for (int c = 0; c < count; c++) {
        out[j * count + c] = drawsBatch[j * draws + idx[c]];
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return String.format(
        "PSIS k-hat %.3f (threshold %.3f, tail %d of %d draws, minimum draws %.3g)", khat, khatThreshold(), tailLength, draws, minimumDraws());
  }
}
