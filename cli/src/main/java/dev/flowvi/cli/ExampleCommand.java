package dev.flowvi.cli;

import dev.flowvi.cli.fit.Preset;
import dev.flowvi.cli.fit.SeedExamples;
import dev.flowvi.engine.examples.M1Data;
import dev.flowvi.engine.examples.M2Data;
import dev.flowvi.engine.model.CsvData;
import dev.flowvi.engine.model.DataTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flowvi example m1}: runs one of the seed post's examples end to end and writes its
 * report. Data are generated from the true values with the seed unless --data gives a CSV file.
 */
@Command(name = "example", mixinStandardHelpOptions = true,
    description = {"Fit one of the seed post's examples end to end and write a report.",
        "m1: mixture of two lines (4 parameters m1, m2, c2, w1; data columns x,y).",
        "m2: three particle tracks plus background in 3-D (26 coordinates, 27 named parameters; data columns t,x,y,z,e)."})
final class ExampleCommand implements Callable<Integer> {
  /** The generated data, in the output directory, in the format --data reads. */
  static final String DATA_CSV = "data.csv";

  @Spec
  CommandSpec spec;

  @Mixin
  CommonOptions common;

  @Mixin
  TrainingOptions training;

  @Mixin
  DrawsOption draws;

  private String example;

  @Option(names = "--data", paramLabel = "FILE.csv", description = "Data to fit instead of the generated data (m1: columns x,y; m2: t,x,y,z,e).")
  Path data;

  @Parameters(index = "0", paramLabel = "m1|m2", description = "Which example: m1 or m2.")
  void setExample(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (!n.equals("m1") && !n.equals("m2")) {
      throw new ParameterException(spec.commandLine(), "example is '" + name + "', expected m1 or m2");
    }
    example = n;
  }

  /** The flow's name in flow.txt, from which {@code flowvi sample} rebuilds its topology. */
  private String flowName(boolean m1) {
    if (training.preset() == Preset.DEFAULT) {
      return m1 ? SeedExamples.M1_DEFAULT_FLOW : SeedExamples.M2_DEFAULT_FLOW;
    }
    return "seed-" + example;
  }

  @Override
  public Integer call() throws Exception {
    long seed = common.seed();
    boolean m1 = example.equals("m1");
    List<String> columns = m1 ? SeedExamples.M1_COLUMNS : SeedExamples.M2_COLUMNS;
    DataTable table = data != null ? CsvData.read(InputFiles.existing("--data", data), columns)
        : m1 ? M1Data.generate(seed) : M2Data.generate(seed);
    List<String> inputs = List.of();
    if (data == null) {
      // Written before the fit, so that a bad --out fails at once and the data can be fitted
      // again with --data, or with 'flowvi fit' and examples/m1.model or m2.model.
      Path dir = common.out(example);
      Files.createDirectories(dir);
      CsvData.write(table, dir.resolve(DATA_CSV));
      inputs = List.of(DATA_CSV);
    }
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("command", "example " + example);
    settings.put("data", data != null ? data.toString()
        : "generated from the true values (seed " + seed + "), " + table.rows() + " rows, written to " + DATA_CSV);
    double[] truth = data != null ? null : m1 ? SeedExamples.m1Truth() : SeedExamples.m2Truth();
    new FitRunner(common, training, spec.commandLine().getOut(), spec.commandLine().getErr())
        .run("FlowVI example " + example, example,
            s -> m1 ? SeedExamples.m1(table, training.preset(), s, training.kernels())
                : SeedExamples.m2(table, training.preset(), s, training.kernels()),
            draws.count(), settings, truth, null,
            m1 ? SeedExamples.M1_SOURCE : SeedExamples.M2_SOURCE, flowName(m1), inputs);
    return 0;
  }
}
