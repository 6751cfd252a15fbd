package dev.flowvi.engine.train;

import java.util.Locale;

/**
 * The convergence signal of a training run: the least-squares trend of the loss over its last
 * steps, with a standard error, read as still improving, getting worse, converged, or not yet
 * settled either way. Immutable.
 *
 * <p>The window is the last {@value #WINDOW_PERCENT} % of the steps, at least {@value
 * #MIN_WINDOW}. Each step's loss is a fresh Monte Carlo estimate, so the residuals about the line
 * are noise, but Adam's momentum can correlate neighbours: the slope's error is widened by the
 * AR(1) factor √((1 + ρ)/(1 − ρ)), with ρ the residuals' lag-1 autocorrelation corrected for its
 * small-window bias (then ρ ≥ 0, at most {@value #MAX_RHO}). The trend's change across the window
 * is then compared with {@value #MATERIAL_CHANGE} nats, a change of KL(q‖p) worth having: a Gaussian q whose mean is off by
 * 0.25 sd, the smallest error {@code FitDiagnostics} flags in a summary, is 0.25²/2 ≈ 0.031 nats
 * from the posterior.
 */
public final class LossTrend {
  /** What the trend says. */
  public enum State {
    /** The loss still falls by more than the material change and the noise: more steps would help. */
    IMPROVING,
    /** The loss rises by more than the material change and the noise: the learning rate is too high. */
    WORSENING,
    /** The change, with two standard errors either way, is below the material change. */
    CONVERGED,
    /**
     * Neither: the change is not shown to be material, but two standard errors reach beyond the
     * material change (a noisy loss, or a small real drift).
     */
    UNSETTLED,
    /** Too few finite losses to fit a trend. */
    NOT_ASSESSED
  }

  /**
   * The shortest window: a drift it calls converged is under 0.03 nats across 50 steps, so under
   * 6·10⁻⁴ nats per step, which bounds what {@link TrainerConfig#stopWhenConverged} gives up by
   * ending a phase on it.
   */
  public static final int MIN_WINDOW = 50;
  /** A trend needs at least this many finite losses in its window. */
  public static final int MIN_FINITE = 10;
  public static final int WINDOW_PERCENT = 20;
  public static final double MATERIAL_CHANGE = 0.03;
  /** A trend is real when it exceeds this many standard errors. */
  public static final double SIGNIFICANCE = 3;
  /** A change is bounded below the material change by this many standard errors. */
  public static final double BOUND = 2;
  /** The cap on ρ, which keeps the widening factor finite (at most √19 ≈ 4.4). */
  public static final double MAX_RHO = 0.9;

  private final State state;
  private final int firstStep;
  private final int lastStep;
  private final double change;
  private final double changeSe;
  private final double lag1;
  private final double trendEnd;
  private final int bestStep;
  private final double bestLoss;
  private final boolean bestStepReturned;

  private LossTrend(
      State state, int firstStep, int lastStep, double change, double changeSe, double lag1, double trendEnd, int bestStep, double bestLoss,
      boolean bestStepReturned) {
    this.state = state;
    this.firstStep = firstStep;
    this.lastStep = lastStep;
    this.change = change;
    this.changeSe = changeSe;
    this.lag1 = lag1;
    this.trendEnd = trendEnd;
    this.bestStep = bestStep;
    this.bestLoss = bestLoss;
    this.bestStepReturned = bestStepReturned;
  }

  /** The trend of {@code losses}, one per step in order, of a run that returns its last step's parameters. */
  public static LossTrend of(double[] losses) {
    return of(losses, false);
  }

  /**
   * The trend of {@code losses}, one per step in order; NaN or infinite entries (skipped steps) are
   * left out. {@code bestStepReturned} says the run hands back the parameters of its lowest-loss
   * step, as the trainer does with early stopping enabled: the summary then says when that step
   * lies before the window, since the trend does not describe the parameters returned.
   */
  public static LossTrend of(double[] losses, boolean bestStepReturned) {
    if (losses == null) {
      throw new IllegalArgumentException("losses is null; pass the loss of every step, as TrainingResult.lossHistory() gives it");
    }
    return of(losses, losses.length, bestStepReturned);
  }

