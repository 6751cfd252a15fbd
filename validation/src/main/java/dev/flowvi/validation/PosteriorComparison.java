package dev.flowvi.validation;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.diagnostics.PosteriorSummary;
import dev.flowvi.validation.reference.EffectiveSampleSize;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Compares draws (for example from a fitted flow) against reference draws (for example from
 * {@link dev.flowvi.validation.reference.NoUTurnSampler}), one marginal at a time.
 *
 * <p>For each coordinate:
 * <ul>
 *   <li>a mean z-score (m₁ − m₂)/sqrt(s₁²/ESS₁ + s₂²/ESS₂), which allows for the Monte Carlo error
 *       of both sets;
 *   <li>an sd z-score (s₁ − s₂)/sqrt(se₁² + se₂²) with se = s·sqrt((κ − 1)/(4·ESS)), the delta-method
 *       error of a sample sd, κ the sample kurtosis (3 for a normal, giving s/√(2 ESS));
 *   <li>the 1-Wasserstein distance ∫₀¹ |F₁⁻¹(u) − F₂⁻¹(u)| du between the two empirical
 *       distributions, computed exactly for unequal sizes by merging the steps of both quantile
 *       functions;
 *   <li>quantile errors q₁(p) − q₂(p) at 5, 25, 50, 75 and 95% (Hazen quantiles, as {@link
 *       PosteriorSummary}).
 * </ul>
 * ESS may be given per coordinate (for example n for independent draws from q) or estimated from
 * the draws in order by Geyer's initial monotone sequence; the sd uses the ESS of the squared
 * deviations when estimated.
 */
public final class PosteriorComparison {
  /** The probabilities at which quantile errors are reported. */
  public static final double[] QUANTILE_PROBABILITIES = {0.05, 0.25, 0.5, 0.75, 0.95};

  private final List<Marginal> marginals;

  private PosteriorComparison(List<Marginal> marginals) {
    this.marginals = Collections.unmodifiableList(marginals);
  }

  /** How one coordinate of the draws compares with the reference. */
  public record Marginal(
      String name,
      double mean,
      double referenceMean,
      double meanZ,
      double sd,
      double referenceSd,
      double sdZ,
      double wasserstein1,
      double[] quantileErrors) {

    public Marginal {
      quantileErrors = quantileErrors.clone();
    }

    /** q(p) − q_ref(p) at {@link #QUANTILE_PROBABILITIES}. A copy. */
    @Override
    public double[] quantileErrors() {
      return quantileErrors.clone();
    }

    /** W₁ in units of the reference sd: scale-free, 0 for identical marginals. */
    public double relativeWasserstein1() {
      return wasserstein1 / referenceSd;
    }

    /** |mean z| and |sd z| are both within {@code zLimit}. */
    public boolean agrees(double zLimit) {
      return Math.abs(meanZ) <= zLimit && Math.abs(sdZ) <= zLimit;
    }

    @Override
    public String toString() {
      StringBuilder q = new StringBuilder();
      for (int t = 0; t < quantileErrors.length; t++) {
        q.append(t == 0 ? "" : ", ").append(String.format("q%d %+.3g", Math.round(100 * QUANTILE_PROBABILITIES[t]), quantileErrors[t]));
      }
      return String.format(
          "%s: mean %.4g vs %.4g (z %.2f), sd %.4g vs %.4g (z %.2f), W1 %.3g (%.3g sd), quantile errors %s",
          name, mean, referenceMean, meanZ, sd, referenceSd, sdZ, wasserstein1, relativeWasserstein1(), q);
    }
  }

  /**
   * Compares {@code draws} (dim × n, feature-major) with {@code reference} (dim × m) given the
   * effective sample sizes of each coordinate; a null ESS array means independent draws (ESS = n or m).
   */
  public static PosteriorComparison of(
      String[] names, double[] draws, int n, double[] drawsEss, double[] reference, int m, double[] referenceEss) {
    int dim = checkShapes(names, draws, n, reference, m);
    double[] essA = essOrSize("drawsEss", drawsEss, dim, n);
    double[] essB = essOrSize("referenceEss", referenceEss, dim, m);
    List<Marginal> out = new ArrayList<>(dim);
    for (int j = 0; j < dim; j++) {
      out.add(marginal(names[j], draws, j * n, n, essA[j], essA[j], reference, j * m, m, essB[j], essB[j]));
    }
    return new PosteriorComparison(out);
  }

  /** As {@link #of}, with every ESS estimated from the draws in their given order (Geyer). */
  public static PosteriorComparison estimatingEss(String[] names, double[] draws, int n, double[] reference, int m) {
    int dim = checkShapes(names, draws, n, reference, m);
    List<Marginal> out = new ArrayList<>(dim);
    for (int j = 0; j < dim; j++) {
      out.add(marginal(
          names[j],
          draws, j * n, n, EffectiveSampleSize.of(draws, j * n, n), squaredDeviationEss(draws, j * n, n),
          reference, j * m, m, EffectiveSampleSize.of(reference, j * m, m), squaredDeviationEss(reference, j * m, m)));
    }
    return new PosteriorComparison(out);
  }

