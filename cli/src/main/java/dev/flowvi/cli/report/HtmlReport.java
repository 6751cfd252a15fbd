package dev.flowvi.cli.report;

import dev.flowvi.engine.train.LossTrend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes {@code index.html}, one self-contained page tying a fit's outputs together: the
 * diagnostics with the convergence signal and a plain-words verdict on k̂, the per-parameter summary, the pictures, links to
 * the data files, and the settings and versions it ran with.
 */
public final class HtmlReport {
  /** The file names the page refers to, relative to the output directory. */
  public static final String LOSS_PNG = "loss.png";
  public static final String LOSS_CSV = "loss.csv";
  public static final String CORNER_PNG = "corner.png";
  public static final String SUMMARY_CSV = "summary.csv";
  public static final String DRAWS_CSV = "draws.csv";
  public static final String REPORT_JSON = "report.json";

  private HtmlReport() {}

  /**
   * Renders the page; {@code outputs} lists the files that exist in the directory: the pictures
   * among them are shown, the others linked.
   */
  public static String render(FitReport r, List<String> outputs) {
    StringBuilder h = new StringBuilder(8192);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        .append(esc(r.title())).append("</title>\n<style>\n")
        .append("body{font-family:sans-serif;margin:2em;max-width:1100px}\n")
        .append("table{border-collapse:collapse;margin:1em 0}\n")
        .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}\n")
        .append("th{background:#f3f3f3}td.name,th.name{text-align:left}\n")
        .append(".good{color:#2a7d2a}.bad{color:#b22222}img{max-width:100%;border:1px solid #ddd}\n")
        .append("</style>\n</head>\n<body>\n<h1>").append(esc(r.title())).append("</h1>\n");

    Evidence e = r.evidence();
    TrainingSummary t = r.training();
    h.append("<h2>Fit</h2>\n<table>\n");
    if (t != null) {
      row(h, "steps", Integer.toString(t.steps()));
      row(h, "wall time (s)", fmt(t.seconds()));
      row(h, "final loss (negative ELBO)", fmt(t.finalLoss()));
      row(h, "skipped steps (non-finite loss or gradient)", Long.toString(t.skippedSteps()));
      row(h, "dropped samples (non-finite log density)", Long.toString(t.droppedSamples()));
    }
    if (e != null) {
      row(h, "ELBO ± MC SE", fmt(e.elbo()) + " ± " + fmt(e.elboSe()));
      row(h, "log evidence (importance weighted) ± SE", fmt(e.logEvidence()) + " ± " + fmt(e.logEvidenceSe()));
      row(h, "importance-sampling ESS", fmt(e.ess()) + " of " + e.draws());
      row(h, "Pareto k̂ (threshold)", fmt(e.khat()) + " (" + fmt(e.khatThreshold()) + ")");
    }
    h.append("</table>\n");
    if (t != null) {
      LossTrend trend = t.trend();
      boolean settled = trend.state() == LossTrend.State.CONVERGED;
      h.append("<p class=\"").append(settled ? "good" : "bad").append("\">").append(esc(trend.summary())).append("</p>\n");
    }
    if (e != null) {
      String words = e.verdict() == null || e.verdict().isBlank()
          ? (e.khatGood() ? "k̂ is below its threshold: the importance weights look reliable."
              : "k̂ is not below its threshold: the importance weights, and so the flow, cannot be trusted.")
          : e.verdict();
      h.append("<p class=\"").append(e.khatGood() ? "good" : "bad").append("\">").append(esc(words)).append("</p>\n");
    }

    h.append("<h2>Posterior summary</h2>\n<table>\n<tr><th class=\"name\">parameter</th><th>mean</th><th>sd</th>")
        .append("<th>5%</th><th>50%</th><th>95%</th></tr>\n");
    for (ParameterSummary s : r.summaries()) {
      h.append("<tr><td class=\"name\">").append(esc(s.parameter())).append("</td><td>").append(fmt(s.mean()))
          .append("</td><td>").append(fmt(s.sd())).append("</td><td>").append(fmt(s.q05()))
          .append("</td><td>").append(fmt(s.q50())).append("</td><td>").append(fmt(s.q95())).append("</td></tr>\n");
    }
    h.append("</table>\n");

    if (outputs.contains(LOSS_PNG)) {
      h.append("<h2>Loss curve</h2>\n<img src=\"").append(LOSS_PNG).append("\" alt=\"training loss curve\">\n");
    }
    if (outputs.contains(CORNER_PNG)) {
      h.append("<h2>Corner plot</h2>\n<img src=\"").append(CORNER_PNG).append("\" alt=\"corner plot of the posterior draws\">\n");
    }
    h.append("<h2>Files</h2>\n<ul>\n");
    for (String f : outputs) {
      if (!f.endsWith(".png") && !f.equals("index.html")) {
        h.append("<li><a href=\"").append(esc(f)).append("\">").append(esc(f)).append("</a></li>\n");
      }
    }
    h.append("</ul>\n<h2>Settings</h2>\n<table>\n");
    for (Map.Entry<String, String> s : r.settings().entrySet()) {
      row(h, s.getKey(), esc(s.getValue()));
    }
    Provenance p = r.provenance();
    row(h, "FlowVI version", esc(p.flowviVersion()));
    row(h, "Java", esc(p.javaVersion() + " (" + p.javaVendor() + ")"));
    row(h, "kernels", esc(p.kernels()));
    h.append("</table>\n</body>\n</html>\n");
    return h.toString();
  }

  public static void write(Path file, FitReport r, List<String> outputs) throws IOException {
    Files.writeString(file, render(r, outputs), StandardCharsets.UTF_8);
  }

  private static void row(StringBuilder h, String key, String valueHtml) {
    h.append("<tr><td class=\"name\">").append(esc(key)).append("</td><td>").append(valueHtml).append("</td></tr>\n");
  }

  static String fmt(double v) {
    if (!Double.isFinite(v)) {
      return Double.toString(v);
    }
    return String.format(Locale.ROOT, "%.4g", v);
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