  /**
   * The trend of the first {@code steps} entries of {@code losses}, as {@link #of(double[],
   * boolean)}: a run in progress reads its own history without copying it.
   */
  public static LossTrend of(double[] losses, int steps, boolean bestStepReturned) {
    if (losses == null || steps < 0 || steps > losses.length) {
      throw new IllegalArgumentException("steps is " + steps + " for " + (losses == null ? "null losses" : losses.length + " losses")
          + ", expected 0.." + (losses == null ? 0 : losses.length) + " of a non-null history");
    }
    int bestStep = 0;
    double bestLoss = Double.NaN;
    for (int t = 0; t < steps; t++) {
      if (Double.isFinite(losses[t]) && !(losses[t] >= bestLoss)) {
        bestLoss = losses[t];
        bestStep = t + 1;
      }
    }
    int window = Math.min(steps, Math.max(MIN_WINDOW, (steps * WINDOW_PERCENT + 99) / 100));
    int from = steps - window;
    int m = 0;
    double tMean = 0;
    double lMean = 0;
    for (int t = from; t < steps; t++) {
      if (Double.isFinite(losses[t])) {
        m++;
        tMean += (t - tMean) / m;
        lMean += (losses[t] - lMean) / m;
      }
    }
    if (m < MIN_FINITE) {
      return new LossTrend(State.NOT_ASSESSED, from + 1, steps, Double.NaN, Double.NaN, Double.NaN, Double.NaN, bestStep, bestLoss,
          bestStepReturned);
    }
    double sxx = 0;
    double sxy = 0;
    for (int t = from; t < steps; t++) {
      if (Double.isFinite(losses[t])) {
        sxx += (t - tMean) * (t - tMean);
        sxy += (t - tMean) * (losses[t] - lMean);
      }
    }
    double slope = sxy / sxx;
    double rss = 0;
    double lagged = 0;
    double previous = Double.NaN;
    for (int t = from; t < steps; t++) {
      if (Double.isFinite(losses[t])) {
        double e = losses[t] - lMean - slope * (t - tMean);
        rss += e * e;
        if (!Double.isNaN(previous)) {
          lagged += previous * e;
        }
        previous = e;
      }
    }
    double rho = rss > 0 ? lagged / rss : 0;
    // Residuals about a fitted line understate ρ by about (2 + 4ρ)/m (the line absorbs part of
    // the correlated noise); without the correction two standard errors cover too little.
    double r = Math.min(Math.max(rho + (2 + 4 * rho) / m, 0), MAX_RHO);
    double slopeSe = Math.sqrt(rss / (m - 2) / sxx * (1 + r) / (1 - r));
    double change = slope * (window - 1);
    double changeSe = slopeSe * (window - 1);
    double trendEnd = lMean + slope * (steps - 1 - tMean);
    return new LossTrend(classify(change, changeSe), from + 1, steps, change, changeSe, rho, trendEnd, bestStep, bestLoss, bestStepReturned);
  }

  private static State classify(double change, double se) {
    if (Math.abs(change) >= MATERIAL_CHANGE && Math.abs(change) > SIGNIFICANCE * se) {
      return change < 0 ? State.IMPROVING : State.WORSENING;
    }
    if (Math.abs(change) + BOUND * se < MATERIAL_CHANGE) {
      return State.CONVERGED;
    }
    return State.UNSETTLED;
  }

  public State state() {
    return state;
  }

  /** First step of the window, counted from 1. */
  public int firstStep() {
    return firstStep;
  }

  /** Last step of the window (the run's last), counted from 1. */
  public int lastStep() {
    return lastStep;
  }

  /** The trend's change of the loss from the window's first step to its last (negative: falling); NaN when not assessed. */
  public double change() {
    return change;
  }

  /** The standard error of {@link #change()}. */
  public double changeSe() {
    return changeSe;
  }

  /** The lag-1 autocorrelation of the residuals (before the clamp to [0, {@value #MAX_RHO}]). */
  public double lag1Autocorrelation() {
    return lag1;
  }

  /** The trend line's value at the last step; NaN when not assessed. */
  public double trendEnd() {
    return trendEnd;
  }

  /** The step with the lowest finite loss, counted from 1; 0 when no loss is finite. */
  public int bestStep() {
    return bestStep;
  }

  /** The lowest finite loss; NaN when there is none. */
  public double bestLoss() {
    return bestLoss;
  }

  /** Whether more steps would likely lower the loss materially. */
  public boolean improving() {
    return state == State.IMPROVING;
  }

  /**
   * Whether the run returns its best step's parameters and that step lies before the window: the
   * last steps never came back to its loss, so the trend describes the run, not the result.
   */
  public boolean bestStepBeforeWindow() {
    return bestStepReturned && bestStep > 0 && bestStep < firstStep;
  }

  /** One or two sentences for a report: the state, the figures, and what to do. */
  public String summary() {
    String figures = String.format(Locale.ROOT, "over steps %d-%d the loss's trend changed it by %+.4g ± %.2g nats",
        firstStep, lastStep, change, changeSe);
    boolean earlyBest = bestStepBeforeWindow();
    String text = switch (state) {
      case IMPROVING -> "Still improving: " + figures + (earlyBest
          ? ", so more steps would lower it further, though they may not beat the returned parameters' step (below)."
          : ", so more steps would raise the ELBO further.");
      case WORSENING -> "Getting worse: " + figures + "; lower the learning rate, or keep the best step's parameters.";
      case CONVERGED -> "Converged: " + figures + String.format(Locale.ROOT, ", below %.2g nats with two standard errors to spare.", MATERIAL_CHANGE);
      case UNSETTLED -> "Not settled: " + figures + String.format(Locale.ROOT,
          ", which two standard errors do not keep below %.2g nats; more steps, or more samples per step, would tell.",
          MATERIAL_CHANGE);
      case NOT_ASSESSED -> String.format(Locale.ROOT,
          "Convergence not assessed: fewer than %d finite losses in the last %d steps.", MIN_FINITE, lastStep - firstStep + 1);
    };
    if (earlyBest) {
      text += String.format(Locale.ROOT, " The parameters returned are step %d's, whose loss %.8g the last steps did not come back to%s.",
          bestStep, bestLoss, Double.isNaN(trendEnd) ? "" : String.format(Locale.ROOT, " (their trend ends at %.8g)", trendEnd));
    }
    return text;
  }

  @Override
  public String toString() {
    return "LossTrend[" + state + ", " + summary() + "]";
  }
}
