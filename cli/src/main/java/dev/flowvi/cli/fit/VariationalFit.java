package dev.flowvi.cli.fit;

import dev.flowvi.cli.console.ProgressListener;
import dev.flowvi.cli.report.Draws;
import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.diagnostics.FitDiagnostics;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.target.LogDensity;
import dev.flowvi.engine.train.Trainer;
import dev.flowvi.engine.train.TrainerConfig;
import dev.flowvi.engine.train.TrainingResult;
import java.util.List;

/**
 * One variational fit as the CLI runs it: train the flow against the target, then draw S samples
 * from the fitted q, score them under the target and diagnose them (ELBO, evidence, ESS, k̂), and
 * map them to the model's constrained parameters for the summaries and plots.
 */
public final class VariationalFit {
  /** Key of the diagnostic draws' random stream, apart from every (step, chunk) training key. */
  private static final long DIAGNOSTIC_STREAM = -7;

  private VariationalFit() {}

  /**
   * What a fit hands back: the training run, the constrained draws inside the model's support,
   * the diagnostics of all the draws, and the fitted parameters.
   */
  public record Outcome(TrainingResult training, Draws draws, FitDiagnostics diagnostics, double[] params) {}

  public static Outcome run(
      TransformedDistribution flow, LogDensity target, Constraining constraining, TrainerConfig config,
      int diagnosticDraws, ProgressListener progress) {
    Checks.sameDim("the flow", flow.dim(), "target", target.dim());
    Checks.positive("diagnosticDraws", diagnosticDraws);
    int steps = config.schedule().steps();
    Trainer trainer = Trainer.of(config, new ProgressBarListener(progress, steps));
    TrainingResult result;
    try {
      result = trainer.fit(flow, target, flow.initialParameters(config.seed()));
    } finally {
      // Also on failure, so an error message starts on a fresh line after a redrawn bar.
      progress.onFinish();
    }
    double[] params = result.params();

    int s = diagnosticDraws;
    int dim = flow.dim();
    double[] z = new double[dim * s];
    double[] logq = new double[s];
    double[] logp = new double[s];
    RandomStream rng = RandomStream.of(config.seed()).derive(DIAGNOSTIC_STREAM);
    flow.sampleAndLogProb(params, 0, rng, null, z, logq, s, flow.newWorkspace(s));
    target.logDensity(z, s, logp);
    for (int i = 0; i < s; i++) {
      // The diagnostics treat NaN as a bug and −∞ as "outside the support": a NaN log density
      // is a point the model cannot score, so it counts as outside.
      if (Double.isNaN(logp[i])) {
        logp[i] = Double.NEGATIVE_INFINITY;
      }
    }
    int d = constraining.names().size();
    double[] constrained = new double[d * s];
    constraining.constrain(z, s, constrained);
    String[] names = constraining.names().toArray(new String[0]);
    FitDiagnostics diagnostics = FitDiagnostics.of(names, constrained, d, s, logp, logq);
    Draws kept = insideSupport(constraining.names(), constrained, s, logp);
    return new Outcome(result, kept, diagnostics, params);
  }

  /**
   * The draws the target can score: one with log p̃ = −∞ lies outside the model's support (the
   * diagnostics count it, with weight 0), so it is no posterior draw and stays out of the draws and
   * summaries.
   */
  private static Draws insideSupport(List<String> names, double[] values, int s, double[] logp) {
    int kept = 0;
    for (int i = 0; i < s; i++) {
      kept += logp[i] > Double.NEGATIVE_INFINITY ? 1 : 0;
    }
    if (kept == 0) {
      throw new IllegalStateException("every one of the " + s + " draws from the fitted flow lies outside the model's support");
    }
    if (kept == s) {
      return new Draws(names, values, s);
    }
    double[] out = new double[names.size() * kept];
    for (int j = 0; j < names.size(); j++) {
      for (int i = 0, k = 0; i < s; i++) {
        if (logp[i] > Double.NEGATIVE_INFINITY) {
          out[j * kept + k++] = values[j * s + i];
        }
      }
    }
    return new Draws(names, out, kept);
  }
}
