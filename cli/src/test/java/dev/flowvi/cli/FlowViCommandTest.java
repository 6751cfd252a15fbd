package dev.flowvi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The command line's contract: results on good input, one line and exit code 2 on bad input. */
class FlowViCommandTest {
  @TempDir
  Path dir;

  private Path drawsCsv() throws Exception {
    StringBuilder b = new StringBuilder("a,b\n");
    for (int i = 0; i < 200; i++) {
      b.append(Math.sin(i)).append(',').append(Math.cos(0.37 * i) + 2).append('\n');
    }
    Path p = dir.resolve("draws-in.csv");
    Files.writeString(p, b.toString());
    return p;
  }

  private static void assertOneLineError(CliRun r, String... fragments) {
    assertEquals(CliErrors.BAD_INPUT, r.exitCode(), r.err());
    assertEquals(1, r.errLines(), "exactly one line on stderr: " + r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace without --debug: " + r.err());
    for (String f : fragments) {
      assertTrue(r.err().contains(f), "stderr should mention '" + f + "': " + r.err());
    }
  }

  @Test
  void reportSubcommandWritesItsFiles() throws Exception {
    Path out = dir.resolve("rep");
    CliRun r = CliRun.flowvi("report", "--draws", drawsCsv().toString(), "--truth", "a=0,b=2", "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("parameter") && r.out().contains("95%"), r.out());
    for (String f : new String[] {"summary.csv", "draws.csv", "report.json", "corner.png", "index.html"}) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    assertEquals("parameter,mean,sd,q05,q50,q95", Files.readAllLines(out.resolve("summary.csv")).get(0));
  }

  @Test
  void quietPrintsNothing() throws Exception {
    CliRun r = CliRun.flowvi("report", "--quiet", "--draws", drawsCsv().toString(), "--out", dir.resolve("q").toString());
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("", r.out());
  }

  @Test
  void missingFileIsOneLine() {
    CliRun r = CliRun.flowvi("report", "--draws", dir.resolve("absent.csv").toString());
    assertOneLineError(r, "flowvi report: error: --draws: file ", "absent.csv does not exist");
  }

  @Test
  void unreadableCsvIsOneLineNamingTheLineAndColumn() throws Exception {
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "a,b\n1,2\n3,oops\n");
    assertOneLineError(CliRun.flowvi("report", "--draws", bad.toString(), "--out", dir.resolve("o").toString()),
        "bad.csv:3: column 'b' (2): 'oops' is not a number");
    Path binary = dir.resolve("binary.csv");
    Files.write(binary, new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 1, 2, '\n'});
    assertOneLineError(CliRun.flowvi("report", "--draws", binary.toString()), "binary.csv");
  }

  @Test
  void unknownParameterNameIsOneLine() throws Exception {
    assertOneLineError(CliRun.flowvi("report", "--draws", drawsCsv().toString(), "--truth", "zz=1",
        "--out", dir.resolve("o").toString()), "--truth names parameter 'zz'", "expected one of a,b");
  }

  @Test
  void usageErrorsAreOneLine() {
    assertOneLineError(CliRun.flowvi("report", "--draws", "x.csv", "--no-such-option"), "Unknown option", "--help");
    assertOneLineError(CliRun.flowvi("report"), "Missing required option", "--draws");
    assertOneLineError(CliRun.flowvi("no-such-command"), "Unmatched argument");
    assertOneLineError(CliRun.flowvi(), "a subcommand is required");
    assertOneLineError(CliRun.flowvi("report", "--draws", "x.csv", "--seed", "abc"), "--seed", "abc");
  }

  @Test
  void debugAddsTheStackTrace() {
    CliRun r = CliRun.flowvi("report", "--debug", "--draws", dir.resolve("absent.csv").toString());
    assertEquals(CliErrors.BAD_INPUT, r.exitCode());
    assertTrue(r.err().lines().findFirst().orElse("").contains("absent.csv does not exist"), r.err());
    assertTrue(r.err().contains("\tat dev.flowvi.cli"), "stack trace with --debug: " + r.err());
  }

  /** A stand-in command carrying the training options, to test their ranges in isolation. */
  @Command(name = "train-options")
  static final class TrainingOptionsProbe implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    TrainingOptions training;

    @Override
    public Integer call() {
      return 0;
    }
  }

  private static CliRun probe(String... args) {
    return CliRun.of(CliErrors.install(new CommandLine(new TrainingOptionsProbe())), args);
  }

  /** A command failing the way a broken kernel class does: an Error, not an Exception. */
  @Command(name = "broken")
  static final class BrokenProbe implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
      throw new ExceptionInInitializerError(new IllegalStateException("vector kernel failed to load"));
    }
  }

  @Test
  void errorsThatAreNotExceptionsAreOneLineToo() {
    CliRun r = CliRun.of(CliErrors.install(new CommandLine(new BrokenProbe())));
    assertEquals(CliErrors.FAILURE, r.exitCode(), r.err());
    assertEquals(1, r.errLines(), r.err());
    assertTrue(r.err().contains("broken: error: vector kernel failed to load (run with --debug for details)"), r.err());
    CliRun debug = CliRun.of(CliErrors.install(new CommandLine(new BrokenProbe())), "--debug");
    assertTrue(debug.err().contains("ExceptionInInitializerError") && debug.err().contains("\tat "), debug.err());
  }

  @Test
  void outOfRangeOptionsAreOneLine() {
    assertEquals(0, probe("--threads", "2", "--steps", "10", "--samples", "50", "--preset", "default").exitCode());
    assertOneLineError(probe("--threads", "0"), "--threads is 0, expected 1..1024");
    assertOneLineError(probe("--steps", "-5"), "--steps is -5, expected 1..1000000");
    assertOneLineError(probe("--samples", "0"), "--samples is 0, expected 1..");
    assertOneLineError(probe("--preset", "fast"), "--preset is 'fast', expected seed or default");
    assertOneLineError(probe("--threads", "many"), "--threads", "many");
  }

  @Test
  void optionsDefaultSensibly() {
    TrainingOptionsProbe p = new TrainingOptionsProbe();
    new CommandLine(p).parseArgs("--seed", "42");
    assertEquals(42L, p.common.seed());
    assertEquals(Path.of("out", "m1"), p.common.out("m1"));
    assertEquals(dev.flowvi.cli.fit.Preset.DEFAULT, p.training.preset());
    assertEquals(false, p.training.kernels().interpreted());
    assertEquals(300, p.training.steps(300));
    assertEquals(500, p.training.samples(500));
    assertTrue(p.training.threads() >= 1);
  }
}