  private static int checkShapes(String[] names, double[] draws, int n, double[] reference, int m) {
    if (names == null || names.length == 0) {
      throw new IllegalArgumentException("names is " + (names == null ? "null" : "empty") + ", expected one name per coordinate");
    }
    int dim = names.length;
    if (n < 2) {
      throw new IllegalArgumentException("n is " + n + ", expected at least 2 draws");
    }
    if (m < 2) {
      throw new IllegalArgumentException("m is " + m + ", expected at least 2 reference draws");
    }
    Checks.batch("draws", draws, dim, n);
    Checks.batch("reference", reference, dim, m);
    return dim;
  }

  private static double[] essOrSize(String name, double[] ess, int dim, int size) {
    double[] out = new double[dim];
    if (ess == null) {
      Arrays.fill(out, size);
      return out;
    }
    if (ess.length != dim) {
      throw new IllegalArgumentException(name + " has length " + ess.length + ", expected " + dim + " (one per coordinate)");
    }
    for (int j = 0; j < dim; j++) {
      if (!(ess[j] > 0) || Double.isInfinite(ess[j])) {
        throw new IllegalArgumentException(name + "[" + j + "] is " + ess[j] + ", expected a finite value > 0");
      }
      out[j] = ess[j];
    }
    return out;
  }

  private static double squaredDeviationEss(double[] x, int offset, int n) {
    double mean = 0;
    for (int i = 0; i < n; i++) {
      mean += x[offset + i];
    }
    mean /= n;
    double[] sq = new double[n];
    for (int i = 0; i < n; i++) {
      double d = x[offset + i] - mean;
      sq[i] = d * d;
    }
    return EffectiveSampleSize.of(sq, 0, n);
  }

  private static Marginal marginal(String name, double[] a, int offA, int n, double essMeanA, double essSdA,
      double[] b, int offB, int m, double essMeanB, double essSdB) {
    PosteriorSummary sa = PosteriorSummary.of(name, a, offA, n, null, QUANTILE_PROBABILITIES);
    PosteriorSummary sb = PosteriorSummary.of(name, b, offB, m, null, QUANTILE_PROBABILITIES);
    double meanZ = (sa.mean() - sb.mean()) / Math.sqrt(sa.sd() * sa.sd() / essMeanA + sb.sd() * sb.sd() / essMeanB);
    double seA = sdStandardError(a, offA, n, sa.mean(), sa.sd(), essSdA);
    double seB = sdStandardError(b, offB, m, sb.mean(), sb.sd(), essSdB);
    double sdZ = (sa.sd() - sb.sd()) / Math.sqrt(seA * seA + seB * seB);
    double[] qa = sa.quantiles();
    double[] qb = sb.quantiles();
    double[] errors = new double[qa.length];
    for (int t = 0; t < qa.length; t++) {
      errors[t] = qa[t] - qb[t];
    }
    return new Marginal(name, sa.mean(), sb.mean(), meanZ, sa.sd(), sb.sd(), sdZ, wasserstein1(a, offA, n, b, offB, m), errors);
  }

  /** Delta method: Var(s²) ≈ s⁴(κ − 1)/ESS, so se(s) ≈ s·sqrt((κ − 1)/(4 ESS)). */
  private static double sdStandardError(double[] x, int offset, int n, double mean, double sd, double ess) {
    double m2 = 0;
    double m4 = 0;
    for (int i = 0; i < n; i++) {
      double d = x[offset + i] - mean;
      double d2 = d * d;
      m2 += d2;
      m4 += d2 * d2;
    }
    m2 /= n;
    m4 /= n;
    double kurtosis = m4 / (m2 * m2);
    return sd * Math.sqrt(Math.max(kurtosis - 1, 0) / (4 * ess));
  }

  /**
   * W₁ between the empirical distributions of a[offA..offA+n) and b[offB..offB+m): the quantile
   * functions are step functions with steps at i/n and j/m, so the integral is a sum over the
   * merged steps. Step positions are compared exactly as (i+1)·m vs (j+1)·n.
   */
  static double wasserstein1(double[] a, int offA, int n, double[] b, int offB, int m) {
    double[] x = Arrays.copyOfRange(a, offA, offA + n);
    double[] y = Arrays.copyOfRange(b, offB, offB + m);
    Arrays.sort(x);
    Arrays.sort(y);
    double total = 0;
    double previous = 0;
    int i = 0;
    int j = 0;
    while (i < n && j < m) {
      long stepA = (long) (i + 1) * m;
      long stepB = (long) (j + 1) * n;
      double next = stepA <= stepB ? (double) (i + 1) / n : (double) (j + 1) / m;
      total += (next - previous) * Math.abs(x[i] - y[j]);
      previous = next;
      if (stepA <= stepB) {
        i++;
      }
      if (stepB <= stepA) {
        j++;
      }
    }
    return total;
  }

  public List<Marginal> marginals() {
    return marginals;
  }

  /** Every marginal's mean and sd z-scores are within {@code zLimit}. */
  public boolean agrees(double zLimit) {
    for (Marginal mg : marginals) {
      if (!mg.agrees(zLimit)) {
        return false;
      }
    }
    return true;
  }

  /** The largest |z| over all means and sds. */
  public double maxAbsZ() {
    double max = 0;
    for (Marginal mg : marginals) {
      max = Math.max(max, Math.max(Math.abs(mg.meanZ()), Math.abs(mg.sdZ())));
    }
    return max;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Posterior comparison (draws vs reference), max |z| " + String.format("%.2f", maxAbsZ()));
    for (Marginal mg : marginals) {
      sb.append("\n  ").append(mg);
    }
    return sb.toString();
  }
}
