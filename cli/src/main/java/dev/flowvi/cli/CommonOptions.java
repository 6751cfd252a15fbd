package dev.flowvi.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Options every subcommand takes: where to write, the seed, and how much to say. */
public final class CommonOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  private Path out;
  private long seed = 0;

  @Option(names = "--debug", description = "Print stack traces with error messages.")
  boolean debug;

  @Option(names = "--quiet", description = "Print nothing but errors (no progress bar, no table).")
  boolean quiet;

  @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: out/<name>).")
  void setOut(Path dir) {
    if (dir.toString().isBlank()) {
      throw new ParameterException(spec.commandLine(), "--out is empty, expected a directory path");
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new ParameterException(spec.commandLine(), "--out is " + dir + ", which is a file, expected a directory");
    }
    this.out = dir;
  }

  @Option(names = "--seed", paramLabel = "N", description = "Seed fixing every random choice (default: ${DEFAULT-VALUE}).", defaultValue = "0")
  void setSeed(long seed) {
    this.seed = seed;
  }

  /** The output directory, or out/{@code name} when none was given. */
  public Path out(String name) {
    return out != null ? out : Path.of("out", name);
  }

  public long seed() {
    return seed;
  }

  public boolean debug() {
    return debug;
  }

  public boolean quiet() {
    return quiet;
  }
}
