package dev.flowvi.engine.diagnostics;

/**
 * The plain importance-sampling summaries of a fitted q: the ELBO with its Monte Carlo error, the
 * importance-weighted log evidence with its error, and the effective sample size.
 *
 * <p>With S draws, r_s = log p̃(z_s) − log q(z_s) and w_s = exp(r_s − max r):
 * <ul>
 *   <li>ELBO = mean r, SE = sd(r)/√S;
 *   <li>log Ẑ = logsumexp(r) − log S, SE ≈ sqrt(1/ESS − 1/S) (delta method on the ratio Ẑ);
 *   <li>ESS = (Σw)²/Σw².
 * </ul>
 * Dropped draws (log p̃ = −∞) have weight exactly 0, so log Ẑ and ESS stay exact with S counting
 * them. The ELBO would be −∞; it is reported over the finite draws instead, as the trainer sees it,
 * and {@link #dropped()} says how many were left out.
 */
public final class ImportanceDiagnostics {
  private final int draws;
  private final int dropped;
  private final double elbo;
  private final double elboSe;
  private final double logEvidence;
  private final double logEvidenceSe;
  private final double ess;

  private ImportanceDiagnostics(int draws, int dropped, double elbo, double elboSe, double logEvidence, double logEvidenceSe, double ess) {
    this.draws = draws;
    this.dropped = dropped;
    this.elbo = elbo;
    this.elboSe = elboSe;
    this.logEvidence = logEvidence;
    this.logEvidenceSe = logEvidenceSe;
    this.ess = ess;
  }

  public static ImportanceDiagnostics of(double[] logTarget, double[] logProposal, int draws) {
    return of(LogWeights.of(logTarget, logProposal, draws));
  }

  public static ImportanceDiagnostics of(LogWeights r) {
    int s = r.draws();
    int finite = r.finiteCount();
    if (finite == 0) {
      return new ImportanceDiagnostics(s, r.dropped(), Double.NEGATIVE_INFINITY, Double.NaN, Double.NEGATIVE_INFINITY, Double.NaN, 0.0);
    }
    // Welford's update keeps mean and variance accurate when |r| is large and sd(r) small.
    double mean = 0;
    double m2 = 0;
    int k = 0;
    double max = r.max();
    double sumW = 0;
    double sumW2 = 0;
    for (int i = 0; i < s; i++) {
      double ri = r.get(i);
      if (ri == Double.NEGATIVE_INFINITY) {
        continue;
      }
      k++;
      double d = ri - mean;
      mean += d / k;
      m2 += d * (ri - mean);
      double w = Math.exp(ri - max);
      sumW += w;
      sumW2 += w * w;
    }
    double elboSe = finite > 1 ? Math.sqrt(m2 / (finite - 1) / finite) : Double.NaN;
    double logZ = max + Math.log(sumW) - Math.log(s);
    double ess = sumW * sumW / sumW2;
    double logZSe = Math.sqrt(Math.max(0.0, 1.0 / ess - 1.0 / s));
    return new ImportanceDiagnostics(s, r.dropped(), mean, elboSe, logZ, logZSe, ess);
  }

  /** S, dropped draws included. */
  public int draws() {
    return draws;
  }

  /** Draws with log p̃ = −∞ (weight 0), left out of the ELBO. */
  public int dropped() {
    return dropped;
  }

  /** Mean of r over the finite draws: a lower bound on log Z in expectation. */
  public double elbo() {
    return elbo;
  }

  public double elboSe() {
    return elboSe;
  }

  /** log Ẑ = logsumexp(r) − log S. */
  public double logEvidence() {
    return logEvidence;
  }

  /** ≈ sqrt(1/ESS − 1/S), the relative error of Ẑ, which is the absolute error of log Ẑ. */
  public double logEvidenceSe() {
    return logEvidenceSe;
  }

  /** (Σw)²/Σw², between 1 and S (0 when every draw was dropped). */
  public double ess() {
    return ess;
  }

  @Override
  public String toString() {
    return String.format(
        "ELBO %.6g ± %.2g, log Z %.6g ± %.2g, ESS %.1f of %d draws (%d dropped)",
        elbo, elboSe, logEvidence, logEvidenceSe, ess, draws, dropped);
  }
}
