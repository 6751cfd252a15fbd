package dev.flowvi.cli.fit;

import dev.flowvi.cli.report.Evidence;
import dev.flowvi.cli.report.TrainingSummary;
import dev.flowvi.engine.diagnostics.FitDiagnostics;
import dev.flowvi.engine.train.TrainingResult;

/** Turns the engine's training result and diagnostics into the rows and numbers reports print. */
public final class FitReports {
  private FitReports() {}

  public static Evidence evidence(FitDiagnostics d) {
    return new Evidence(d.elbo(), d.elboSe(), d.logEvidence(), d.logEvidenceSe(), d.ess(), d.khat(), d.khatThreshold(), d.draws(),
        d.verdict());
  }

  public static TrainingSummary training(TrainingResult r) {
    return new TrainingSummary(r.steps(), r.seconds(), r.skippedSteps(), r.droppedSamples(), r.lossHistory(), r.lossTrend());
  }
}
