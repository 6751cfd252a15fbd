package dev.flowvi.cli.fit;

import java.util.Arrays;

/**
 * A piecewise-constant learning-rate plan as the seed writes it, e.g. [(1e-2, 100), (1e-3, 200)]:
 * phase k runs {@code steps[k]} steps at {@code rates[k]}.
 */
public record LearningRatePhases(double[] rates, int[] steps) {

  public LearningRatePhases {
    if (rates.length == 0 || rates.length != steps.length) {
      throw new IllegalArgumentException("phases have " + rates.length + " rates and " + steps.length
          + " step counts, expected the same number, at least one");
    }
    for (int k = 0; k < rates.length; k++) {
      if (!(rates[k] > 0) || !Double.isFinite(rates[k])) {
        throw new IllegalArgumentException("learning rate of phase " + (k + 1) + " is " + rates[k] + ", expected a finite value > 0");
      }
      if (steps[k] < 1) {
        throw new IllegalArgumentException("steps of phase " + (k + 1) + " is " + steps[k] + ", expected at least 1");
      }
    }
    rates = rates.clone();
    steps = steps.clone();
  }

  public static LearningRatePhases of(double rate, int steps) {
    return new LearningRatePhases(new double[] {rate}, new int[] {steps});
  }

  public static LearningRatePhases of(double rate1, int steps1, double rate2, int steps2) {
    return new LearningRatePhases(new double[] {rate1, rate2}, new int[] {steps1, steps2});
  }

  public static LearningRatePhases of(double rate1, int steps1, double rate2, int steps2, double rate3, int steps3) {
    return new LearningRatePhases(new double[] {rate1, rate2, rate3}, new int[] {steps1, steps2, steps3});
  }

  @Override
  public double[] rates() {
    return rates.clone();
  }

  @Override
  public int[] steps() {
    return steps.clone();
  }

  public int total() {
    int t = 0;
    for (int s : steps) {
      t += s;
    }
    return t;
  }

  /**
   * The same plan stretched or shrunk to {@code total} steps, keeping each phase's share (largest
   * remainder rounding, so the shares add up exactly). Phases that would get no step are dropped,
   * except that the first phase always keeps at least one.
   */
  public LearningRatePhases scaledTo(int total) {
    if (total < 1) {
      throw new IllegalArgumentException("total steps is " + total + ", expected at least 1");
    }
    int old = total();
    int k = steps.length;
    int[] share = new int[k];
    double[] remainder = new double[k];
    int given = 0;
    for (int i = 0; i < k; i++) {
      double exact = (double) steps[i] * total / old;
      share[i] = (int) Math.floor(exact);
      remainder[i] = exact - share[i];
      given += share[i];
    }
    while (given < total) {
      int best = 0;
      for (int i = 1; i < k; i++) {
        if (remainder[i] > remainder[best]) {
          best = i;
        }
      }
      share[best]++;
      remainder[best] = -1;
      given++;
    }
    if (share[0] == 0) {
      // Move one step to the first (largest-rate) phase so training never starts at the smallest rate only.
      for (int i = k - 1; i > 0; i--) {
        if (share[i] > 0) {
          share[i]--;
          share[0]++;
          break;
        }
      }
    }
    int kept = 0;
    for (int s : share) {
      kept += s > 0 ? 1 : 0;
    }
    double[] r = new double[kept];
    int[] s = new int[kept];
    for (int i = 0, m = 0; i < k; i++) {
      if (share[i] > 0) {
        r[m] = rates[i];
        s[m++] = share[i];
      }
    }
    return new LearningRatePhases(r, s);
  }

  /**
   * The same plan with its first phase at {@code rate} and every later phase's rate scaled by the
   * same factor, so the decay between phases is kept.
   */
  public LearningRatePhases withFirstRate(double rate) {
    if (!(rate > 0) || !Double.isFinite(rate)) {
      throw new IllegalArgumentException("learning rate is " + rate + ", expected a finite value > 0");
    }
    double[] r = new double[rates.length];
    r[0] = rate;
    for (int i = 1; i < r.length; i++) {
      r[i] = rates[i] * (rate / rates[0]);
    }
    return new LearningRatePhases(r, steps);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < rates.length; i++) {
      b.append(i > 0 ? ", " : "").append('(').append(rates[i]).append(", ").append(steps[i]).append(')');
    }
    return b.append(']').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LearningRatePhases p && Arrays.equals(rates, p.rates) && Arrays.equals(steps, p.steps);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(rates) + Arrays.hashCode(steps);
  }
}
