package dev.flowvi.cli.report;

/**
 * What a report says about the optimisation: steps run, wall time, steps skipped for a
 * non-finite loss or gradient, samples dropped for a non-finite log density, and the loss curve.
 */
public record TrainingSummary(int steps, double seconds, long skippedSteps, long droppedSamples, double[] losses) {

  public TrainingSummary {
    losses = losses.clone();
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
