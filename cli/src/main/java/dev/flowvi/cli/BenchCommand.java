package dev.flowvi.cli;

import dev.flowvi.cli.bench.Stopwatch;
import dev.flowvi.cli.fit.FitPlan;
import dev.flowvi.cli.fit.KernelChoice;
import dev.flowvi.cli.fit.Preset;
import dev.flowvi.cli.fit.SeedExamples;
import dev.flowvi.cli.report.Provenance;
import dev.flowvi.engine.bijection.RationalQuadraticSpline;
import dev.flowvi.engine.bijection.Transformer;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.examples.M1Data;
import dev.flowvi.engine.examples.M1LogPosterior;
import dev.flowvi.engine.examples.M2Data;
import dev.flowvi.engine.examples.M2LogPosterior;
import dev.flowvi.engine.examples.SeedModels;
import dev.flowvi.engine.kernel.ScalarSplineKernel;
import dev.flowvi.engine.kernel.VectorSupport;
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.target.LogDensity;
import dev.flowvi.engine.train.Schedule;
import dev.flowvi.engine.train.Trainer;
import dev.flowvi.engine.train.TrainerConfig;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flowvi bench}: times the hot paths on this machine — the spline kernel, the seed models'
 * log densities with gradients (hand-written and from the model builder), the seed flow's
 * sampling pass and a training step — and prints one line per operation. For rigorous numbers use
 * the JMH suites in jmh-benchmarks; this is the quick look a user runs first.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Time FlowVI's hot paths on this machine (the JMH suites in jmh-benchmarks are the rigorous version).")
final class BenchCommand implements Callable<Integer> {
  private static final int SAMPLES = 500;

  @Spec
  CommandSpec spec;

  @Option(names = "--quick", description = "Short warm-up and measurement, and skip M2 (about 15 s instead of a minute).")
  boolean quick;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed of the data and points (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--debug", description = "Print stack traces with error messages.")
  boolean debug;

  private PrintWriter out;

  @Override
  public Integer call() {
    out = spec.commandLine().getOut();
    Provenance p = Provenance.current();
    out.printf(Locale.ROOT, "FlowVI %s on Java %s, kernels: %s, %d processors%s%n", p.flowviVersion(), p.javaVersion(), p.kernels(),
        Runtime.getRuntime().availableProcessors(), quick ? " (quick)" : "");
    out.printf(Locale.ROOT, "%-74s %12s %12s %8s%n", "operation", "median", "fastest", "calls");
    RandomStream rng = RandomStream.of(seed);

    splineBench("spline forward+inverse, 8 knots, 4×500 points (" + (VectorSupport.enabled() ? "vector" : "scalar") + " kernel)",
        RationalQuadraticSpline.of(8, -4.0, 4.0), rng);
    if (VectorSupport.enabled()) {
      splineBench("spline forward+inverse, 8 knots, 4×500 points (scalar kernel)",
          RationalQuadraticSpline.of(8, -4.0, 4.0, new ScalarSplineKernel()), rng);
    }

    DataTable m1Data = M1Data.generate(seed);
    LogDensity m1 = M1LogPosterior.of(m1Data, M1LogPosterior.Parameterisation.UNCONSTRAINED);
    densityBench("M1 log density + gradient, 500 points × 400 rows (hand-written)", m1, rng);
    densityBench("M1 log density + gradient, 500 points × 400 rows (model builder)", SeedModels.m1().bind(m1Data), rng);

    FitPlan plan = SeedExamples.m1(m1Data, Preset.SEED, seed, KernelChoice.of(true));
    TransformedDistribution flow = plan.flow();
    double[] params = flow.initialParameters(seed);
    TransformedDistribution.Scratch ws = flow.newWorkspace(SAMPLES);
    double[] z = new double[flow.dim() * SAMPLES];
    double[] logq = new double[SAMPLES];
    row("M1 seed flow: sample + log q, 500 points", () -> flow.sampleAndLogProb(params, 0, rng, null, z, logq, SAMPLES, ws));

    int steps = quick ? 3 : 10;
    TrainerConfig config = TrainerConfig.builder().seed(seed).schedule(Schedule.constant(1e-3, steps))
        .sampleCount(SAMPLES).stickingTheLanding(false).threads(1).build();
    Trainer trainer = Trainer.of(config);
    Stopwatch.Timing t = Stopwatch.time(() -> trainer.fit(flow, plan.target(), params.clone()), quick ? 0.5 : 2, quick ? 1 : 4, 2);
    print("M1 seed preset: one training step (ELBO + gradient, 500 samples, 1 thread)",
        new Stopwatch.Timing(t.medianNanos() / steps, t.minNanos() / steps, t.calls() * steps));

    if (!quick) {
      DataTable m2Data = M2Data.generate(seed);
      densityBench("M2 log density + gradient, 500 points × 10^4 rows (hand-written)", M2LogPosterior.of(m2Data), rng);
      densityBench("M2 log density + gradient, 500 points × 10^4 rows (model builder)", SeedModels.m2().bind(m2Data), rng);
    }
    out.flush();
    return 0;
  }

  private void splineBench(String name, Transformer spline, RandomStream rng) {
    int len = 4 * SAMPLES;
    int p = spline.parameterCount();
    double[] raw = new double[p * len];
    for (int k = 0; k < raw.length; k++) {
      raw[k] = 0.5 * rng.nextGaussian();
    }
    double[] x = new double[len];
    rng.fillGaussian(x, 0, len);
    double[] y = new double[len];
    double[] back = new double[len];
    double[] logDet = new double[len];
    row(name, () -> {
      spline.forward(raw, 0, len, x, 0, y, 0, logDet, len);
      spline.inverse(raw, 0, len, y, 0, back, 0, logDet, len);
    });
  }

  private void densityBench(String name, LogDensity target, RandomStream rng) {
    int dim = target.dim();
    double[] z = new double[dim * SAMPLES];
    for (int k = 0; k < z.length; k++) {
      z[k] = 0.3 * rng.nextGaussian();
    }
    double[] logp = new double[SAMPLES];
    double[] grad = new double[dim * SAMPLES];
    row(name, () -> target.logDensityAndGradient(z, SAMPLES, logp, grad));
  }

  private void row(String name, Runnable op) {
    print(name, Stopwatch.time(op, quick ? 0.3 : 1.5, quick ? 0.7 : 3, 5));
  }

  private void print(String name, Stopwatch.Timing t) {
    out.printf(Locale.ROOT, "%-74s %12s %12s %8d%n", name, duration(t.medianNanos()), duration(t.minNanos()), t.calls());
    out.flush();
  }

  static String duration(double nanos) {
    if (nanos < 1e3) {
      return String.format(Locale.ROOT, "%.0f ns", nanos);
    }
    if (nanos < 1e6) {
      return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
    }
    if (nanos < 1e9) {
      return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }
}
