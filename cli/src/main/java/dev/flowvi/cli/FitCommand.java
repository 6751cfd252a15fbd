package dev.flowvi.cli;

import dev.flowvi.cli.fit.BaseChoice;
import dev.flowvi.cli.fit.FittedFlows;
import dev.flowvi.cli.fit.FlowChoice;
import dev.flowvi.cli.fit.ModelPlans;
import dev.flowvi.cli.report.Draws;
import dev.flowvi.engine.model.CsvData;
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.model.Model;
import dev.flowvi.engine.model.ModelFile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code flowvi fit}: fits a flow to the posterior of a model file and its CSV data. */
@Command(name = "fit", mixinStandardHelpOptions = true,
    description = "Fit a normalising flow to the posterior of a model file (docs/MODELS.md) and write a report.")
final class FitCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  CommonOptions common;

  @Mixin
  TrainingOptions training;

  @Mixin
  DrawsOption draws;

  @Option(names = "--model", required = true, paramLabel = "FILE", description = "The model file.")
  Path modelFile;

  @Option(names = "--data", paramLabel = "FILE.csv", description = "Data with the columns the model declares.")
  Path dataFile;

  private FlowChoice flow = FlowChoice.MAF;

  @Option(names = "--flow", paramLabel = "NAME", description = "The flow: one of ${COMPLETION-CANDIDATES} (default: maf).",
      completionCandidates = FlowNames.class)
  void setFlow(String name) {
    try {
      flow = FlowChoice.parse(name);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
  }

  private BaseChoice base = BaseChoice.NORMAL;

  @Option(names = "--base", paramLabel = "NAME",
      description = "The flow's base distribution: normal (default), student-t:DF, laplace, logistic or cauchy; "
          + "the heavier-tailed ones have trainable loc and scale.")
  void setBase(String name) {
    try {
      base = BaseChoice.parse(name);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
  }

  @Option(names = "--reference", paramLabel = "FILE.csv", description = "Reference draws (columns named like the parameters) to overlay on the corner plot.")
  Path referenceFile;

  /** The flow names, for the help text. */
  static final class FlowNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(FlowChoice.values()).map(FlowChoice::toString).iterator();
    }
  }

  @Override
  public Integer call() throws Exception {
    Model model = ModelFile.read(InputFiles.existing("--model", modelFile));
    DataTable data = loadData(model, dataFile);
    if (!common.quiet()) {
      ModelWarnings.print(model, spec.commandLine().getErr());
    }
    List<String> names = List.of(model.parameterNames());
    Draws reference = referenceFile == null ? null
        : Draws.of(CsvData.read(InputFiles.existing("--reference", referenceFile), names), names);
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("command", "fit");
    settings.put("model", modelFile.toString());
    settings.put("data", dataFile == null ? "none" : dataFile.toString());
    String name = ReportCommand.baseName(modelFile);
    new FitRunner(common, training, spec.commandLine().getOut(), spec.commandLine().getErr())
        .run("FlowVI fit: " + modelFile.getFileName(), name,
            s -> ModelPlans.of(model, data, flow, base, training.preset(), s, training.kernels()),
            draws.count(), settings, null, reference,
            FittedFlows.MODEL_SOURCE + modelFile.toAbsolutePath().normalize(),
            ModelPlans.flowName(flow, base, training.preset()), List.of());
    return 0;
  }

  /** The model's data columns from --data; an error when the model reads data and none was given. */
  static DataTable loadData(Model model, Path dataFile) {
    List<String> columns = model.dataColumns();
    if (dataFile == null) {
      if (!columns.isEmpty()) {
        throw new IllegalArgumentException("the model reads data columns " + String.join(",", columns) + ": give them with --data FILE.csv");
      }
      return null;
    }
    return CsvData.read(InputFiles.existing("--data", dataFile), columns);
  }
}
