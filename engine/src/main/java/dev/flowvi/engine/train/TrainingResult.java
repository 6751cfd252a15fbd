package dev.flowvi.engine.train;

/**
 * What a training run produced: the parameters, the best loss seen, the loss per step, and how
 * many steps were taken, skipped and how many samples dropped. Immutable.
 */
public final class TrainingResult {
  private final double[] params;
  private final boolean bestReturned;
  private final double bestLoss;
  private final double[] lossHistory;
  private final int steps;
  private final int skippedSteps;
  private final long droppedSamples;
  private final double seconds;
  private final boolean stoppedEarly;
  private final TrainerConfig config;

  TrainingResult(
      double[] params, boolean bestReturned, double bestLoss, double[] lossHistory, int steps, int skippedSteps, long droppedSamples, double seconds, boolean stoppedEarly,
      TrainerConfig config) {
    this.params = params.clone();
    this.bestReturned = bestReturned;
    this.bestLoss = bestLoss;
    this.lossHistory = lossHistory.clone();
    this.steps = steps;
    this.skippedSteps = skippedSteps;
    this.droppedSamples = droppedSamples;
    this.seconds = seconds;
    this.stoppedEarly = stoppedEarly;
    this.config = config;
  }

  /** The configuration that produced this result (seed included): its provenance. */
  public TrainerConfig config() {
    return config;
  }

  /**
   * The trained parameters: the best ones seen when early stopping was enabled (patience &gt; 0,
   * or always for {@link Trainer#fitToData}), otherwise those after the last step.
   */
  public double[] params() {
    return params.clone();
  }

  /** Whether {@link #params()} are the best step's (or epoch's) rather than the last one's. */
  public boolean bestReturned() {
    return bestReturned;
  }

  /** The lowest loss seen (training loss, or validation loss for data fitting). */
  public double bestLoss() {
    return bestLoss;
  }

  /** The loss of each step in order (NaN for skipped steps); per epoch validation loss for data fitting. */
  public double[] lossHistory() {
    return lossHistory.clone();
  }

  /**
   * The convergence signal: the trend of {@link #lossHistory()} over the run's last steps (for
   * {@link Trainer#fitToData}, over its last epochs' validation losses).
   */
  public LossTrend lossTrend() {
    return LossTrend.of(lossHistory, bestReturned);
  }

  /** Steps run, skipped ones included. */
  public int steps() {
    return steps;
  }

  public int skippedSteps() {
    return skippedSteps;
  }

  public long droppedSamples() {
    return droppedSamples;
  }

  public double seconds() {
    return seconds;
  }

  /** Whether early stopping (the plateau rule, or {@link TrainerConfig#stopWhenConverged}) ended the run before the schedule did. */
  public boolean stoppedEarly() {
    return stoppedEarly;
  }

  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT, "TrainingResult[steps=%d, bestLoss=%.6g, skipped=%d, dropped=%d, %.2fs%s]",
        steps, bestLoss, skippedSteps, droppedSamples, seconds, stoppedEarly ? ", stopped early" : "");
  }
}
