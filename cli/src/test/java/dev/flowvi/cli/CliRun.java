package dev.flowvi.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One in-process run of a command line with captured stdout and stderr. */
record CliRun(int exitCode, String out, String err) {

  static CliRun of(CommandLine cmd, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  static CliRun flowvi(String... args) {
    return of(FlowViCommand.commandLine(), args);
  }

  /** Lines of stderr, ignoring the JVM's incubator warning and java.util.logging lines. */
  long errLines() {
    return err.lines().filter(l -> !l.isBlank()).count();
  }
}
