package dev.flowvi.engine.diagnostics;

/**
 * Importance log weights r_s = log p̃(z_s) − log q(z_s) of S draws from q, checked once.
 *
 * <p>A draw where log p̃ = −∞ lies outside the target's support: its weight is exactly 0, so it
 * is kept as r = −∞ and counted as dropped. Every other non-finite value (NaN anywhere, +∞, or a
 * log q that is not finite, which q cannot produce for its own draws) is a bug upstream and is
 * rejected with the index of the first offending draw.
 */
public final class LogWeights {
  private final double[] values;
  private final int dropped;
  private final double max;

  private LogWeights(double[] values, int dropped, double max) {
    this.values = values;
    this.dropped = dropped;
    this.max = max;
  }

  /** The log weights of the first {@code draws} entries of {@code logTarget} and {@code logProposal}. */
  public static LogWeights of(double[] logTarget, double[] logProposal, int draws) {
    if (draws < 1) {
      throw new IllegalArgumentException("draws is " + draws + ", expected at least 1");
    }
    checkLength("logTarget", logTarget, draws);
    checkLength("logProposal", logProposal, draws);
    double[] r = new double[draws];
    int dropped = 0;
    double max = Double.NEGATIVE_INFINITY;
    for (int s = 0; s < draws; s++) {
      double lp = logTarget[s];
      double lq = logProposal[s];
      if (Double.isNaN(lp) || lp == Double.POSITIVE_INFINITY) {
        throw new IllegalArgumentException(
            "logTarget[" + s + "] is " + lp + ", expected a finite value or -Infinity (outside the support)");
      }
      if (!Double.isFinite(lq)) {
        throw new IllegalArgumentException(
            "logProposal[" + s + "] is " + lq + ", expected a finite value (q's log density at its own draw)");
      }
      if (lp == Double.NEGATIVE_INFINITY) {
        r[s] = Double.NEGATIVE_INFINITY;
        dropped++;
      } else {
        r[s] = lp - lq;
        max = Math.max(max, r[s]);
      }
    }
    return new LogWeights(r, dropped, max);
  }

  /** Log weights given directly; −∞ entries count as dropped, NaN and +∞ are rejected. */
  public static LogWeights of(double[] logWeights) {
    if (logWeights == null || logWeights.length == 0) {
      throw new IllegalArgumentException(
          "logWeights has length " + (logWeights == null ? "null" : "0") + ", expected at least 1 draw");
    }
    int dropped = 0;
    double max = Double.NEGATIVE_INFINITY;
    for (int s = 0; s < logWeights.length; s++) {
      double r = logWeights[s];
      if (Double.isNaN(r) || r == Double.POSITIVE_INFINITY) {
        throw new IllegalArgumentException(
            "logWeights[" + s + "] is " + r + ", expected a finite value or -Infinity (weight 0)");
      }
      if (r == Double.NEGATIVE_INFINITY) {
        dropped++;
      } else {
        max = Math.max(max, r);
      }
    }
    return new LogWeights(logWeights.clone(), dropped, max);
  }

  private static void checkLength(String name, double[] a, int draws) {
    if (a == null || a.length < draws) {
      throw new IllegalArgumentException(
          name + " has length " + (a == null ? "null" : String.valueOf(a.length)) + ", expected at least " + draws + " (one per draw)");
    }
  }

  /** S, the number of draws, dropped ones included. */
  public int draws() {
    return values.length;
  }

  /** Draws with r = −∞ (log p̃ = −∞): weight 0. */
  public int dropped() {
    return dropped;
  }

  public int finiteCount() {
    return values.length - dropped;
  }

  /** The largest finite log weight; −∞ when every draw was dropped. */
  public double max() {
    return max;
  }

  /** r_s; −∞ for dropped draws. */
  public double get(int s) {
    return values[s];
  }

  /** A copy of all S log weights. */
  public double[] toArray() {
    return values.clone();
  }
}
