package dev.flowvi.engine.train;

/** Receives progress from a {@link Trainer} on the training thread; keep it quick. */
@FunctionalInterface
public interface TrainingListener {
  /** Called after every step, taken or skipped. */
  void onStep(TrainingProgress progress);

  /** Called after every epoch of {@link Trainer#fitToData}; the default does nothing. */
  default void onEpoch(int epoch, double trainingLoss, double validationLoss) {}

  /** A listener that ignores everything. */
  static TrainingListener none() {
    return p -> {};
  }
}
