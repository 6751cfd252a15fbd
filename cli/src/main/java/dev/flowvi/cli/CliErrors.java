package dev.flowvi.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one line on stderr and an exit code, so scripts can rely on both: bad
 * input (a usage error, a missing or malformed file, an out-of-range value) exits with {@value
 * #BAD_INPUT}; anything else with {@value #FAILURE}. The stack trace follows only with --debug.
 */
final class CliErrors implements IExecutionExceptionHandler, IParameterExceptionHandler {
  static final int BAD_INPUT = 2;
  static final int FAILURE = 1;

  /**
   * Installs the handlers on {@code cmd}, and an execution strategy that reports an {@link Error}
   * thrown by a command (picocli lets those escape) through the same one-line path.
   */
  static CommandLine install(CommandLine cmd) {
    CliErrors errors = new CliErrors();
    CommandLine.IExecutionStrategy runLast = new CommandLine.RunLast();
    return cmd.setExecutionExceptionHandler(errors)
        .setParameterExceptionHandler(errors)
        .setExecutionStrategy(parsed -> {
          try {
            return runLast.execute(parsed);
          } catch (Error e) {
            ParseResult last = parsed;
            while (last.hasSubcommand()) {
              last = last.subcommand();
            }
            throw new CommandLine.ExecutionException(last.commandSpec().commandLine(), message(e), e);
          }
        });
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println(prefix(cmd) + oneLine(ex.getMessage()) + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
    if (debugRequested(args)) {
      ex.printStackTrace(err);
    }
    err.flush();
    return BAD_INPUT;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    boolean badInput = isBadInput(ex);
    err.println(prefix(cmd) + oneLine(message(ex)) + (badInput || debug(parsed) ? "" : " (run with --debug for details)"));
    if (debug(parsed)) {
      ex.printStackTrace(err);
    }
    err.flush();
    return badInput ? BAD_INPUT : FAILURE;
  }

  static boolean isBadInput(Throwable ex) {
    return ex instanceof IllegalArgumentException || ex instanceof IOException || ex instanceof UncheckedIOException;
  }

  private static String prefix(CommandLine cmd) {
    return cmd.getCommandSpec().qualifiedName() + ": error: ";
  }

  private static String message(Throwable ex) {
    // Wrappers without a message of their own (ExceptionInInitializerError, ExecutionException
    // around an Error) say nothing useful: report their cause.
    while ((ex.getMessage() == null || ex instanceof CommandLine.ExecutionException) && ex.getCause() != null) {
      ex = ex.getCause();
    }
    String m = ex.getMessage();
    if (ex instanceof java.nio.file.NoSuchFileException) {
      return "file " + m + " does not exist";
    }
    if (ex instanceof java.nio.file.AccessDeniedException) {
      return "permission denied: " + m;
    }
    return m == null || m.isBlank() ? ex.getClass().getSimpleName() : m;
  }

  /** Collapses a multi-line message into one line. */
  static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", "; ");
  }

  private static boolean debug(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.hasSubcommand() ? p.subcommand() : null) {
      if (p.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }

  private static boolean debugRequested(String[] args) {
    for (String a : args) {
      if (a.equals("--debug")) {
        return true;
      }
    }
    return false;
  }
}
