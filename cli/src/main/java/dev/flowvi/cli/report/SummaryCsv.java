package dev.flowvi.cli.report;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes {@code summary.csv}: one row per parameter, header {@value #HEADER}. */
public final class SummaryCsv {
  public static final String HEADER = "parameter,mean,sd,q05,q50,q95";

  private SummaryCsv() {}

  public static void write(Path file, List<ParameterSummary> rows) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(HEADER);
      w.write('\n');
      for (ParameterSummary r : rows) {
        w.write(r.parameter() + "," + r.mean() + "," + r.sd() + "," + r.q05() + "," + r.q50() + "," + r.q95() + "\n");
      }
    }
  }
}
