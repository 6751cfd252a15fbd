package dev.flowvi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.model.CsvData;
import dev.flowvi.engine.model.DataTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flowvi sample} draws from the flow that {@code example m1} saved. */
class SampleCommandTest {
  @TempDir
  static Path dir;

  private static Path fitted;

  @BeforeAll
  static void fitATinyM1() {
    CliRun r = CliRun.flowvi("example", "m1", "--steps", "5", "--samples", "64", "--draws", "400", "--threads", "1", "--quiet",
        "--out", dir.resolve("m1").toString());
    assertEquals(0, r.exitCode(), r.err());
    fitted = dir.resolve("m1").resolve("flow.fvi");
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
  void drawsComeFromTheFittedFlowAndAreReproducible() throws Exception {
    Path a = dir.resolve("a.csv");
    Path b = dir.resolve("sub").resolve("b.csv");
    assertEquals(0, CliRun.flowvi("sample", "--flow", fitted.toString(), "-n", "1000", "--seed", "4", "--out", a.toString()).exitCode());
    assertEquals(0, CliRun.flowvi("sample", "--flow", fitted.toString(), "-n", "1000", "--seed", "4", "--out", b.toString(), "--quiet").exitCode());
    DataTable draws = CsvData.read(a);
    DataTable again = CsvData.read(b);
    for (String name : draws.names()) {
      double[] u = draws.column(name);
      double[] v = again.column(name);
      for (int i = 0; i < u.length; i++) {
        // Bit-identical on the scalar path; vector EXP/LOG may differ by an ulp between JIT tiers.
        assertEquals(u[i], v[i], 1e-9 * Math.max(1, Math.abs(u[i])), "the same seed gives the same draws: " + name + "[" + i + "]");
      }
    }
    assertEquals(List.of("m1", "m2", "c2", "w1"), draws.names());
    assertEquals(1000, draws.rows());
    // The mean of 1000 fresh draws has a standard error of sd/√1000 ≈ 0.03 sd, so it falls inside
    // the 5–95% range of the fit's own 400 draws (±1.6 sd) unless the sampler ignores the fit.
    List<String> summary = Files.readAllLines(dir.resolve("m1").resolve("summary.csv"));
    for (int j = 0; j < 4; j++) {
      String[] row = summary.get(1 + j).split(",");
      double mean = 0;
      for (double v : draws.column(row[0])) {
        mean += v / draws.rows();
      }
      assertTrue(mean > Double.parseDouble(row[3]) && mean < Double.parseDouble(row[5]),
          row[0] + ": mean " + mean + " outside [" + row[3] + ", " + row[5] + "]");
    }
  }

  @Test
  void badFlowFilesAreOneLine() throws Exception {
    assertOneLineError(CliRun.flowvi("sample", "--flow", dir.resolve("none.txt").toString(), "-n", "5"), "--flow: file", "does not exist");
    assertOneLineError(CliRun.flowvi("sample", "--flow", fitted.toString(), "-n", "0"), "-n is 0, expected 1..");
    Path csv = dir.resolve("not-a-flow.txt");
    Files.writeString(csv, "x,y\n1,2\n");
    assertOneLineError(CliRun.flowvi("sample", "--flow", csv.toString(), "-n", "5", "--out", dir.resolve("x.csv").toString()),
        "not-a-flow.txt:1: not a FlowVI flow file");
    List<String> lines = Files.readAllLines(fitted);
    Path truncated = dir.resolve("truncated.fvi");
    Files.write(truncated, lines.subList(0, lines.size() - 3));
    assertOneLineError(CliRun.flowvi("sample", "--flow", truncated.toString(), "-n", "5", "--out", dir.resolve("x.csv").toString()),
        "truncated.fvi:", "truncated", "save the flow again");
    Path edited = dir.resolve("edited.fvi");
    Files.write(edited, lines.stream().map(l -> l.startsWith("param.0 = ") ? "param.0 = 0" : l).toList());
    assertOneLineError(CliRun.flowvi("sample", "--flow", edited.toString(), "-n", "5", "--out", dir.resolve("x.csv").toString()),
        "edited.fvi:", "checksum mismatch");
    Path newer = dir.resolve("newer.fvi");
    Files.write(newer, lines.stream().map(l -> l.startsWith("flowvi-flow ") ? "flowvi-flow 99" : l).toList());
    assertOneLineError(CliRun.flowvi("sample", "--flow", newer.toString(), "-n", "5", "--out", dir.resolve("x.csv").toString()),
        "newer.fvi:1: written by a newer FlowVI (format 99, this one reads up to 1): upgrade");
  }

  @Test
  void aFitToAModelFileSamplesWithoutTheModelFile() throws Exception {
    Path model = dir.resolve("scale.model");
    Files.writeString(model, "param sigma : positive ~ normal(0, 1)\nparam mu ~ normal(3, 0.5)\n");
    CliRun fit = CliRun.flowvi("fit", "--model", model.toString(), "--flow", "planar", "--steps", "5", "--samples", "32", "--draws", "100",
        "--threads", "1", "--quiet", "--out", dir.resolve("fit").toString());
    assertEquals(0, fit.exitCode(), fit.err());
    Files.delete(model);
    Path flow = dir.resolve("fit").resolve("flow.fvi");
    assertTrue(Files.readString(flow).contains("model.0 = param sigma : positive ~ normal(0, 1)"), "the model text is stored");
    Path csv = dir.resolve("scale.csv");
    CliRun r = CliRun.flowvi("sample", "--flow", flow.toString(), "-n", "200", "--out", csv.toString(), "--quiet");
    assertEquals(0, r.exitCode(), r.err());
    DataTable draws = CsvData.read(csv);
    assertEquals(List.of("sigma", "mu"), draws.names());
    for (double s : draws.column("sigma")) {
      assertTrue(s > 0, "sigma is mapped through the positive constraint: " + s);
    }
  }
}
