package dev.flowvi.bench;

import dev.flowvi.engine.kernel.VectorSupport;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * A small representative subset of the JMH suites with short settings, printed as one table:
 * workload, time per op ± the standard deviation over the measurement iterations, and where the flop count is known, Gflop/s and the
 * fraction of this machine's FMA peak measured in the same run ({@link PeakFlopsBenchmark}).
 *
 * <p>{@code --quick}: 1 fork, 2 × 1 s warm-up, 3 × 1 s measurement, the peak and the M1 and 26-D
 * ELBO steps (under a minute). The default adds M2's ELBO steps and the spline kernel, with 3
 * warm-up and 5 measurement iterations (under 2 minutes on 2 cores). {@code --guard}: the
 * compiled-against-interpreted regression guard ({@link #guard}), exit code 1 when it fails.
 * {@code bin/flowvi bench} runs this class. JMH's own log (of the last benchmark run)
 * goes to a file whose path is printed; only the table goes to standard output.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp jmh-benchmarks/target/benchmarks.jar dev.flowvi.bench.QuickBench [--quick]}.
 */
public final class QuickBench {

  /**
   * Flops of one 26-D ELBO step counted on the dense layers only: each of the 8 MADE layers is
   * 26 → 50 → 52 (shift and log-scale per coordinate), 2·in·out per point forward, and the
   * backward pass twice that (gradient to the input and to the weights), for 500 samples. The
   * affine transformer, the ReLUs and the target are left out, so this is a lower bound.
   */
  static final double MAF26_DENSE_FLOPS = 3.0 * 8 * (2.0 * 26 * 50 + 2.0 * 50 * 52) * ElboStepBenchmark.SAMPLES;

  private QuickBench() {}

  public static void main(String[] args) throws RunnerException, IOException {
    boolean quick = false;
    boolean guard = false;
    for (String a : args) {
      switch (a) {
        case "--quick" -> quick = true;
        case "--guard" -> guard = true;
        case "--help", "-h" -> {
          System.out.println("usage: QuickBench [--quick | --guard]   (run with --add-modules jdk.incubator.vector)");
          return;
        }
        default -> throw new IllegalArgumentException("argument is '" + a + "', expected --quick, --guard or nothing");
      }
    }
    PrintWriter out = new PrintWriter(System.out, true);
    if (guard) {
      boolean ok = guard(out);
      out.flush();
      System.exit(ok ? 0 : 1);
    }
    table(quick, out);
    out.flush();
  }

  /**
   * Runs the subset ({@code quick}: the peak and the M1 and 26-D ELBO steps; otherwise also M2's
   * steps and the spline kernel) and prints the table to {@code out}.
   */
  public static void table(boolean quick, PrintWriter out) throws RunnerException, IOException {
    File log = File.createTempFile("flowvi-jmh-", ".log");
    out.println("FlowVI bench (" + (quick ? "--quick" : "full") + ", JMH: 1 fork, " + (quick ? "2" : "3") + " x 1 s warm-up, "
        + (quick ? "3" : "5") + " x 1 s measurement); JMH log of the last run: " + log);
    out.println("java " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors()
        + " cpus; kernels: " + VectorSupport.describe());
    List<Row> rows = new ArrayList<>();
    rows.add(run(log, quick, PeakFlopsBenchmark.class.getSimpleName() + ".scalarFma", null, null));
    boolean vector = VectorSupport.enabled();
    if (vector) {
      rows.add(run(log, quick, PeakFlopsBenchmark.class.getSimpleName() + ".vectorFma", null, null));
    }
    double scalarGflops = PeakFlopsBenchmark.scalarFlopsPerOp() / rows.get(0).nanos;
    double peak = vector ? PeakFlopsBenchmark.vectorFlopsPerOp() / rows.get(1).nanos : scalarGflops;
    rows.get(0).gflops = scalarGflops;
    if (vector) {
      rows.get(1).gflops = peak;
    }
    rows.add(run(log, quick, CompiledElboStepBenchmark.class.getSimpleName() + ".elboStep", "workload", "m1", "path", "compiled"));
    rows.add(run(log, quick, ElboStepBenchmark.class.getSimpleName() + ".elboStep", "workload", "m1"));
    Row maf = run(log, quick, ElboStepBenchmark.class.getSimpleName() + ".elboStep", "workload", "maf26");
    maf.gflops = MAF26_DENSE_FLOPS / maf.nanos;
    rows.add(maf);
    if (!quick) {
      rows.add(run(log, false, CompiledElboStepBenchmark.class.getSimpleName() + ".elboStep", "workload", "m2", "path", "compiled"));
      rows.add(run(log, false, ElboStepBenchmark.class.getSimpleName() + ".elboStep", "workload", "m2"));
      for (String kernel : vector ? new String[] {"vector", "scalar"} : new String[] {"scalar"}) {
        Row spline = run(log, false, SplineKernelBenchmark.class.getSimpleName() + ".forward", "kernel", kernel, "batch", "1024");
        rows.add(spline);
      }
    }
    out.println();
    out.printf(Locale.ROOT, "%-72s %18s %10s %8s%n", "workload", "time/op (±sd)", "Gflop/s", "of peak");
    for (Row r : rows) {
      String g = Double.isNaN(r.gflops) ? "-" : String.format(Locale.ROOT, "%.2f", r.gflops);
      String f = Double.isNaN(r.gflops) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * r.gflops / peak);
      out.printf(Locale.ROOT, "%-72s %18s %10s %8s%n", r.label, formatTime(r.nanos, r.errorNanos), g, f);
    }
    out.println();
    out.println("peak = " + (vector ? "vector" : "scalar") + " FMA chains on one core; maf26 Gflop/s counts its dense layers only"
        + " (2*in*out per point forward, x3 with the backward pass): a lower bound. ELBO steps run on one thread;"
        + " CompiledElboStep is the default preset's path (flow and model compiled), ElboStep the seed preset's"
        + " interpreted flow with the hand-written density.");
  }

  /** The guard's workload: a compiled flow must beat the interpreted one on it (about 10x expected). */
  static final String GUARD_BENCHMARK = FlowCompilerBenchmark.class.getSimpleName() + ".autoregressiveInverse";

  /**
   * The regression guard: the masked autoregressive inverse at D = 26 (the compiled one-pass inverse
   * against D network passes interpreted) on the compiled and the interpreted path, a few seconds
   * each. The compiled side compiles in strict mode, so a compile failure is an error; the timing
   * catches a compiled path that silently got slow. Prints both times and the verdict; true when
   * the compiled path is faster.
   */
  public static boolean guard(PrintWriter out) throws RunnerException, IOException {
    File log = File.createTempFile("flowvi-jmh-guard-", ".log");
    Row compiled = run(log, true, GUARD_BENCHMARK, "flow", "compiled");
    Row interpreted = run(log, true, GUARD_BENCHMARK, "flow", "interpreted");
    String verdict = guardVerdict(compiled.nanos, interpreted.nanos);
    out.printf(Locale.ROOT, "%-72s %18s%n", compiled.label, formatTime(compiled.nanos, compiled.errorNanos));
    out.printf(Locale.ROOT, "%-72s %18s%n", interpreted.label, formatTime(interpreted.nanos, interpreted.errorNanos));
    out.println(verdict);
    return verdict.startsWith("ok");
  }

  /** The guard's decision on two mean times per op: "ok: …" when compiled is faster, else "FAILED: …". */
  static String guardVerdict(double compiledNanos, double interpretedNanos) {
    if (!(compiledNanos > 0) || !(interpretedNanos > 0)) {
      return String.format(Locale.ROOT, "FAILED: the guard measured no time (compiled %s ns, interpreted %s ns); see the JMH log",
          compiledNanos, interpretedNanos);
    }
    double speedup = interpretedNanos / compiledNanos;
    if (speedup > 1) {
      return String.format(Locale.ROOT, "ok: the compiled path is %.1fx faster than the interpreted one", speedup);
    }
    return String.format(Locale.ROOT, "FAILED: the compiled path is not faster than the interpreted one (%.2fx): "
        + "a generated kernel fell back or lost its speed; rerun with -Dflowvi.codegen.dump=DIR to inspect it", speedup);
  }

  private static String formatTime(double nanos, double errorNanos) {
    if (nanos >= 1e6) {
      return String.format(Locale.ROOT, "%.2f±%.2f ms", nanos / 1e6, errorNanos / 1e6);
    }
    if (nanos >= 1e3) {
      return String.format(Locale.ROOT, "%.1f±%.1f us", nanos / 1e3, errorNanos / 1e3);
    }
    return String.format(Locale.ROOT, "%.0f±%.0f ns", nanos, errorNanos);
  }

  /** One benchmark method with the given parameter values, in nanoseconds per op. */
  private static Row run(File log, boolean quick, String method, String... params) throws RunnerException {
    ChainedOptionsBuilder o = new OptionsBuilder()
        .include("\\." + method.replace(".", "\\.") + "$")
        .forks(1)
        .warmupIterations(quick ? 2 : 3)
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(quick ? 3 : 5)
        .measurementTime(TimeValue.seconds(1))
        .timeUnit(TimeUnit.NANOSECONDS)
        .output(log.getPath());
    StringBuilder label = new StringBuilder(method);
    for (int k = 0; k + 1 < params.length; k += 2) {
      if (params[k] != null) {
        o.param(params[k], params[k + 1]);
        label.append(k == 0 ? " " : ",").append(params[k]).append('=').append(params[k + 1]);
      }
    }
    Collection<RunResult> results = new Runner(o.build()).run();
    if (results.size() != 1) {
      throw new IllegalStateException(method + " gave " + results.size() + " results, expected 1 (see " + log + ")");
    }
    Result<?> r = results.iterator().next().getPrimaryResult();
    // The standard deviation of the iterations: JMH's 99.9% interval from 3 iterations multiplies
    // it by t(0.9995, 2) ≈ 31.6, which says little on a short run.
    double sd = r.getStatistics().getStandardDeviation();
    return new Row(label.toString(), r.getScore(), Double.isNaN(sd) ? 0 : sd);
  }

  private static final class Row {
    final String label;
    final double nanos;
    final double errorNanos;
    double gflops = Double.NaN;

    Row(String label, double nanos, double errorNanos) {
      this.label = label;
      this.nanos = nanos;
      this.errorNanos = errorNanos;
    }
  }
}
