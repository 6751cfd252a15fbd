package dev.flowvi.cli.report;

/**
 * The end-of-fit importance-sampling numbers of a report (formulas in REFERENCE.md,
 * "Diagnostics"): ELBO and its Monte Carlo SE, the importance-weighted log evidence and its SE,
 * the importance-sampling ESS, and Pareto k̂ with the threshold it is judged against.
 */
public record Evidence(
    double elbo, double elboSe, double logEvidence, double logEvidenceSe,
    double ess, double khat, double khatThreshold, int draws) {

  /** Whether k̂ is below its threshold, i.e. whether the importance weights can be trusted. */
  public boolean khatGood() {
    return khat < khatThreshold;
  }
}
