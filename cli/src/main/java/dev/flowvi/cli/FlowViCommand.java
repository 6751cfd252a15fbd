package dev.flowvi.cli;

import dev.flowvi.cli.report.Provenance;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** The {@code flowvi} command: normalising-flow variational inference from the command line. */
@Command(name = "flowvi", mixinStandardHelpOptions = true, versionProvider = FlowViCommand.Version.class,
    description = "Normalising-flow variational inference on the JVM.",
    subcommands = {ExampleCommand.class, FitCommand.class, CheckGradientsCommand.class, BenchCommand.class, SampleCommand.class, ReportCommand.class, CommandLine.HelpCommand.class})
public final class FlowViCommand implements Runnable {

  public static void main(String[] args) {
    // Plots render off-screen; set before any AWT class loads.
    System.setProperty("java.awt.headless", "true");
    // Log records on one line each ("WARNING: ..."), not the JDK's two with a timestamp; set before
    // anything logs. The model's warnings are printed by the commands, once.
    System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
    ModelWarnings.printedByTheCommands();
    System.exit(commandLine().execute(args));
  }

  /** The configured command line: one-line errors, exit code 2 for bad input. */
  public static CommandLine commandLine() {
    return CliErrors.install(new CommandLine(new FlowViCommand()));
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  /** The version line of {@code flowvi --version}. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      Provenance p = Provenance.current();
      return new String[] {"FlowVI " + p.flowviVersion(), "Java " + p.javaVersion() + ", kernels: " + p.kernels()};
    }
  }
}
