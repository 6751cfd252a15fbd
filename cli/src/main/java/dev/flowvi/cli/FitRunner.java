package dev.flowvi.cli;

import dev.flowvi.cli.console.ProgressBar;
import dev.flowvi.cli.console.ProgressListener;
import dev.flowvi.cli.fit.FitPlan;
import dev.flowvi.cli.fit.FitReports;
import dev.flowvi.cli.fit.FlowFile;
import dev.flowvi.cli.fit.LearningRatePhases;
import dev.flowvi.cli.fit.VariationalFit;
import dev.flowvi.cli.report.Draws;
import dev.flowvi.cli.report.Evidence;
import dev.flowvi.cli.report.FitReport;
import dev.flowvi.cli.report.ParameterSummary;
import dev.flowvi.cli.report.Provenance;
import dev.flowvi.cli.report.ReportDirectory;
import dev.flowvi.engine.train.Schedule;
import dev.flowvi.engine.train.TrainerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The part of {@code example} and {@code fit} after the plan is made: apply the budget options,
 * train, diagnose, write the report directory and print the summary table.
 */
final class FitRunner {
  /** The fitted flow's file in the output directory, for {@code flowvi sample}. */
  static final String FLOW_FILE = "flow.txt";

  private final CommonOptions common;
  private final TrainingOptions training;
  private final PrintWriter out;
  private final PrintWriter err;

  FitRunner(CommonOptions common, TrainingOptions training, PrintWriter out, PrintWriter err) {
    this.common = common;
    this.training = training;
    this.out = out;
    this.err = err;
  }

  /**
   * @param settings what the caller chose (command, model, data), reported before the plan's own
   * @param truth true values per parameter for the corner plot, or null
   * @param reference reference draws for the corner plot, or null
   */
  VariationalFit.Outcome run(String title, String outName, FitPlan plan, int draws, Map<String, String> settings,
      double[] truth, Draws reference, String source, String flowName) throws IOException {
    long start = System.nanoTime();
    LearningRatePhases phases = training.stepsGiven() ? plan.phases().scaledTo(training.steps(0)) : plan.phases();
    int samples = training.samples(plan.samples());
    TrainerConfig config = TrainerConfig.builder()
        .seed(common.seed())
        .schedule(Schedule.piecewiseConstant(phases.rates(), phases.steps()))
        .sampleCount(samples)
        .stickingTheLanding(plan.stickingTheLanding())
        .clipNorm(plan.clipNorm())
        // Patience as long as the run: never stops early, but hands back the best step's parameters.
        .patience(plan.keepBest() ? phases.total() : 0)
        .threads(training.threads())
        .build();
    ProgressListener progress = common.quiet() ? (s, t, l, r, e) -> {} : ProgressBar.on(err);
    VariationalFit.Outcome outcome = VariationalFit.run(plan.flow(), plan.target(), plan.constraining(), config, draws, progress);

    List<ParameterSummary> rows = ParameterSummary.of(outcome.draws());
    Evidence evidence = FitReports.evidence(outcome.diagnostics());
    Map<String, String> all = new LinkedHashMap<>(settings);
    all.put("preset", training.preset().toString());
    all.put("seed", Long.toString(common.seed()));
    all.putAll(plan.description());
    all.put("schedule", phases.toString());
    all.put("samples per step", Integer.toString(samples));
    all.put("sticking the landing", Boolean.toString(plan.stickingTheLanding()));
    all.put("gradient clip norm", Double.toString(plan.clipNorm()));
    all.put("parameters returned", plan.keepBest() ? "best step" : "last step");
    all.put("threads", Integer.toString(training.threads()));
    all.put("diagnostic draws", Integer.toString(draws));
    FitReport report = new FitReport(title, all, FitReports.training(outcome.training()), evidence, rows, Provenance.current());
    Path dir = common.out(outName);
    Files.createDirectories(dir);
    new FlowFile(source, flowName, common.seed(), outcome.params()).write(dir.resolve(FLOW_FILE));
    ReportDirectory.write(dir, report, outcome.draws(), truth, reference, List.of(FLOW_FILE));

    if (!common.quiet()) {
      SummaryTable.print(out, rows);
      double wall = (System.nanoTime() - start) * 1e-9;
      out.printf(Locale.ROOT, "final ELBO %.4f +/- %.4f   log evidence %.4f +/- %.4f   ESS %.0f of %d   k-hat %.3f (threshold %.2f)%n",
          evidence.elbo(), evidence.elboSe(), evidence.logEvidence(), evidence.logEvidenceSe(), evidence.ess(), evidence.draws(),
          evidence.khat(), evidence.khatThreshold());
      out.printf(Locale.ROOT, "wall time %.2f s (training %.2f s: %d steps, %d skipped, %d samples dropped; %d of %d draws outside the support)%n",
          wall, outcome.training().seconds(), outcome.training().steps(), outcome.training().skippedSteps(),
          outcome.training().droppedSamples(), outcome.diagnostics().dropped(), evidence.draws());
      out.println(outcome.diagnostics().verdict());
      out.println("wrote " + dir.resolve("summary.csv") + "; report: " + dir.resolve("index.html"));
      out.flush();
    }
    return outcome;
  }
}
