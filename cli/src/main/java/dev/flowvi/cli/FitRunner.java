package dev.flowvi.cli;

import dev.flowvi.cli.console.ProgressBar;
import dev.flowvi.cli.console.ProgressListener;
import dev.flowvi.cli.fit.FitPlan;
import dev.flowvi.cli.fit.FitReports;
import dev.flowvi.cli.fit.FittedFlows;
import dev.flowvi.cli.fit.LearningRatePhases;
import dev.flowvi.cli.fit.VariationalFit;
import dev.flowvi.cli.report.Draws;
import dev.flowvi.cli.report.Evidence;
import dev.flowvi.cli.report.FitReport;
import dev.flowvi.cli.report.ParameterSummary;
import dev.flowvi.cli.report.Provenance;
import dev.flowvi.cli.report.ReportDirectory;
import dev.flowvi.cli.report.SummaryCsv;
import dev.flowvi.cli.report.TrainingSummary;
import dev.flowvi.engine.diagnostics.FitDiagnostics;
import dev.flowvi.engine.io.FlowFile;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.train.LossTrend;
import dev.flowvi.engine.train.TrainerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * The part of {@code example} and {@code fit} after the plan is made: apply the budget options,
 * train, diagnose, write the report directory and print the summary table.
 */
final class FitRunner {
  /** The fitted flow's file in the output directory (engine FlowFile format), for {@code flowvi sample}. */
  static final String FLOW_FILE = "flow.fvi";
  /** The PSIS-weighted summaries, in summary.csv's format. */
  static final String PSIS_SUMMARY_CSV = "summary-psis.csv";
  /** Stream key of the restarts' seeds. */
  private static final long RESTART_STREAM = -13;

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
   * Fits {@code --restarts} times from different seeds and reports the fit with the highest ELBO
   * (a lower bound on log Z, so the higher the closer q is to the posterior): the optimiser can
   * settle in a local mode, and a restart from other initial weights, permutations and draws is the
   * remedy the diagnostics themselves cannot supply. Restart 0 uses --seed itself.
   *
   * @param plans the plan for a given seed (the seed fixes the flow's permutations and weights)
   * @param settings what the caller chose (command, model, data), reported before the plan's own
   * @param truth true values per parameter for the corner plot, or null
   * @param reference reference draws for the corner plot, or null
   * @param inputsInDir files the caller wrote into the output directory before the fit (such as
   *     generated data), for the report page to link
   */
  VariationalFit.Outcome run(String title, String outName, LongFunction<FitPlan> plans, int draws, Map<String, String> settings,
      double[] truth, Draws reference, String source, String flowName, List<String> inputsInDir) throws IOException {
    long start = System.nanoTime();
    int restarts = training.restarts();
    FitPlan plan = null;
    VariationalFit.Outcome outcome = null;
    long chosenSeed = common.seed();
    for (int r = 0; r < restarts; r++) {
      long seed = restartSeed(common.seed(), r);
      FitPlan candidatePlan = plans.apply(seed);
      VariationalFit.Outcome candidate = fit(candidatePlan, seed, draws);
      double elbo = candidate.diagnostics().elbo();
      if (restarts > 1 && !common.quiet()) {
        err.printf(Locale.ROOT, "restart %d of %d (seed %d): ELBO %.4f, k-hat %.3f%n", r + 1, restarts, seed, elbo,
            candidate.diagnostics().khat());
        err.flush();
      }
      if (outcome == null || elbo > outcome.diagnostics().elbo() || Double.isNaN(outcome.diagnostics().elbo())) {
        outcome = candidate;
        plan = candidatePlan;
        chosenSeed = seed;
      }
    }
    LearningRatePhases phases = phases(plan);
    int samples = training.samples(plan.samples());

    List<ParameterSummary> rows = ParameterSummary.of(outcome.draws());
    Evidence evidence = FitReports.evidence(outcome.diagnostics());
    Map<String, String> all = new LinkedHashMap<>(settings);
    all.put("preset", training.preset().toString());
    all.put("seed", Long.toString(common.seed()));
    if (restarts > 1) {
      all.put("restarts", restarts + " (kept the highest ELBO, from seed " + chosenSeed + ")");
    }
    all.putAll(plan.description());
    all.put("schedule", phases.toString() + (stopsWhenConverged(plan)
        ? "; each phase ends once the loss's trend has converged (--steps N runs every step)" : ""));
    all.put("samples per step", Integer.toString(samples));
    all.put("sticking the landing", Boolean.toString(plan.stickingTheLanding()));
    all.put("gradient clip norm", Double.toString(plan.clipNorm()));
    all.put("parameters returned", plan.keepBest() ? "best step" : "last step");
    all.put("threads", Integer.toString(training.threads()));
    all.put("diagnostic draws", Integer.toString(draws));
    TrainingSummary trained = FitReports.training(outcome.training());
    FitReport report = new FitReport(title, all, trained, evidence, rows, Provenance.current());
    Path dir = common.out(outName);
    Files.createDirectories(dir);
    FlowFile.save(FittedFlows.of(source, flowName, chosenSeed, outcome.params(), flowMetadata(all, source, flowName, chosenSeed)),
        dir.resolve(FLOW_FILE));
    List<String> linked = new ArrayList<>(inputsInDir);
    linked.add(FLOW_FILE);
    // q's draws reweighted by PSIS: what to read when the verdict says q's own summaries are off.
    List<ParameterSummary> weightedRows = outcome.diagnostics().weightedSummaries() == null ? null
        : ParameterSummary.of(outcome.diagnostics().weightedSummaries());
    if (weightedRows != null) {
      SummaryCsv.write(dir.resolve(PSIS_SUMMARY_CSV), weightedRows);
      linked.add(PSIS_SUMMARY_CSV);
    }
    ReportDirectory.write(dir, report, outcome.draws(), truth, reference, linked);

    if (!common.quiet()) {
      SummaryTable.print(out, rows);
      if (outcome.diagnostics().weightedSummariesPreferred()) {
        out.println("PSIS-weighted (the importance-weighted summaries, which the verdict below trusts over q's own; also in "
            + PSIS_SUMMARY_CSV + "):");
        SummaryTable.print(out, weightedRows);
      }
      double wall = (System.nanoTime() - start) * 1e-9;
      out.printf(Locale.ROOT, "final ELBO %.4f +/- %.4f   log evidence %.4f +/- %.4f   ESS %.0f of %d   k-hat %.3f (threshold %.2f)%n",
          evidence.elbo(), evidence.elboSe(), evidence.logEvidence(), evidence.logEvidenceSe(), evidence.ess(), evidence.draws(),
          evidence.khat(), evidence.khatThreshold());
      out.printf(Locale.ROOT, "wall time %.2f s (training %.2f s: %d steps%s, %d skipped, %d samples dropped; %d of %d draws outside the support)%n",
          wall, outcome.training().seconds(), outcome.training().steps(),
          outcome.training().steps() < phases.total() && stopsWhenConverged(plan) ? " of " + phases.total() + ", phases ended at convergence" : "",
          outcome.training().skippedSteps(),
          outcome.training().droppedSamples(), outcome.diagnostics().dropped(), evidence.draws());
      out.println(convergence(trained.trend(), outcome.training().steps(), phases.rates()[0]));
      out.println(outcome.diagnostics().verdict());
      String stuck = convergedButUntrusted(trained.trend(), outcome.diagnostics());
      if (stuck != null) {
        out.println(stuck);
      }
      out.println("wrote " + dir.resolve("summary.csv") + "; report: " + dir.resolve("index.html"));
      out.flush();
    }
    return outcome;
  }

  /**
   * The loss trend's sentence, with the option to try: more steps when the loss still falls, a
   * third of the first rate when it rises.
   */
  static String convergence(LossTrend trend, int steps, double firstRate) {
    return switch (trend.state()) {
      case IMPROVING -> trend.summary() + " Try --steps " + 2 * steps + ".";
      case WORSENING -> trend.summary() + " Try --learning-rate " + String.format(Locale.ROOT, "%.2g", firstRate / 3) + ".";
      default -> trend.summary();
    };
  }

  /**
   * When k̂ rejects q although the loss had converged, more steps will not help: a sentence that
   * says so and what will; null otherwise.
   */
  static String convergedButUntrusted(LossTrend trend, FitDiagnostics diagnostics) {
    if (trend.state() != LossTrend.State.CONVERGED || !(diagnostics.khat() >= diagnostics.khatThreshold())) {
      return null;
    }
    return "The loss had converged, so more steps alone will not fix this: try a more flexible flow (--flow maf-spline or "
        + "coupling-spline), a heavier-tailed base (fit --base student-t:5), --restarts N for another optimum, or more samples "
        + "per step (--samples).";
  }

  /** Provenance and the fit's settings, as {@code meta.*} lines of the flow file (keys without spaces). */
  private static Map<String, String> flowMetadata(Map<String, String> settings, String source, String flowName, long seed) {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("seed", Long.toString(seed));
    meta.put("source", source);
    meta.put("flow_choice", flowName);
    meta.put("flowvi_version", Provenance.projectVersion());
    meta.put("created", java.time.Instant.now().toString());
    for (Map.Entry<String, String> e : settings.entrySet()) {
      meta.putIfAbsent("fit." + e.getKey().trim().replaceAll("\\s+", "_"), e.getValue().replaceAll("[\\r\\n]+", " "));
    }
    return meta;
  }

  /** One fit of {@code plan} with {@code seed}. */
  private VariationalFit.Outcome fit(FitPlan plan, long seed, int draws) {
    LearningRatePhases phases = phases(plan);
    TrainerConfig config = plan.trainerConfig(training.preset(), phases, training.samples(plan.samples()), seed, training.threads());
    if (stopsWhenConverged(plan)) {
      config = config.toBuilder().stopWhenConverged(true).build();
    }
    ProgressListener progress = common.quiet() ? (s, t, l, r, e) -> {} : ProgressBar.on(err);
    return VariationalFit.run(plan.flow(), plan.target(), plan.constraining(), config, draws, progress);
  }

  /** Whether the plan's phases end at convergence: plans that ask for it, unless --steps fixed the count. */
  private boolean stopsWhenConverged(FitPlan plan) {
    return plan.stopWhenConverged() && !training.stepsGiven();
  }

  private LearningRatePhases phases(FitPlan plan) {
    LearningRatePhases phases = training.stepsGiven() ? plan.phases().scaledTo(training.steps(0)) : plan.phases();
    return training.learningRateGiven() ? phases.withFirstRate(training.learningRate()) : phases;
  }

  /** Restart 0 runs with the user's seed; the others with seeds derived from it. */
  static long restartSeed(long seed, int restart) {
    return restart == 0 ? seed : RandomStream.of(seed).derive(RESTART_STREAM, restart).nextLong();
  }
}
