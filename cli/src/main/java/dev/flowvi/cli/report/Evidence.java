package dev.flowvi.cli.report;

/**
 * The end-of-fit importance-sampling numbers of a report (formulas in REFERENCE.md,
 * "Diagnostics"): ELBO and its Monte Carlo SE, the importance-weighted log evidence and its SE,
 * the importance-sampling ESS, Pareto k̂ with the threshold it is judged against, and the
 * diagnostics' verdict in words (may be empty).
 */
public record Evidence(
    double elbo, double elboSe, double logEvidence, double logEvidenceSe,
    double ess, double khat, double khatThreshold, int draws, String verdict) {

  /** Whether k̂ is below its threshold, i.e. whether the importance weights can be trusted. */
  public boolean khatGood() {
    return khat < khatThreshold;
  }
}
