package dev.flowvi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.examples.M1Data;
import dev.flowvi.engine.examples.M2Data;
import dev.flowvi.engine.model.CsvData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flowvi fit} and {@code flowvi check-gradients} on the shipped M1 model file. */
class FitCommandTest {
  /** The shipped model file; surefire runs in the cli module's directory. */
  private static final Path M1_MODEL = Path.of("..", "examples", "m1.model");

  @TempDir
  Path dir;

  private Path data;

  @BeforeEach
  void writeData() {
    data = dir.resolve("m1.csv");
    CsvData.write(M1Data.generate(0), data);
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
  void fitsAModelFileAndNamesTheConstrainedParameters() throws Exception {
    Path out = dir.resolve("fit");
    CliRun r = CliRun.flowvi("fit", "--model", M1_MODEL.toString(), "--data", data.toString(), "--flow", "coupling",
        "--steps", "4", "--samples", "32", "--draws", "150", "--threads", "1", "--quiet", "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
    assertEquals(List.of("m1", "m2", "c2", "w1"), summary.subList(1, 5).stream().map(l -> l.split(",")[0]).toList());
    for (double c2 : CsvData.read(out.resolve("draws.csv")).column("c2")) {
      assertTrue(c2 > -50 && c2 < 50, "c2 is constrained to its interval: " + c2);
    }
    assertTrue(Files.readString(out.resolve("report.json")).contains("coupling"));
  }

  @Test
  void referenceDrawsAreOverlaidAndMustNameTheParameters() throws Exception {
    Path ref = dir.resolve("ref.csv");
    Files.writeString(ref, "w1,c2,m2,m1\n0.6,12,-0.8,1.5\n0.61,12.1,-0.79,1.49\n");
    CliRun ok = CliRun.flowvi("fit", "--model", M1_MODEL.toString(), "--data", data.toString(), "--reference", ref.toString(),
        "--steps", "2", "--samples", "16", "--draws", "100", "--threads", "1", "--quiet", "--out", dir.resolve("o").toString());
    assertEquals(0, ok.exitCode(), ok.err());
    Path partial = dir.resolve("partial.csv");
    Files.writeString(partial, "m1,m2\n1,2\n");
    assertOneLineError(CliRun.flowvi("fit", "--model", M1_MODEL.toString(), "--data", data.toString(), "--reference", partial.toString()),
        "partial.csv:1: unknown column 'c2'");
  }

  @Test
  void badInputIsOneLineAndExitCodeTwo() throws Exception {
    assertOneLineError(CliRun.flowvi("fit", "--model", M1_MODEL.toString(), "--data", data.toString(), "--flow", "glow"),
        "--flow is 'glow', expected one of maf, maf-spline, coupling");
    assertOneLineError(CliRun.flowvi("fit", "--model", dir.resolve("absent.model").toString(), "--data", data.toString()),
        "--model: file", "absent.model does not exist");
    assertOneLineError(CliRun.flowvi("fit", "--model", M1_MODEL.toString()), "the model reads data columns x,y: give them with --data");
    Path broken = dir.resolve("broken.model");
    Files.writeString(broken, "data x, y\nparam m1 : real ~ normal(0,\n");
    assertOneLineError(CliRun.flowvi("fit", "--model", broken.toString(), "--data", data.toString()), "broken.model:3:");
    assertOneLineError(CliRun.flowvi("fit", "--data", data.toString()), "Missing required option", "--model");
    assertOneLineError(CliRun.flowvi("fit", "--model", M1_MODEL.toString(), "--data", data.toString(), "--base", "weibull"),
        "--base is 'weibull', expected normal, student-t:DF (DF > 0), laplace, logistic or cauchy");
    assertOneLineError(CliRun.flowvi("fit", "--model", M1_MODEL.toString(), "--data", data.toString(), "--base", "student-t:-1"),
        "--base is 'student-t:-1.0', expected degrees of freedom DF > 0");
  }

  @Test
  void checkGradientsPassesOnTheShippedModel() {
    CliRun r = CliRun.flowvi("check-gradients", "--model", M1_MODEL.toString(), "--data", data.toString(), "--points", "2");
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("PASSED") && r.out().contains("2 points, 4 coordinates"), r.out());
    assertOneLineError(CliRun.flowvi("check-gradients", "--model", M1_MODEL.toString(), "--data", data.toString(), "--points", "0"),
        "--points is 0, expected 1..1000");
    assertOneLineError(CliRun.flowvi("check-gradients", "--model", M1_MODEL.toString(), "--data", data.toString(), "--tolerance", "-1"),
        "--tolerance is -1.0");
  }

  /**
   * A prior narrower than its parameter's constraint: both commands say so, once, on stderr, with
   * the declaration that fits; the far box makes fit's mode search fail, and the error names it.
   */
  @Test
  void aMisdeclaredParameterIsWarnedAboutWithTheFix() throws Exception {
    Path model = dir.resolve("far.model");
    Files.writeString(model, "param mu ~ uniform(100, 110)\nparam s : positive ~ lognormal(0, 1)\n");
    String warning = "warning: parameter mu is declared real but its prior uniform(100.0, 110.0) is -infinity outside [100.0, 110.0]";
    CliRun check = CliRun.flowvi("check-gradients", "--model", model.toString(), "--points", "2");
    assertEquals(1, check.err().lines().filter(l -> l.startsWith(warning)).count(), check.err());
    assertTrue(check.err().contains("declare it interval(100.0, 110.0)"), check.err());
    CliRun fit = CliRun.flowvi("fit", "--model", model.toString(), "--steps", "2", "--samples", "16", "--threads", "1", "--out", dir.resolve("far").toString());
    assertEquals(1, fit.err().lines().filter(l -> l.startsWith(warning)).count(), fit.err());
    assertTrue(fit.err().contains("not finite at any of the 16 starts"), fit.err());
    assertTrue(CliRun.flowvi("check-gradients", "--model", model.toString(), "--points", "2", "--quiet").err().isEmpty(), "--quiet prints nothing");
  }

  /**
   * The README's check-gradients line: M2's model over its 10^4 generated rows. At standard normal
   * points log p is about −3·10^5 and the finite differences' round-off about 10^-5 of a gradient
   * entry near 3, so without the round-off allowance this failed at the default 1e-6.
   */
  @Test
  void checkGradientsPassesOnTheM2ModelOverItsGeneratedData() {
    Path m2 = dir.resolve("m2.csv");
    CsvData.write(M2Data.generate(0), m2);
    CliRun r = CliRun.flowvi("check-gradients", "--model", Path.of("..", "examples", "m2.model").toString(), "--data", m2.toString());
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("PASSED") && r.out().contains("round-off"), r.out());
  }

