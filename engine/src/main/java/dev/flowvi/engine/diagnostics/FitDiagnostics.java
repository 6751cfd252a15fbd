package dev.flowvi.engine.diagnostics;

import dev.flowvi.engine.core.Checks;
import java.util.List;

/**
 * The end-of-fit report: S draws from q scored by the target, summarised as the ELBO and the
 * importance-weighted evidence with their errors, the ESS, the PSIS k̂ against its threshold, and
 * per-parameter summaries both of q's draws and PSIS-reweighted. {@link #verdict()} says in words
 * whether the fit can be trusted.
 */
public final class FitDiagnostics {
  private final ImportanceDiagnostics importance;
  private final ParetoSmoothedImportanceSampling psis;
  private final List<PosteriorSummary> summaries;
  private final List<PosteriorSummary> weightedSummaries;

  private FitDiagnostics(
      ImportanceDiagnostics importance,
      ParetoSmoothedImportanceSampling psis,
      List<PosteriorSummary> summaries,
      List<PosteriorSummary> weightedSummaries) {
    this.importance = importance;
    this.psis = psis;
    this.summaries = summaries;
    this.weightedSummaries = weightedSummaries;
  }

  /**
   * Diagnoses S = {@code n} draws {@code z} from q (feature-major, dim × n) with their
   * {@code logTarget} = log p̃(z) and {@code logProposal} = log q(z). {@code probabilities} are the
   * quantiles to report, {@link PosteriorSummary#DEFAULT_PROBABILITIES} when none are given.
   */
  public static FitDiagnostics of(
      String[] names, double[] z, int dim, int n, double[] logTarget, double[] logProposal, double... probabilities) {
    Checks.positive("dim", dim);
    Checks.positive("n", n);
    LogWeights r = LogWeights.of(logTarget, logProposal, n);
    ImportanceDiagnostics importance = ImportanceDiagnostics.of(r);
    List<PosteriorSummary> summaries = PosteriorSummary.ofBatch(names, z, dim, n, null, probabilities);
    if (r.finiteCount() == 0) {
      return new FitDiagnostics(importance, null, summaries, null);
    }
    ParetoSmoothedImportanceSampling psis = ParetoSmoothedImportanceSampling.of(r);
    List<PosteriorSummary> weighted = PosteriorSummary.ofBatch(names, z, dim, n, psis.normalisedWeights(), probabilities);
    return new FitDiagnostics(importance, psis, summaries, weighted);
  }

  public int draws() {
    return importance.draws();
  }

  /** Draws where log p̃ = −∞: q puts mass outside the target's support. */
  public int dropped() {
    return importance.dropped();
  }

  public double elbo() {
    return importance.elbo();
  }

  public double elboSe() {
    return importance.elboSe();
  }

  public double logEvidence() {
    return importance.logEvidence();
  }

  public double logEvidenceSe() {
    return importance.logEvidenceSe();
  }

  public double ess() {
    return importance.ess();
  }

  /** PSIS k̂; NaN when it could not be estimated (too few draws or too few distinct tail weights). */
  public double khat() {
    return psis == null ? Double.NaN : psis.khat();
  }

  public double khatThreshold() {
    return ParetoSmoothedImportanceSampling.khatThreshold(draws());
  }

  /** 10^(1/(1 − k̂)), the draws a reliable importance-sampling estimate needs at this k̂. */
  public double minimumDraws() {
    return ParetoSmoothedImportanceSampling.minimumDraws(khat());
  }

  public ImportanceDiagnostics importance() {
    return importance;
  }

  /** The smoothing, for its weights and PSIS-resampled draws; null when every draw was dropped. */
  public ParetoSmoothedImportanceSampling psis() {
    return psis;
  }

  /** Per-parameter summaries of q's draws. */
  public List<PosteriorSummary> summaries() {
    return summaries;
  }

  /** Per-parameter summaries under the PSIS-normalised weights; null when every draw was dropped. */
  public List<PosteriorSummary> weightedSummaries() {
    return weightedSummaries;
  }

  /**
   * How far q's own summary of a parameter may lie from the PSIS-weighted one before the verdict
   * says q's summaries are off: the mean by {@value #MEAN_SHIFT_LIMIT} weighted sds, the sd by a
   * factor {@value #SD_RATIO_LIMIT} either way. With k̂ below its threshold the weighted estimates
   * are reliable, and their Monte Carlo errors (about 1/√ESS sds for a mean, 1/√(2·ESS) for an
   * sd) are below 0.1 sd and 7 % from an ESS of 100 on, so these limits flag q, not noise.
   */
  public static final double MEAN_SHIFT_LIMIT = 0.25;
  public static final double SD_RATIO_LIMIT = 1.25;

