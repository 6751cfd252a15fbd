package dev.flowvi.cli;

import dev.flowvi.bench.QuickBench;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code flowvi bench}: a representative subset of the JMH suites (jmh-benchmarks'
 * {@link QuickBench}) with short settings, printed as one table with Gflop/s and the fraction of
 * this machine's FMA peak measured in the same run where a flop count is known; {@code --guard}
 * runs the compiled-against-interpreted regression guard instead. JMH forks one JVM per
 * benchmark, on this JVM's class path, with the incubator vector module.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Run a representative subset of FlowVI's JMH benchmarks on this machine and print a table:",
        "time per op, and Gflop/s with the fraction of the measured FMA peak where the flop count is known.",
        "Full: under 2 minutes; --quick: under 1 minute. The complete suites: java -jar jmh-benchmarks/target/benchmarks.jar"})
final class BenchCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--quick", description = "Only the peak and the M1 and 26-D ELBO steps, shorter iterations.")
  boolean quick;

  @Option(names = "--guard", description = "The regression guard: exit code 1 unless the compiled flow path is faster than the interpreted one.")
  boolean guard;

  @Option(names = "--debug", description = "Print stack traces with error messages.")
  boolean debug;

  @Override
  public Integer call() throws Exception {
    if (quick && guard) {
      throw new ParameterException(spec.commandLine(), "--quick and --guard are separate runs, expected one of them");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (guard) {
      boolean ok = QuickBench.guard(out);
      out.flush();
      return ok ? 0 : 1;
    }
    QuickBench.table(quick, out);
    out.flush();
    return 0;
  }
}
