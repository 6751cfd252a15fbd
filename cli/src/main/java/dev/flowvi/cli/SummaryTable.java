package dev.flowvi.cli;

import dev.flowvi.cli.report.ParameterSummary;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** The posterior summary as an aligned text table for the terminal. */
final class SummaryTable {
  private SummaryTable() {}

  static void print(PrintWriter out, List<ParameterSummary> rows) {
    int w = "parameter".length();
    for (ParameterSummary r : rows) {
      w = Math.max(w, r.parameter().length());
    }
    String head = "%-" + w + "s %12s %12s %12s %12s %12s%n";
    String row = "%-" + w + "s %12.5g %12.5g %12.5g %12.5g %12.5g%n";
    out.printf(Locale.ROOT, head, "parameter", "mean", "sd", "5%", "50%", "95%");
    for (ParameterSummary r : rows) {
      out.printf(Locale.ROOT, row, r.parameter(), r.mean(), r.sd(), r.q05(), r.q50(), r.q95());
    }
    out.flush();
  }
}
