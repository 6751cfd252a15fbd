package dev.flowvi.cli;

import dev.flowvi.engine.model.Model;
import dev.flowvi.engine.model.ModelFile;
import dev.flowvi.engine.model.ModelLogDensity;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.validation.GradientCheck;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code flowvi check-gradients}: compares a model's reverse-mode gradient with central finite
 * differences at random unconstrained points, so a user can trust a new model before fitting it.
 * Exit code 0 when the worst relative error is within the tolerance, 1 otherwise.
 */
@Command(name = "check-gradients", mixinStandardHelpOptions = true,
    description = "Check a model's gradient against central finite differences at random unconstrained points.")
final class CheckGradientsCommand implements Callable<Integer> {
  static final int MAX_POINTS = 1000;

  @Spec
  CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "FILE", description = "The model file.")
  Path modelFile;

  @Option(names = "--data", paramLabel = "FILE.csv", description = "Data with the columns the model declares.")
  Path dataFile;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed of the random points (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--debug", description = "Print stack traces with error messages.")
  boolean debug;

  @Option(names = "--quiet", description = "Print nothing; the exit code says pass (0) or fail (1).")
  boolean quiet;

  private int points = 3;
  private double tolerance = 1e-6;

  @Option(names = "--points", paramLabel = "N", description = "Random points to check (default: 3).")
  void setPoints(int n) {
    if (n < 1 || n > MAX_POINTS) {
      throw new ParameterException(spec.commandLine(), "--points is " + n + ", expected 1.." + MAX_POINTS);
    }
    points = n;
  }

  @Option(names = "--tolerance", paramLabel = "X",
      description = "Largest accepted |analytic − numeric| / max(1, |analytic|, |numeric|) (default: 1e-6).")
  void setTolerance(double x) {
    if (!(x > 0) || !Double.isFinite(x)) {
      throw new ParameterException(spec.commandLine(), "--tolerance is " + x + ", expected a finite value > 0");
    }
    tolerance = x;
  }

  @Override
  public Integer call() {
    Model model = ModelFile.read(InputFiles.existing("--model", modelFile));
    if (!quiet) {
      ModelWarnings.print(model, spec.commandLine().getErr());
    }
    ModelLogDensity target = model.bind(FitCommand.loadData(model, dataFile));
    int dim = target.dim();
    // Standard normal points in the unconstrained space: inside every constraint's support, and at
    // the scale the flow's base distribution starts from.
    double[] z = new double[dim * points];
    RandomStream.of(seed).fillGaussian(z, 0, z.length);
    // A log density over many rows is large next to its gradient far from the posterior, and its
    // finite differences carry round-off of order ε·|log p|/h there: that much is not counted.
    GradientCheck.Result result = GradientCheck.logDensityBeyondRoundOff(target, z, points);
    boolean passed = result.passed(tolerance);
    if (!quiet) {
      PrintWriter out = spec.commandLine().getOut();
      out.println(result);
      out.printf(Locale.ROOT, "%s: worst relative error %.3g %s tolerance %.3g (%d points, %d coordinates)%n",
          passed ? "PASSED" : "FAILED", result.worstRelativeError(), passed ? "<=" : ">", tolerance, points, dim);
      out.flush();
    }
    return passed ? 0 : 1;
  }
}
