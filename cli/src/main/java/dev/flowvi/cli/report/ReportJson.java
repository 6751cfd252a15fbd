package dev.flowvi.cli.report;

import dev.flowvi.engine.train.LossTrend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Writes {@code report.json}: the diagnostics at top level under snake_case keys (elbo, elbo_se,
 * log_evidence, log_evidence_se, ess, khat, khat_threshold, steps, seconds, skipped_steps,
 * dropped_samples, final_loss, and the convergence object: the loss's trend over the last steps),
 * then settings, versions and the parameter summaries.
 */
public final class ReportJson {
  private ReportJson() {}

  public static String render(FitReport r) {
    JsonWriter j = new JsonWriter().beginObject();
    j.field("title", r.title());
    Evidence e = r.evidence();
    double nan = Double.NaN;
    j.field("elbo", e == null ? nan : e.elbo());
    j.field("elbo_se", e == null ? nan : e.elboSe());
    j.field("log_evidence", e == null ? nan : e.logEvidence());
    j.field("log_evidence_se", e == null ? nan : e.logEvidenceSe());
    j.field("ess", e == null ? nan : e.ess());
    j.field("khat", e == null ? nan : e.khat());
    j.field("khat_threshold", e == null ? nan : e.khatThreshold());
    j.field("diagnostic_draws", e == null ? 0 : e.draws());
    j.field("verdict", e == null ? null : e.verdict());
    TrainingSummary t = r.training();
    j.field("steps", t == null ? 0 : t.steps());
    j.field("seconds", t == null ? nan : t.seconds());
    j.field("skipped_steps", t == null ? 0 : t.skippedSteps());
    j.field("dropped_samples", t == null ? 0 : t.droppedSamples());
    j.field("final_loss", t == null ? nan : t.finalLoss());
    if (t != null) {
      LossTrend trend = t.trend();
      j.name("convergence").beginObject()
          .field("state", trend.state().name().toLowerCase(Locale.ROOT).replace('_', ' '))
          .field("first_step", trend.firstStep())
          .field("last_step", trend.lastStep())
          .field("loss_change", trend.change())
          .field("loss_change_se", trend.changeSe())
          .field("summary", trend.summary())
          .endObject();
    }
    j.name("settings").beginObject();
    for (Map.Entry<String, String> s : r.settings().entrySet()) {
      j.field(s.getKey(), s.getValue());
    }
    j.endObject();
    Provenance p = r.provenance();
    j.name("versions").beginObject()
        .field("flowvi", p.flowviVersion())
        .field("java.version", p.javaVersion())
        .field("java.vendor", p.javaVendor())
        .field("kernels", p.kernels())
        .endObject();
    j.name("parameters").beginArray();
    for (ParameterSummary s : r.summaries()) {
      j.beginObject().field("parameter", s.parameter()).field("mean", s.mean()).field("sd", s.sd())
          .field("q05", s.q05()).field("q50", s.q50()).field("q95", s.q95()).endObject();
    }
    j.endArray();
    return j.endObject().toString();
  }

  public static void write(Path file, FitReport r) throws IOException {
    Files.writeString(file, render(r), StandardCharsets.UTF_8);
  }
}
