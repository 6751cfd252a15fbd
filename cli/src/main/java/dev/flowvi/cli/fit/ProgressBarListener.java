package dev.flowvi.cli.fit;

import dev.flowvi.cli.console.ProgressListener;
import dev.flowvi.engine.train.TrainingListener;
import dev.flowvi.engine.train.TrainingProgress;

/** Feeds the trainer's per-step progress (0-based steps) to a CLI progress listener. */
final class ProgressBarListener implements TrainingListener {
  private final ProgressListener bar;
  private final int totalSteps;

  ProgressBarListener(ProgressListener bar, int totalSteps) {
    this.bar = bar;
    this.totalSteps = totalSteps;
  }

  @Override
  public void onStep(TrainingProgress p) {
    bar.onStep(p.step() + 1, totalSteps, p.loss(), p.learningRate(), p.elapsedSeconds());
  }
}
