package dev.flowvi.cli;

import dev.flowvi.cli.report.Draws;
import dev.flowvi.cli.report.FitReport;
import dev.flowvi.cli.report.ParameterSummary;
import dev.flowvi.cli.report.Provenance;
import dev.flowvi.cli.report.ReportDirectory;
import dev.flowvi.engine.model.CsvData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flowvi report}: summary, corner plot and HTML page for draws from any sampler (a
 * FlowVI {@code draws.csv}, or another tool's output), optionally against reference draws and
 * true values.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Summarise draws from a CSV file (one column per parameter): summary.csv, corner.png, index.html.")
final class ReportCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  CommonOptions common;

  @Option(names = "--draws", required = true, paramLabel = "FILE.csv", description = "Draws, one column per parameter.")
  Path drawsFile;

  @Option(names = "--reference", paramLabel = "FILE.csv", description = "Reference draws with the same column names, overlaid in orange.")
  Path referenceFile;

  @Option(names = "--truth", paramLabel = "NAME=VALUE", split = ",", description = "True values to overlay, e.g. --truth m1=1.5,m2=-0.8.")
  Map<String, Double> truth = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    Draws draws = Draws.of(CsvData.read(InputFiles.existing("--draws", drawsFile)));
    if (draws.count() < 2) {
      throw new IllegalArgumentException(drawsFile + " has " + draws.count() + " draw, expected at least 2");
    }
    Draws reference = referenceFile == null ? null
        : Draws.of(CsvData.read(InputFiles.existing("--reference", referenceFile), draws.names()), draws.names());
    double[] truthValues = truth.isEmpty() ? null : truthValues(draws.names());
    List<ParameterSummary> summaries = ParameterSummary.of(draws);
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("command", "report");
    settings.put("draws", drawsFile.toString());
    if (referenceFile != null) {
      settings.put("reference", referenceFile.toString());
    }
    FitReport report = new FitReport("FlowVI report: " + drawsFile.getFileName(), settings, null, null, summaries, Provenance.current());
    Path out = common.out(baseName(drawsFile));
    ReportDirectory.write(out, report, draws, truthValues, reference);
    if (!common.quiet()) {
      SummaryTable.print(spec.commandLine().getOut(), summaries);
      spec.commandLine().getOut().println("wrote " + out.resolve("index.html"));
    }
    return 0;
  }

  private double[] truthValues(List<String> names) {
    double[] v = new double[names.size()];
    Arrays.fill(v, Double.NaN);
    for (Map.Entry<String, Double> e : truth.entrySet()) {
      int j = names.indexOf(e.getKey());
      if (j < 0) {
        throw new IllegalArgumentException("--truth names parameter '" + e.getKey() + "', expected one of " + String.join(",", names));
      }
      v[j] = e.getValue();
    }
    return v;
  }

  static String baseName(Path file) {
    String s = file.getFileName().toString();
    int dot = s.lastIndexOf('.');
    return dot > 0 ? s.substring(0, dot) : s;
  }
}
