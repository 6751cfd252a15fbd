package dev.flowvi.engine.train;

import java.util.Arrays;

/**
 * A learning rate per optimiser step, over a fixed number of steps. Immutable.
 *
 * <p>Past its last step a schedule keeps its final rate, so data fitting, which runs by epochs,
 * can use any schedule.
 */
public final class Schedule {
  private final double[] rates;
  private final int[] ends;
  private final boolean cosine;
  private final double floor;
  private final boolean restartsPerPhase;

  private Schedule(double[] rates, int[] ends, boolean cosine, double floor, boolean restartsPerPhase) {
    this.rates = rates;
    this.ends = ends;
    this.cosine = cosine;
    this.floor = floor;
    this.restartsPerPhase = restartsPerPhase;
  }

  /** One rate held for {@code steps} steps. */
  public static Schedule constant(double rate, int steps) {
    return piecewiseConstant(new double[] {rate}, new int[] {steps});
  }

  /**
   * Rates held for consecutive runs of steps: {@code piecewiseConstant(new double[] {1e-2, 4e-3,
   * 1e-3}, new int[] {50, 50, 50})} is the seed's [(1e-2, 50), (4e-3, 50), (1e-3, 50)].
   */
  public static Schedule piecewiseConstant(double[] rates, int[] steps) {
    if (rates == null || steps == null || rates.length != steps.length) {
      throw new IllegalArgumentException(
          "rates and steps have lengths " + (rates == null ? "null" : rates.length) + " and " + (steps == null ? "null" : steps.length)
              + ", expected the same length (one run of steps per rate)");
    }
    int[] ends = new int[steps.length];
    int total = 0;
    for (int i = 0; i < steps.length; i++) {
      checkRate("rates[" + i + "]", rates[i]);
      if (steps[i] < 0) {
        throw new IllegalArgumentException("steps[" + i + "] is " + steps[i] + ", expected at least 0");
      }
      total = Math.addExact(total, steps[i]);
      ends[i] = total;
    }
    requireSteps(total, Arrays.toString(steps));
    return new Schedule(rates.clone(), ends, false, 0.0, false);
  }

  /**
   * Like {@link #piecewiseConstant}, but each run of steps starts a fresh optimiser (moments zeroed,
   * bias correction from step 1), as FlowJAX does when a script calls {@code fit_to_key_based_loss}
   * once per learning rate, as the seed post does. Carrying one Adam state across the runs instead
   * collapsed M1's w1 posterior sd to 0.03 of the truth (see M1ExampleTest).
   */
  public static Schedule stages(double[] rates, int[] steps) {
    Schedule s = piecewiseConstant(rates, steps);
    return new Schedule(s.rates, s.ends, false, 0.0, true);
  }

  /**
   * Cosine decay from {@code initial} to {@code floor} over {@code steps} steps (Loshchilov and
   * Hutter 2017, SGDR eq. 5, one cycle): rate(t) = floor + (initial − floor)(1 + cos(π t/steps))/2.
   */
  public static Schedule cosine(double initial, int steps, double floor) {
    checkRate("initial", initial);
    if (!(floor >= 0) || !(floor <= initial)) {
      throw new IllegalArgumentException("floor is " + floor + ", expected a value in [0, initial = " + initial + "]");
    }
    requireSteps(steps, String.valueOf(steps));
    return new Schedule(new double[] {initial}, new int[] {steps}, true, floor, false);
  }

  private static void checkRate(String name, double rate) {
    if (!(rate > 0) || !Double.isFinite(rate)) {
      throw new IllegalArgumentException(name + " is " + rate + ", expected a finite learning rate > 0");
    }
  }

  private static void requireSteps(int total, String what) {
    if (total < 1) {
      throw new IllegalArgumentException("schedule steps are " + what + ", expected at least one step in total");
    }
  }

  /** Total number of steps. */
  public int steps() {
    return ends[ends.length - 1];
  }

  /**
   * The first step after the constant-rate phase holding {@code step}: the end of its run of steps
   * for a piecewise-constant schedule or its stages, {@link #steps()} for a cosine one.
   */
  public int phaseEnd(int step) {
    if (step < 0) {
      throw new IllegalArgumentException("step is " + step + ", expected at least 0");
    }
    if (!cosine) {
      for (int end : ends) {
        if (step < end) {
          return end;
        }
      }
    }
    return steps();
  }

  /** Whether the optimiser restarts before step {@code step}: the first step of a later stage of {@link #stages}. */
  public boolean restartsBefore(int step) {
    if (!restartsPerPhase || step <= 0) {
      return false;
    }
    for (int i = 0; i < ends.length - 1; i++) {
      if (ends[i] == step) {
        return true;
      }
    }
    return false;
  }

  /** The learning rate of step {@code step} (0-based); the final rate past the end. */
  public double rate(int step) {
    if (step < 0) {
      throw new IllegalArgumentException("step is " + step + ", expected at least 0");
    }
    if (cosine) {
      int t = Math.min(step, steps());
      return floor + (rates[0] - floor) * 0.5 * (1.0 + Math.cos(Math.PI * t / steps()));
    }
    for (int i = 0; i < ends.length; i++) {
      if (step < ends[i]) {
        return rates[i];
      }
    }
    return rates[rates.length - 1];
  }

  @Override
  public String toString() {
    if (cosine) {
      return "cosine(" + rates[0] + " → " + floor + ", " + steps() + " steps)";
    }
    StringBuilder sb = new StringBuilder(restartsPerPhase ? "stages[" : "piecewiseConstant[");
    int prev = 0;
    for (int i = 0; i < rates.length; i++) {
      sb.append(i == 0 ? "" : ", ").append('(').append(rates[i]).append(", ").append(ends[i] - prev).append(')');
      prev = ends[i];
    }
    return sb.append(']').toString();
  }
}
