package dev.flowvi.engine.train;

/**
 * Training stopped after too many consecutive steps with a non-finite loss or gradient. Carries
 * the last good parameters (those of the last finite step, never touched by a bad one) and names
 * the parameter block (layer) whose gradient first went non-finite, so nothing is lost and the
 * culprit is visible.
 */
public final class TrainingFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient double[] lastGoodParameters;
  private final String block;
  private final int step;

  TrainingFailedException(String message, double[] lastGoodParameters, String block, int step) {
    super(message);
    this.lastGoodParameters = lastGoodParameters.clone();
    this.block = block;
    this.step = step;
  }

  /** A copy of the parameters before the failing steps. */
  public double[] lastGoodParameters() {
    return lastGoodParameters.clone();
  }

  /**
   * Name of the parameter block whose gradient held the first non-finite entry, or null when the
   * gradient stayed finite (a non-finite loss, or every sample dropped).
   */
  public String block() {
    return block;
  }

  /** The step at which training gave up. */
  public int step() {
    return step;
  }
}