  /**
   * A BNAF (which, unlike the conditioner flows, does not start as the identity) after 50 steps on
   * N(3, 0.5): q is about 2.8 times too wide, its weights are bounded (k̂ below 0), so the verdict
   * trusts the weights, not q's summaries, and the PSIS-weighted table gives the sd (0.49).
   */
  @Test
  void aTooWideFitPrintsTheWeightedSummariesAndSaysWhy() throws Exception {
    Path model = dir.resolve("one.model");
    Files.writeString(model, "param mu ~ normal(3, 0.5)\n");
    CliRun r = CliRun.flowvi("fit", "--model", model.toString(), "--flow", "bnaf", "--steps", "50", "--threads", "1",
        "--out", dir.resolve("wide").toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("Trustworthy weights, but q's own summaries are off"), r.out());
    List<String> lines = r.out().lines().toList();
    int at = lines.indexOf(lines.stream().filter(l -> l.startsWith("PSIS-weighted")).findFirst().orElseThrow());
    double weightedSd = Double.parseDouble(lines.get(at + 2).trim().split("\\s+")[2]);
    assertEquals(0.5, weightedSd, 0.05, lines.get(at + 2));
    List<String> csv = Files.readAllLines(dir.resolve("wide").resolve(FitRunner.PSIS_SUMMARY_CSV));
    assertEquals("parameter,mean,sd,q05,q50,q95", csv.get(0));
    assertEquals(weightedSd, Double.parseDouble(csv.get(1).split(",")[2]), 1e-4, "the file holds the printed table");
  }

  /**
   * Where the log density is not finite at the checked points (a uniform(100, 110) prior on a real
   * parameter, -∞ at every standard normal point), no gradient can be checked: FAILED, exit code 1.
   */
  @Test
  void checkGradientsFailsWithExitCodeOneWhereTheDensityIsNotFinite() throws Exception {
    Path model = dir.resolve("far.model");
    Files.writeString(model, "param mu ~ uniform(100, 110)\n");
    CliRun r = CliRun.flowvi("check-gradients", "--model", model.toString());
    assertEquals(1, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("FAILED: worst relative error Infinity"), r.out());
  }

