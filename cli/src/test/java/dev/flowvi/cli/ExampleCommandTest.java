package dev.flowvi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.cli.report.MiniJson;
import dev.flowvi.engine.examples.M1Data;
import dev.flowvi.engine.model.CsvData;
import dev.flowvi.engine.model.DataTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flowvi example m1} end to end on a tiny budget (the full seed budget is the integrator's
 * CI run): every output is written and well formed, and the bad-input paths give one line and
 * exit code 2.
 */
class ExampleCommandTest {
  /** A budget small enough for a unit test: 6 steps of 64 samples, 200 diagnostic draws, 1 thread. */
  private static final String[] TINY = {"--steps", "6", "--samples", "64", "--draws", "200", "--threads", "1"};

  @TempDir
  Path dir;

  private static String[] args(String[] head, String... tail) {
    String[] all = new String[head.length + TINY.length + tail.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(TINY, 0, all, head.length, TINY.length);
    System.arraycopy(tail, 0, all, head.length + TINY.length, tail.length);
    return all;
  }

  @Test
  void m1WritesTheSummaryTheReportAndPrintsTheTable() throws Exception {
    Path out = dir.resolve("m1");
    CliRun r = CliRun.flowvi(args(new String[] {"example", "m1"}, "--seed", "3", "--out", out.toString()));
    assertEquals(0, r.exitCode(), r.err());
    List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
    assertEquals("parameter,mean,sd,q05,q50,q95", summary.get(0));
    assertEquals(List.of("m1", "m2", "c2", "w1"), summary.subList(1, 5).stream().map(l -> l.split(",")[0]).toList());
    for (String line : summary.subList(1, 5)) {
      String[] c = line.split(",");
      double q05 = Double.parseDouble(c[3]);
      double q50 = Double.parseDouble(c[4]);
      double q95 = Double.parseDouble(c[5]);
      assertTrue(q05 <= q50 && q50 <= q95 && Double.parseDouble(c[2]) >= 0, line);
    }
    // Draws outside the unit cube have log p = −∞ and are left out, so every draw written lies in
    // the prior boxes, whatever the fit.
    DataTable draws = CsvData.read(out.resolve("draws.csv"));
    assertTrue(draws.rows() > 0 && draws.rows() <= 200, "rows " + draws.rows());
    for (double w : draws.column("w1")) {
      assertTrue(w >= 0 && w <= 1, "w1 draw " + w);
    }
    for (double c2 : draws.column("c2")) {
      assertTrue(c2 >= -50 && c2 <= 50, "c2 draw " + c2);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> json = (Map<String, Object>) MiniJson.parse(Files.readString(out.resolve("report.json")));
    assertEquals(6.0, json.get("steps"));
    assertEquals(200.0, json.get("diagnostic_draws"));
    @SuppressWarnings("unchecked")
    Map<String, Object> settings = (Map<String, Object>) json.get("settings");
    assertEquals("3", settings.get("seed"));
    assertEquals("default", settings.get("preset"));
    assertEquals("64", settings.get("samples per step"));
    // Compiled kernels are the default; in auto mode a fallback would say "fell back" here.
    assertEquals("compiled", settings.get("flow kernels"));
    assertEquals("compiled", settings.get("model kernels"));
    for (String f : List.of("loss.png", "loss.csv", "corner.png", "index.html")) {
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    }
    assertEquals(1 + 6, Files.readAllLines(out.resolve("loss.csv")).size());
    // Six steps are too few for the loss trend (at least 10 finite losses), and the report says so.
    @SuppressWarnings("unchecked")
    Map<String, Object> convergence = (Map<String, Object>) json.get("convergence");
    assertEquals("not assessed", convergence.get("state"));
    assertTrue(r.out().contains("Convergence not assessed: fewer than 10 finite losses in the last 6 steps."), r.out());
    assertTrue(r.out().contains("parameter") && r.out().contains("m1") && r.out().contains("w1"), r.out());
    assertTrue(r.out().contains("final ELBO") && r.out().contains("wall time"), r.out());
    assertTrue(r.err().contains("step 6/6"), "progress reaches the last step: " + r.err());
  }

  /** --learning-rate sets the first phase's rate and scales the later ones with it (M1's 1e-2 then 1e-3, over --steps 6). */
  @Test
  void learningRateReplacesTheFirstPhasesRate() throws Exception {
    Path out = dir.resolve("lr");
    CliRun r = CliRun.flowvi(args(new String[] {"example", "m1"}, "--learning-rate", "5e-3", "--quiet", "--out", out.toString()));
    assertEquals(0, r.exitCode(), r.err());
    @SuppressWarnings("unchecked")
    Map<String, Object> json = (Map<String, Object>) MiniJson.parse(Files.readString(out.resolve("report.json")));
    String schedule = (String) ((Map<?, ?>) json.get("settings")).get("schedule");
    assertTrue(schedule.startsWith("[(0.005, 2), (5.0E-4, 4)]"), schedule);
  }

  @Test
  void m2RunsEndToEndWithTwentySevenNamedParameters() throws Exception {
    // One step on 8 samples with the seed preset (no mode search): M2's 10^4 rows make each
    // evaluation costly, and this checks the wiring (flow, constraints, names, truth overlay), not
    // the fit; PresetFitTest fits M2 under both presets.
    Path out = dir.resolve("m2");
    CliRun r = CliRun.flowvi("example", "m2", "--preset", "seed", "--steps", "1", "--samples", "8", "--draws", "100", "--threads", "1",
        "--quiet", "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
    assertEquals(28, summary.size());
    assertEquals("a_11", summary.get(1).split(",")[0]);
    assertEquals("w_b", summary.get(27).split(",")[0]);
    DataTable draws = CsvData.read(out.resolve("draws.csv"));
    for (int i = 0; i < draws.rows(); i++) {
      double sum = draws.column("w1")[i] + draws.column("w2")[i] + draws.column("w3")[i] + draws.column("w_b")[i];
      assertEquals(1.0, sum, 1e-12, "the weights lie on the simplex");
    }
  }

  @Test
  void interpretedRunsFlowAndModelWithoutCodegenAndSaysSo() throws Exception {
    Path out = dir.resolve("interpreted");
    CliRun r = CliRun.flowvi(args(new String[] {"example", "m1"}, "--interpreted", "--quiet", "--out", out.toString()));
    assertEquals(0, r.exitCode(), r.err());
    @SuppressWarnings("unchecked")
    Map<String, Object> json = (Map<String, Object>) MiniJson.parse(Files.readString(out.resolve("report.json")));
    @SuppressWarnings("unchecked")
    Map<String, Object> settings = (Map<String, Object>) json.get("settings");
    assertEquals("interpreted (--interpreted)", settings.get("flow kernels"));
    assertEquals("interpreted (--interpreted)", settings.get("model kernels"));
  }

  @Test
  void restartsKeepTheFitWithTheHighestElbo() throws Exception {
    Path out = dir.resolve("restarts");
    CliRun r = CliRun.flowvi(args(new String[] {"example", "m1"}, "--restarts", "3", "--seed", "5", "--out", out.toString()));
    assertEquals(0, r.exitCode(), r.err());
    List<Double> elbos = r.err().lines().filter(l -> l.startsWith("restart "))
        .map(l -> Double.parseDouble(l.replaceAll(".*ELBO (\\S+),.*", "$1"))).toList();
    assertEquals(3, elbos.size(), r.err());
    assertTrue(r.err().contains("restart 1 of 3 (seed 5)"), "restart 1 runs with --seed itself: " + r.err());
    @SuppressWarnings("unchecked")
    Map<String, Object> json = (Map<String, Object>) MiniJson.parse(Files.readString(out.resolve("report.json")));
    double best = elbos.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    // The printed ELBOs have 4 decimals.
    assertEquals(best, (Double) json.get("elbo"), 1e-4);
    @SuppressWarnings("unchecked")
    Map<String, Object> settings = (Map<String, Object>) json.get("settings");
    assertTrue(((String) settings.get("restarts")).startsWith("3 (kept the highest ELBO"), settings.toString());
    assertEquals(5L, FitRunner.restartSeed(5, 0));
    assertTrue(FitRunner.restartSeed(5, 1) != FitRunner.restartSeed(5, 2));
  }

  @Test
  void theSameSeedGivesTheSameSummary() throws Exception {
    CliRun a = CliRun.flowvi(args(new String[] {"example", "m1"}, "--quiet", "--seed", "11", "--out", dir.resolve("a").toString()));
    CliRun b = CliRun.flowvi(args(new String[] {"example", "m1"}, "--quiet", "--seed", "11", "--out", dir.resolve("b").toString()));
    assertEquals(0, a.exitCode(), a.err());
    assertEquals(0, b.exitCode(), b.err());
    assertEquals("", a.out(), "--quiet prints nothing");
    List<String> sa = Files.readAllLines(dir.resolve("a/summary.csv"));
    List<String> sb = Files.readAllLines(dir.resolve("b/summary.csv"));
    for (int i = 1; i < sa.size(); i++) {
      String[] x = sa.get(i).split(",");
      String[] y = sb.get(i).split(",");
      for (int k = 1; k < x.length; k++) {
        double u = Double.parseDouble(x[k]);
        double v = Double.parseDouble(y[k]);
        // Bit-identical on the scalar path; the vector EXP/LOG may differ by an ulp between JIT
        // tiers, which 6 optimiser steps amplify far less than this bound.
        assertEquals(u, v, 1e-9 * Math.max(1, Math.abs(u)), "row " + i + " column " + k);
      }
    }
  }

  @Test
  void dataFromCsvReplacesTheGeneratedData() throws Exception {
    Path csv = dir.resolve("xy.csv");
    StringBuilder b = new StringBuilder("# a comment line\ny,x\n");
    for (int i = 0; i < 50; i++) {
      double x = i * 0.2;
      b.append(1.5 * x + Math.sin(i)).append(',').append(x).append('\n');
    }
    Files.writeString(csv, b.toString());
    Path out = dir.resolve("data");
    CliRun r = CliRun.flowvi(args(new String[] {"example", "m1"}, "--quiet", "--data", csv.toString(), "--out", out.toString()));
    assertEquals(0, r.exitCode(), r.err());
    String json = Files.readString(out.resolve("report.json"));
    assertTrue(json.contains(csv.toString()) && json.contains("\"data rows\": \"50\""), json);
    assertFalse(Files.exists(out.resolve(ExampleCommand.DATA_CSV)), "the user's own data are not copied");
  }

  @Test
  void generatedDataAreWrittenAndFitAgainWithData() throws Exception {
    Path out = dir.resolve("generated");
    CliRun r = CliRun.flowvi(args(new String[] {"example", "m1"}, "--quiet", "--seed", "4", "--out", out.toString()));
    assertEquals(0, r.exitCode(), r.err());
    Path written = out.resolve(ExampleCommand.DATA_CSV);
    assertEquals("x,y", Files.readAllLines(written).get(0));
    // Shortest round-trip decimals: the file holds the generator's values bit for bit.
    DataTable generated = M1Data.generate(4);
    DataTable read = CsvData.read(written);
    assertEquals(generated.rows(), read.rows());
    for (String c : List.of("x", "y")) {
      assertArrayEquals(generated.column(c), read.column(c), c);
    }
    assertTrue(Files.readString(out.resolve("index.html")).contains("href=\"" + ExampleCommand.DATA_CSV + "\""), "the page links the data");

    // The same data through --data give the same fit: same seed, same rows, same summary.
    Path again = dir.resolve("again");
    CliRun r2 = CliRun.flowvi(args(new String[] {"example", "m1"}, "--quiet", "--seed", "4", "--data", written.toString(), "--out", again.toString()));
    assertEquals(0, r2.exitCode(), r2.err());
    List<String> first = Files.readAllLines(out.resolve("summary.csv"));
    List<String> second = Files.readAllLines(again.resolve("summary.csv"));
    assertEquals(first.size(), second.size());
    for (int i = 1; i < first.size(); i++) {
      String[] x = first.get(i).split(",");
      String[] y = second.get(i).split(",");
      for (int k = 1; k < x.length; k++) {
        double u = Double.parseDouble(x[k]);
        // As theSameSeedGivesTheSameSummary: an ulp of vector EXP/LOG between JIT tiers at most.
        assertEquals(u, Double.parseDouble(y[k]), 1e-9 * Math.max(1, Math.abs(u)), "row " + i + " column " + k);
      }
    }

    // And the model file fits them: the README's second example command.
    Path mine = dir.resolve("mine");
    CliRun fit = CliRun.flowvi(args(new String[] {"fit", "--model", Path.of("..", "examples", "m1.model").toString(), "--data", written.toString()},
        "--quiet", "--out", mine.toString()));
    assertEquals(0, fit.exitCode(), fit.err());
    assertTrue(Files.readString(mine.resolve("report.json")).contains("\"data rows\": \"" + generated.rows() + "\""));
  }

  private static void assertOneLineError(CliRun r, String... fragments) {
    assertEquals(CliErrors.BAD_INPUT, r.exitCode(), r.err());
    assertEquals(1, r.errLines(), "one line on stderr: " + r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    for (String f : fragments) {
      assertTrue(r.err().contains(f), "stderr should mention '" + f + "': " + r.err());
    }
  }

  @Test
  void badInputIsOneLineAndExitCodeTwo() throws Exception {
    assertOneLineError(CliRun.flowvi("example", "m3"), "example is 'm3', expected m1 or m2");
    assertOneLineError(CliRun.flowvi("example", "m1", "--data", dir.resolve("nope.csv").toString()),
        "--data: file", "nope.csv does not exist");
    Path noY = dir.resolve("noy.csv");
    Files.writeString(noY, "x,z\n1,2\n");
    assertOneLineError(CliRun.flowvi("example", "m1", "--data", noY.toString()), "noy.csv:1: unknown column 'y'");
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "x,y\n1,2\n3,\n");
    assertOneLineError(CliRun.flowvi("example", "m1", "--data", bad.toString()), "bad.csv:3: column 'y' (2): missing value");
    Path binary = dir.resolve("binary.csv");
    Files.write(binary, new byte[] {'x', ',', 'y', '\n', (byte) 0xC3, (byte) 0x28, '\n'});
    assertOneLineError(CliRun.flowvi("example", "m1", "--data", binary.toString()), "binary.csv");
    assertOneLineError(CliRun.flowvi("example", "m1", "--threads", "0"), "--threads is 0, expected 1..1024");
    assertOneLineError(CliRun.flowvi("example", "m1", "--steps", "0"), "--steps is 0");
    assertOneLineError(CliRun.flowvi("example", "m1", "--draws", "5"), "--draws is 5, expected 100..");
    assertOneLineError(CliRun.flowvi("example", "m1", "--restarts", "0"), "--restarts is 0, expected 1..100");
    assertOneLineError(CliRun.flowvi("example", "m1", "--preset", "fast"), "--preset is 'fast', expected seed or default");
    assertOneLineError(CliRun.flowvi("example", "m1", "--learning-rate", "0"), "--learning-rate is 0.0, expected a value in (0, 1.0]");
    assertOneLineError(CliRun.flowvi("example", "m1", "--learning-rate", "2"), "--learning-rate is 2.0, expected a value in (0, 1.0]");
    assertOneLineError(CliRun.flowvi("example", "m1", "--learning-rate", "NaN"), "--learning-rate is NaN");
    assertOneLineError(CliRun.flowvi("example", "m1", "--learning-rate", "fast"), "--learning-rate", "fast");
    Path file = dir.resolve("afile");
    Files.writeString(file, "");
    assertOneLineError(CliRun.flowvi("example", "m1", "--out", file.toString()), "which is a file, expected a directory");
  }
}