  /**
   * The parameter whose q summary lies furthest from its PSIS-weighted one, beyond {@link
   * #MEAN_SHIFT_LIMIT} or {@link #SD_RATIO_LIMIT}, as a phrase for the verdict; null when every
   * parameter is within them or there are no weighted summaries.
   */
  public String summaryMismatch() {
    if (weightedSummaries == null) {
      return null;
    }
    String worst = null;
    double worstExcess = 1;
    for (int j = 0; j < summaries.size(); j++) {
      PosteriorSummary raw = summaries.get(j);
      PosteriorSummary w = weightedSummaries.get(j);
      if (!(w.sd() > 0) || !(raw.sd() > 0)) {
        continue;
      }
      double shift = Math.abs(raw.mean() - w.mean()) / w.sd();
      double ratio = raw.sd() / w.sd();
      double excess = Math.max(shift / MEAN_SHIFT_LIMIT, Math.max(ratio, 1 / ratio) / SD_RATIO_LIMIT);
      if (excess > worstExcess) {
        worstExcess = excess;
        worst = String.format(java.util.Locale.ROOT, "%s's mean lies %.2f weighted sds from q's and its sd is %.2f times q's",
            raw.name(), shift, 1 / ratio);
      }
    }
    return worst;
  }

  /**
   * Whether the PSIS-weighted summaries should be read instead of q's own: k̂ vouches for the
   * weights, and {@link #summaryMismatch} finds q's summaries off by them.
   */
  public boolean weightedSummariesPreferred() {
    return khat() < khatThreshold() && summaryMismatch() != null;
  }

  /** Whether k̂ is below its threshold and no draw fell outside the support. */
  public boolean trustworthy() {
    return khat() < khatThreshold() && dropped() == 0;
  }

  /** A sentence or two on whether the fit can be trusted, and what to do if not. */
  public String verdict() {
    double k = khat();
    double threshold = khatThreshold();
    StringBuilder sb = new StringBuilder();
    if (importance.ess() == 0) {
      return "Cannot be trusted: every one of the " + draws() + " draws has log p̃ = -∞, so q puts its mass outside the target's support.";
    }
    if (Double.isNaN(k)) {
      sb.append(String.format(
          "Not assessed: k-hat could not be estimated (%d draws; need at least %d distinct tail weights, "
              + "i.e. more draws or a target that is not flat under q). ESS is %.1f of %d.",
          draws(), ParetoSmoothedImportanceSampling.MIN_TAIL, ess(), draws()));
    } else if (weightedSummariesPreferred()) {
      sb.append(String.format(
          "Trustworthy weights, but q's own summaries are off: k-hat %.2f is below the threshold %.2f, so the "
              + "importance-weighted estimates are reliable, and by them %s (ESS %.0f of %d). The ELBO and log Z "
              + "can be used; q's summaries cannot: train longer, or use the PSIS-weighted summaries.",
          k, threshold, summaryMismatch(), ess(), draws()));
    } else if (k < threshold) {
      sb.append(String.format(
          "%s: k-hat %.2f is below the threshold %.2f, so the importance weights are reliable and q "
              + "covers the posterior's bulk and tails; the ELBO, log Z and the summaries can be used.",
          dropped() == 0 ? "Trustworthy" : "Trustworthy weights, but q leaks outside the support", k, threshold));
    } else if (k <= ParetoSmoothedImportanceSampling.MAX_RELIABLE_KHAT) {
      sb.append(String.format(
          "Needs more draws: k-hat %.2f is above the threshold %.2f for %d draws; with at least %.0f draws "
              + "the importance-weighted estimates would be reliable.",
          k, threshold, draws(), Math.ceil(minimumDraws())));
    } else if (k < 1) {
      sb.append(String.format(
          "Cannot be trusted: k-hat %.2f > 0.7 means q misses part of the posterior's tails; "
              + "summaries may be too narrow. Train longer, use a more flexible flow or a heavier-tailed base, "
              + "or compare against reference draws. PSIS-resampled draws are a partial correction only.",
          k));
    } else {
      sb.append(String.format(
          "Cannot be trusted: k-hat %.2f ≥ 1 means the importance weights have no finite mean; q is far from "
              + "the posterior and log Z is meaningless. Refit.",
          k));
    }
    if (dropped() > 0) {
      sb.append(String.format(
          " Warning: %d of %d draws fell outside the target's support (log p̃ = -∞) and were given weight 0.", dropped(), draws()));
    }
    sb.append(" (A missed mode is invisible to these diagnostics: restarts or reference draws catch it.)");
    return sb.toString();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Fit diagnostics (" + draws() + " draws from q");
    sb.append(dropped() > 0 ? ", " + dropped() + " outside the support)\n" : ")\n");
    sb.append(String.format("  ELBO          %.6g ± %.2g%n", elbo(), elboSe()));
    sb.append(String.format("  log Z (IS)    %.6g ± %.2g%n", logEvidence(), logEvidenceSe()));
    sb.append(String.format("  ESS           %.1f (%.1f%%)%n", ess(), 100 * ess() / draws()));
    sb.append(String.format("  Pareto k-hat  %.3f (threshold %.3f; reliable from %.3g draws)%n", khat(), khatThreshold(), minimumDraws()));
    sb.append("  Parameters (draws from q):\n");
    for (PosteriorSummary s : summaries) {
      sb.append("    ").append(s).append('\n');
    }
    if (weightedSummaries != null) {
      sb.append("  Parameters (PSIS-weighted):\n");
      for (PosteriorSummary s : weightedSummaries) {
        sb.append("    ").append(s).append('\n');
      }
    }
    sb.append("  Verdict: ").append(verdict());
    return sb.toString();
  }
}
