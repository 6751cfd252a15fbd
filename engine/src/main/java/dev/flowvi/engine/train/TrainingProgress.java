package dev.flowvi.engine.train;

/**
 * A snapshot of a training run after one step, for progress bars and logs.
 *
 * @param step 0-based index of the step just taken (or skipped)
 * @param loss the step's loss estimate (NaN for a skipped step)
 * @param learningRate the rate the schedule gave this step
 * @param elapsedSeconds wall time since the run started
 * @param skippedSteps steps skipped so far for a non-finite loss or gradient
 * @param droppedSamples samples dropped so far for a non-finite value
 */
public record TrainingProgress(int step, double loss, double learningRate, double elapsedSeconds, int skippedSteps, long droppedSamples) {}
