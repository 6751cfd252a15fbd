package dev.flowvi.cli.console;

/** Receives training progress, one call per optimisation step. */
public interface ProgressListener {

  /**
   * @param step steps completed so far, 1-based
   * @param totalSteps steps planned
   * @param loss this step's loss (may be non-finite for a skipped step)
   * @param learningRate the learning rate used for this step
   * @param elapsedSeconds wall time since training started
   */
  void onStep(int step, int totalSteps, double loss, double learningRate, double elapsedSeconds);

  /** Training ended (normally, early or with an error); the listener may finish its output. */
  default void onFinish() {}
}
