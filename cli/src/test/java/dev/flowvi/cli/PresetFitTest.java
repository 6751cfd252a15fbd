package dev.flowvi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.cli.fit.SeedExamples;
import dev.flowvi.cli.report.MiniJson;
import dev.flowvi.codegen.CodegenMode;
import dev.flowvi.engine.examples.M1Data;
import dev.flowvi.engine.examples.M2Data;
import dev.flowvi.engine.model.CsvData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The presets end to end on the seed models: the default preset lands in the true mode of M1
 * (against a quadrature reference) and of M2, and the seed preset's outcome on M2 is what it is.
 */
class PresetFitTest {
  @TempDir
  Path dir;

  /** Parameter → {mean, sd} from a summary.csv. */
  private static Map<String, double[]> summary(Path csv) throws IOException {
    Map<String, double[]> m = new java.util.LinkedHashMap<>();
    for (String line : Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size())) {
      String[] c = line.split(",");
      m.put(c[0], new double[] {Double.parseDouble(c[1]), Double.parseDouble(c[2])});
    }
    return m;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> report(Path out) throws IOException {
    return (Map<String, Object>) MiniJson.parse(Files.readString(out.resolve("report.json")));
  }

  /**
   * {@code example m1} with the default preset and the default seed 0 (the README's first
   * command), on a reduced diagnostic budget, against the posterior moments of the same data by
   * quadrature (resource m1-reference-seed0.csv, which says how they were computed). Means within
   * 0.25 reference sd: a fit in the local mode that the seed preset finds (ELBO −1279.6 against
   * −864.1 here) is tens of sds away, and 4000 draws leave a Monte Carlo error of about
   * 1/sqrt(ESS) ≈ 0.02 sd. Sds within 15 %: the sd of an sd estimate from ~4000 draws is about
   * 1 %, so the rest is the flow's own error, which the default recipe keeps small (k̂ ≈ 0.4).
   */
  @Test
  void defaultPresetLandsInTheTrueModeOfM1() throws Exception {
    Path out = dir.resolve("m1");
    CliRun r = CliRun.flowvi("example", "m1", "--quiet", "--threads", "2", "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    Map<String, Object> json = report(out);
    Map<?, ?> settings = (Map<?, ?>) json.get("settings");
    assertEquals("default", settings.get("preset"));
    assertEquals("0", settings.get("seed"));
    // Compiled unless the run switched codegen off for the whole JVM.
    String kernels = CodegenMode.fromSystemProperty() == CodegenMode.OFF ? "interpreted (-Dflowvi.codegen=off)" : "compiled";
    assertEquals(kernels, settings.get("flow kernels"));
    assertEquals(kernels, settings.get("model kernels"));
    assertMatchesTheM1Reference(out);
  }

  /**
   * {@code fit} on the shipped M1 model file with the default preset and flow (the README's third
   * command) on the same data: the mode search and Laplace start make it land in the true mode as
   * {@code example m1} does, with the same bounds. Started at a standard normal instead (the
   * preset before), the same fit ended at ELBO −948 with k̂ 4.4.
   */
  @Test
  void defaultPresetFitsTheM1ModelFileToTheReference() throws Exception {
    Path data = dir.resolve("m1.csv");
    CsvData.write(M1Data.generate(0), data);
    Path out = dir.resolve("fit-m1");
    CliRun r = CliRun.flowvi("fit", "--model", Path.of("..", "examples", "m1.model").toString(), "--data", data.toString(),
        "--quiet", "--threads", "2", "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    Map<?, ?> settings = (Map<?, ?>) report(out).get("settings");
    assertTrue(((String) settings.get("base")).contains("Laplace approximation"), settings.toString());
    assertTrue(((String) settings.get("mode search")).contains("origin of the unconstrained coordinates"), settings.toString());
    assertMatchesTheM1Reference(out);
  }

  /**
   * On Neal's funnel the default preset keeps the standard normal start: its ELBO over the same
   * draws is far above that of the Laplace approximation at the neck (about −1.2 against −38). From
   * the neck the same fit ended at ELBO −2.6 with v's mean at −3.9; from the standard normal it ends
   * near log Z = 0 (−0.26) with v's mean near its true 0 (−0.18; v ~ N(0, 3)). The bounds, ELBO above
   * −1 and |mean of v| below 1, sit between the two outcomes.
   */
  @Test
  void defaultPresetStartsAFunnelAtTheStandardNormal() throws Exception {
    Path model = dir.resolve("funnel.model");
    try (InputStream in = PresetFitTest.class.getResourceAsStream("funnel.model")) {
      Files.write(model, in.readAllBytes());
    }
    Path out = dir.resolve("funnel");
    CliRun r = CliRun.flowvi("fit", "--model", model.toString(), "--quiet", "--threads", "2", "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    Map<String, Object> json = report(out);
    String base = (String) ((Map<?, ?>) json.get("settings")).get("base");
    assertTrue(base.startsWith("standard normal on the unconstrained coordinates"), base);
    assertTrue((Double) json.get("elbo") > -1, "ELBO " + json.get("elbo"));
    double v = summary(out.resolve("summary.csv")).get("v")[0];
    assertTrue(Math.abs(v) < 1, "mean of v " + v);
  }

  /** The fit's means within 0.25 and sds within 15 % of the reference sds, ELBO of the true mode, k̂ under 0.7. */
  private static void assertMatchesTheM1Reference(Path out) throws IOException {
    Map<String, Object> json = report(out);
    Map<String, double[]> fit = summary(out.resolve("summary.csv"));
    List<String> reference;
    try (InputStream in = PresetFitTest.class.getResourceAsStream("m1-reference-seed0.csv")) {
      reference = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.startsWith("#") && !l.startsWith("parameter")).toList();
    }
    assertEquals(4, reference.size());
    for (String line : reference) {
      String[] c = line.split(",");
      double mean = Double.parseDouble(c[1]);
      double sd = Double.parseDouble(c[2]);
      double[] got = fit.get(c[0]);
      assertEquals(mean, got[0], 0.25 * sd, c[0] + " mean, in reference sds " + (got[0] - mean) / sd);
      assertEquals(sd, got[1], 0.15 * sd, c[0] + " sd");
    }
    assertTrue((Double) json.get("elbo") > -870, "ELBO of the true mode: " + json.get("elbo"));
    assertTrue((Double) json.get("khat") < 0.7, "k-hat " + json.get("khat"));
  }

  /** M2's true values in summary order, keyed by name. */
  private static double[] m2TruthOf(Map<String, double[]> fit) {
    assertEquals(27, fit.size());
    return SeedExamples.m2Truth();
  }

  private Path m2Data() {
    // 1000 of the seed's 10^4 rows: each M2 evaluation costs in proportion to the rows, and a
    // tenth of them keeps the test fast while the tracks stay well identified (≈250 rows each).
    Path csv = dir.resolve("m2.csv");
    CsvData.write(M2Data.generate(0, 1000), csv);
    return csv;
  }

  /**
   * The largest |posterior mean − truth| in posterior sds over the 27 parameters. With 1000 rows
   * the truth is itself a draw-like point of the posterior, so each z is roughly standard normal:
   * max over 27 of |z| exceeds 4 with probability about 27 × 6e-5 ≈ 0.002. Swapped tracks put
   * their coefficients tens of sds away (the tracks' slopes differ by ≥ 0.9 with sds ≈ 0.01).
   */
  private static double worstZ(Map<String, double[]> fit, StringBuilder seen) {
    double[] truth = m2TruthOf(fit);
    double worst = 0;
    int j = 0;
    for (Map.Entry<String, double[]> e : fit.entrySet()) {
      double z = (e.getValue()[0] - truth[j++]) / e.getValue()[1];
      seen.append(String.format(java.util.Locale.ROOT, " %s %.2f", e.getKey(), z));
      worst = Math.max(worst, Math.abs(z));
    }
    return worst;
  }

  @Test
  void defaultPresetRecoversM2sTracks() throws Exception {
    Path out = dir.resolve("m2-default");
    CliRun r = CliRun.flowvi("example", "m2", "--quiet", "--data", m2Data().toString(), "--draws", "1000",
        "--threads", "2", "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    StringBuilder seen = new StringBuilder();
    double worst = worstZ(summary(out.resolve("summary.csv")), seen);
    assertTrue(worst < 4, "largest |mean − truth| / sd " + worst + ":" + seen);
    Map<String, Object> json = report(out);
    assertTrue((Double) json.get("khat") < 0.7, "k-hat " + json.get("khat"));
  }

  /**
   * The seed preset (FlowJAX's triangular spline flow, 150 steps from Normal(0, 0.1)) on the same
   * 1000 rows, seed 0: measured here, it lands near the truth (largest |z| 3.8 with its own,
   * inflated, sds) but q is far from the posterior (k̂ 1.46, ELBO −8061); the honest outcome to
   * assert is that the verdict flags the fit rather than calling it trustworthy. The 6-sd bound
   * on the means still catches swapped tracks (tens of sds).
   */
  @Test
  void seedPresetOnM2IsFlaggedByTheVerdict() throws Exception {
    Path out = dir.resolve("m2-seed");
    CliRun r = CliRun.flowvi("example", "m2", "--quiet", "--preset", "seed", "--data", m2Data().toString(), "--draws", "1000",
        "--threads", "2", "--out", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    StringBuilder seen = new StringBuilder();
    double worst = worstZ(summary(out.resolve("summary.csv")), seen);
    assertTrue(worst < 6, "largest |mean − truth| / sd " + worst + ":" + seen);
    Map<String, Object> json = report(out);
    assertEquals("seed", ((Map<?, ?>) json.get("settings")).get("preset"));
    assertTrue((Double) json.get("khat") > 0.7, "k-hat " + json.get("khat"));
    assertTrue(((String) json.get("verdict")).startsWith("Cannot be trusted"), (String) json.get("verdict"));
  }
}