  /** The convergence line names the option to try: more steps while the loss falls, a lower rate when it rises. */
  @Test
  void theConvergenceLineSaysWhatToTry() {
    double[] falling = new double[100];
    double[] rising = new double[100];
    double[] flat = new double[100];
    for (int t = 0; t < 100; t++) {
      falling[t] = 10 - 0.01 * t;
      rising[t] = 10 + 0.01 * t;
      flat[t] = 10;
    }
    assertTrue(FitRunner.convergence(dev.flowvi.engine.train.LossTrend.of(falling), 100, 3e-3).endsWith(" Try --steps 200."));
    assertTrue(FitRunner.convergence(dev.flowvi.engine.train.LossTrend.of(rising), 100, 3e-3).endsWith(" Try --learning-rate 0.0010."));
    assertTrue(FitRunner.convergence(dev.flowvi.engine.train.LossTrend.of(flat), 100, 3e-3).startsWith("Converged:"));
  }

  /**
   * q = N(0, 1) against p = N(0, 3²): the weights' tail index is 1 − 1/9 ≈ 0.89, above the threshold,
   * so a converged loss means more steps will not help and the CLI says so; a falling loss or a
   * trusted q (p = q) gets no such line.
   */
  @Test
  void aConvergedButUntrustedFitIsToldThatMoreStepsWillNotHelp() {
    int n = 4000;
    double[] z = new double[n];
    double[] logTarget = new double[n];
    double[] logProposal = new double[n];
    dev.flowvi.engine.random.RandomStream rng = dev.flowvi.engine.random.RandomStream.of(5);
    for (int i = 0; i < n; i++) {
      z[i] = rng.nextGaussian();
      logTarget[i] = -z[i] * z[i] / 18;
      logProposal[i] = -z[i] * z[i] / 2;
    }
    dev.flowvi.engine.diagnostics.FitDiagnostics narrow =
        dev.flowvi.engine.diagnostics.FitDiagnostics.of(new String[] {"z"}, z, 1, n, logTarget, logProposal);
    dev.flowvi.engine.diagnostics.FitDiagnostics exact =
        dev.flowvi.engine.diagnostics.FitDiagnostics.of(new String[] {"z"}, z, 1, n, logProposal, logProposal);
    assertTrue(narrow.khat() > narrow.khatThreshold(), "k-hat " + narrow.khat());
    double[] flat = new double[100];
    double[] falling = new double[100];
    for (int t = 0; t < 100; t++) {
      flat[t] = 2;
      falling[t] = 2 - 0.01 * t;
    }
    String line = FitRunner.convergedButUntrusted(dev.flowvi.engine.train.LossTrend.of(flat), narrow);
    assertTrue(line != null && line.startsWith("The loss had converged, so more steps alone will not fix this"), line);
    assertEquals(null, FitRunner.convergedButUntrusted(dev.flowvi.engine.train.LossTrend.of(falling), narrow));
    assertEquals(null, FitRunner.convergedButUntrusted(dev.flowvi.engine.train.LossTrend.of(flat), exact));
  }

  /**
   * --base student-t:5 on N(3, 0.5): the report names the base, the flow file stores it, and
   * `sample` draws from the fitted q without the model. Bounds: 4000 draws give the mean to about
   * 0.5/√4000 ≈ 0.008 and the sd to about 0.006, so 0.05 allows a q that is a few hundredths off.
   */
  @Test
  void aHeavierTailedBaseIsFittedStoredAndSampled() throws Exception {
    Path model = dir.resolve("one.model");
    Files.writeString(model, "param mu ~ normal(3, 0.5)\n");
    Path out = dir.resolve("t-base");
    CliRun r = CliRun.flowvi("fit", "--model", model.toString(), "--base", "student-t:5", "--threads", "1", "--quiet", "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    String report = Files.readString(out.resolve("report.json"));
    assertTrue(report.contains("Student t with 5 degrees of freedom"), report);
    String flowFile = Files.readString(out.resolve(FitRunner.FLOW_FILE));
    assertTrue(flowFile.contains("base = student_t") && flowFile.contains("maf@student-t:5+laplace"), flowFile);
    Path drawsFile = dir.resolve("t-draws.csv");
    CliRun sampled = CliRun.flowvi("sample", "--flow", out.resolve(FitRunner.FLOW_FILE).toString(), "-n", "4000", "--out", drawsFile.toString());
    assertEquals(0, sampled.exitCode(), sampled.err());
    double[] mu = CsvData.read(drawsFile).column("mu");
    double mean = java.util.Arrays.stream(mu).average().orElseThrow();
    double sd = Math.sqrt(java.util.Arrays.stream(mu).map(v -> (v - mean) * (v - mean)).sum() / (mu.length - 1));
    assertEquals(3.0, mean, 0.05);
    assertEquals(0.5, sd, 0.05);
  }
}
