package dev.flowvi.cli.report;

import dev.flowvi.engine.train.LossTrend;

/**
 * What a report says about the optimisation: steps run, wall time, steps skipped for a
 * non-finite loss or gradient, samples dropped for a non-finite log density, the loss curve, and
 * the curve's trend over the last steps (the convergence signal).
 */
public record TrainingSummary(int steps, double seconds, long skippedSteps, long droppedSamples, double[] losses, LossTrend trend) {

  public TrainingSummary {
    losses = losses.clone();
  }

  /** A run that returns its last step's parameters: the trend is that of {@code losses}. */
  public TrainingSummary(int steps, double seconds, long skippedSteps, long droppedSamples, double[] losses) {
    this(steps, seconds, skippedSteps, droppedSamples, losses, LossTrend.of(losses));
  }

  @Override
  public double[] losses() {
    return losses.clone();
  }

  /** The last finite loss, or NaN when there is none. */
  public double finalLoss() {
    for (int i = losses.length - 1; i >= 0; i--) {
      if (Double.isFinite(losses[i])) {
        return losses[i];
      }
    }
    return Double.NaN;
  }
}
