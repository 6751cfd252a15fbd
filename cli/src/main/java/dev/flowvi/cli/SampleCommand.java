package dev.flowvi.cli;

import dev.flowvi.cli.report.Draws;
import dev.flowvi.engine.io.FlowFile;
import dev.flowvi.engine.io.SavedFlow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code flowvi sample}: draws from a fitted flow saved by {@code example} or {@code fit}
 * (flow.fvi). The file is self-contained: it rebuilds the flow and maps draws to the named
 * parameters without the model file or the data.
 */
@Command(name = "sample", mixinStandardHelpOptions = true,
    description = "Draw from a fitted flow (the flow.fvi that example and fit write) into a CSV file of named parameters.")
final class SampleCommand implements Callable<Integer> {
  static final int MAX_DRAWS = 10_000_000;

  @Spec
  CommandSpec spec;

  @Option(names = "--flow", required = true, paramLabel = "FILE", description = "A flow file (flow.fvi in a fit's output directory).")
  Path flowFile;

  @Option(names = "--out", paramLabel = "FILE.csv", defaultValue = "draws.csv", description = "Where to write the draws (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed of the draws (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--debug", description = "Print stack traces with error messages.")
  boolean debug;

  @Option(names = "--quiet", description = "Print nothing but errors.")
  boolean quiet;

  private int count;

  @Option(names = {"-n", "--draws"}, required = true, paramLabel = "N", description = "Number of draws.")
  void setCount(int n) {
    if (n < 1 || n > MAX_DRAWS) {
      throw new ParameterException(spec.commandLine(), "-n is " + n + ", expected 1.." + MAX_DRAWS);
    }
    count = n;
  }

  @Override
  public Integer call() throws Exception {
    Path file = InputFiles.existing("--flow", flowFile);
    if (Files.isDirectory(out)) {
      throw new IllegalArgumentException("--out is " + out + ", which is a directory, expected a CSV file name");
    }
    SavedFlow flow = FlowFile.load(file);
    Draws draws = new Draws(List.of(flow.parameterNames()), flow.sample(count, seed), count);
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    draws.write(out);
    if (!quiet) {
      spec.commandLine().getOut().println("wrote " + count + " draws of " + draws.dim() + " parameters ("
          + String.join(", ", draws.names()) + ") to " + out);
    }
    return 0;
  }
}
