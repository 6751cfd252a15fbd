package dev.flowvi.validation.reference;

import dev.flowvi.engine.core.Checks;

/**
 * Effective sample size of one Markov chain by Geyer's (1992, Statistical Science 7(4), "Practical
 * Markov chain Monte Carlo") initial monotone sequence estimator of the integrated autocorrelation time.
 *
 * <p>With sample autocorrelations ρ_t (1/n-normalised autocovariances, which keep the estimate
 * positive definite), the pair sums Γ_k = ρ_{2k} + ρ_{2k+1} are summed while positive and forced
 * non-increasing; τ = −1 + 2 Σ Γ_k and ESS = n/τ. As in Stan, ESS is capped at n·log10(n), which
 * only bites for strongly antithetic chains.
 */
public final class EffectiveSampleSize {
  private EffectiveSampleSize() {}

  /** ESS of {@code chain[offset .. offset+n)}; NaN for a constant chain, whose variance is 0. */
  public static double of(double[] chain, int offset, int n) {
    if (n < 4) {
      throw new IllegalArgumentException("n is " + n + ", expected at least 4 draws for an autocorrelation estimate");
    }
    if (chain == null || offset < 0 || (long) offset + n > chain.length) {
      throw new IllegalArgumentException(
          "chain has length " + (chain == null ? "null" : String.valueOf(chain.length)) + ", expected at least offset + n = " + ((long) offset + n));
    }
    double mean = 0;
    for (int i = 0; i < n; i++) {
      double v = chain[offset + i];
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("chain[" + (offset + i) + "] is " + v + ", expected a finite draw");
      }
      mean += v;
    }
    mean /= n;
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = chain[offset + i] - mean;
    }
    double gamma0 = autocovariance(d, 0);
    if (!(gamma0 > 0)) {
      return Double.NaN;
    }
    double sum = 0;
    double previous = Double.POSITIVE_INFINITY;
    for (int t = 0; t + 1 < n; t += 2) {
      double pair = (autocovariance(d, t) + autocovariance(d, t + 1)) / gamma0;
      if (!(pair > 0)) {
        break;
      }
      pair = Math.min(pair, previous);
      sum += pair;
      previous = pair;
    }
    double tau = -1 + 2 * sum;
    // τ can round to 0 or below for an antithetic chain; the floor is the n·log10(n) cap.
    return n / Math.max(tau, 1 / Math.log10(n));
  }

  /** ESS of a whole chain. */
  public static double of(double[] chain) {
    return of(chain, 0, chain == null ? 0 : chain.length);
  }

  /** One ESS per coordinate of a feature-major batch (dim × n) of consecutive draws. */
  public static double[] ofBatch(double[] draws, int dim, int n) {
    Checks.positive("dim", dim);
    Checks.batch("draws", draws, dim, n);
    double[] out = new double[dim];
    for (int j = 0; j < dim; j++) {
      out[j] = of(draws, j * n, n);
    }
    return out;
  }

  private static double autocovariance(double[] d, int lag) {
    double s = 0;
    for (int i = 0; i + lag < d.length; i++) {
      s += d[i] * d[i + lag];
    }
    return s / d.length;
  }
}
