package dev.flowvi.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** How many draws from the fitted flow the summary, plots and diagnostics use. */
final class DrawsOption {
  static final int MIN = 100;
  static final int MAX = 10_000_000;

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  private int count = 4000;

  @Option(names = "--draws", paramLabel = "N", description = "Draws from the fitted flow for the summary and diagnostics (default: 4000).")
  void setCount(int n) {
    if (n < MIN || n > MAX) {
      throw new ParameterException(spec.commandLine(), "--draws is " + n + ", expected " + MIN + ".." + MAX);
    }
    count = n;
  }

  int count() {
    return count;
  }
}
