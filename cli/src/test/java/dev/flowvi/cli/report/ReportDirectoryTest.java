package dev.flowvi.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.model.CsvData;
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.random.RandomStream;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every file of a report is written, decodes or parses, and agrees with what went in. */
class ReportDirectoryTest {
  private static final List<String> NAMES = List.of("m1", "m2", "c2", "w1");

  @TempDir
  Path dir;

  private static Draws gaussianDraws(int n, long seed) {
    RandomStream rng = RandomStream.of(seed);
    double[] v = new double[NAMES.size() * n];
    for (int j = 0; j < NAMES.size(); j++) {
      for (int i = 0; i < n; i++) {
        v[j * n + i] = j + 0.1 * (j + 1) * rng.nextGaussian();
      }
    }
    return new Draws(NAMES, v, n);
  }

  private static FitReport report(Draws d, double[] losses) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("model", "m1 <seed> & \"quoted\"");
    settings.put("seed", "7");
    TrainingSummary training = new TrainingSummary(losses.length, 1.25, 2, 17, losses);
    Evidence evidence = new Evidence(-1012.5, 0.01, -1012.4, 0.02, 480.0, 0.31, 0.7, 500, "Trustworthy: k-hat < 0.7 & so on.");
    return new FitReport("M1 test", settings, training, evidence, ParameterSummary.of(d), Provenance.current());
  }

  @Test
  void writesEveryFileAndTheyReadBack() throws Exception {
    int n = 500;
    Draws draws = gaussianDraws(n, 1);
    double[] losses = new double[300];
    for (int i = 0; i < losses.length; i++) {
      losses[i] = 1000 + 500 * Math.exp(-i / 30.0) + (i == 40 ? Double.NaN : 0); // one skipped step
    }
    FitReport report = report(draws, losses);
    Draws reference = gaussianDraws(800, 2);
    Files.writeString(dir.resolve("flow.fvi"), "written by the caller");
    List<String> written = ReportDirectory.write(dir, report, draws, new double[] {0, 1, Double.NaN, 3}, reference, List.of("flow.fvi"));
    assertEquals(List.of("summary.csv", "draws.csv", "report.json", "loss.png", "loss.csv", "corner.png", "index.html"), written);

    // loss.csv: every step numbered from 1, the skipped one as NaN, values bit for bit.
    List<String> lossLines = Files.readAllLines(dir.resolve("loss.csv"));
    assertEquals("step,loss", lossLines.get(0));
    assertEquals(1 + losses.length, lossLines.size());
    assertEquals("41,NaN", lossLines.get(41));
    for (int i = 0; i < losses.length; i++) {
      String[] cells = lossLines.get(1 + i).split(",");
      assertEquals(i + 1, Integer.parseInt(cells[0]));
      assertEquals(Double.doubleToLongBits(losses[i]), Double.doubleToLongBits(Double.parseDouble(cells[1])), "step " + (i + 1));
    }

    // summary.csv: exact header, one row per parameter, values equal to the in-memory summary.
    List<String> lines = Files.readAllLines(dir.resolve("summary.csv"));
    assertEquals("parameter,mean,sd,q05,q50,q95", lines.get(0));
    assertEquals(1 + NAMES.size(), lines.size());
    for (int j = 0; j < NAMES.size(); j++) {
      String[] cells = lines.get(1 + j).split(",");
      ParameterSummary s = report.summaries().get(j);
      assertEquals(NAMES.get(j), cells[0]);
      assertEquals(s.mean(), Double.parseDouble(cells[1]), 0.0);
      assertEquals(s.sd(), Double.parseDouble(cells[2]), 0.0);
      assertEquals(s.q95(), Double.parseDouble(cells[5]), 0.0);
    }

    // draws.csv: named columns, every value read back bit for bit.
    DataTable back = CsvData.read(dir.resolve("draws.csv"));
    assertEquals(NAMES, back.names());
    assertEquals(n, back.rows());
    double[] values = Draws.of(back).values();
    for (int k = 0; k < values.length; k++) {
      assertEquals(Double.doubleToLongBits(draws.values()[k]), Double.doubleToLongBits(values[k]), "value " + k);
    }

    // report.json: parses, carries the required keys with the right values.
    @SuppressWarnings("unchecked")
    Map<String, Object> json = (Map<String, Object>) MiniJson.parse(Files.readString(dir.resolve("report.json")));
    for (String key : List.of("elbo", "elbo_se", "log_evidence", "log_evidence_se", "ess", "khat", "khat_threshold",
        "steps", "seconds", "skipped_steps", "dropped_samples", "settings", "versions")) {
      assertTrue(json.containsKey(key), "report.json lacks " + key);
    }
    assertEquals(-1012.5, json.get("elbo"));
    assertEquals(0.31, json.get("khat"));
    assertEquals(300.0, json.get("steps"));
    // The curve decays as 500·e^(−t/30): over steps 241–300 the trend's change is about −0.1 nats,
    // exactly known (no noise) and above the 0.03 nats that counts, so the run is still improving.
    @SuppressWarnings("unchecked")
    Map<String, Object> convergence = (Map<String, Object>) json.get("convergence");
    assertEquals("improving", convergence.get("state"));
    assertEquals(241.0, convergence.get("first_step"));
    assertEquals(300.0, convergence.get("last_step"));
    double change = (Double) convergence.get("loss_change");
    assertTrue(change < -0.03 && change > -500 * Math.exp(-240 / 30.0), "change " + change);
    assertEquals(report.training().trend().summary(), convergence.get("summary"));
    assertEquals(2.0, json.get("skipped_steps"));
    assertEquals(17.0, json.get("dropped_samples"));
    @SuppressWarnings("unchecked")
    Map<String, Object> settings = (Map<String, Object>) json.get("settings");
    assertEquals("m1 <seed> & \"quoted\"", settings.get("model"));
    @SuppressWarnings("unchecked")
    Map<String, Object> versions = (Map<String, Object>) json.get("versions");
    assertEquals(System.getProperty("java.version"), versions.get("java.version"));
    assertNotNull(versions.get("flowvi"));
    assertEquals(dev.flowvi.engine.kernel.VectorSupport.describe(), versions.get("kernels"));

    // PNGs decode at the sizes the plot classes promise.
    BufferedImage loss = ImageIO.read(dir.resolve("loss.png").toFile());
    assertNotNull(loss, "loss.png must decode");
    assertEquals(LossPlot.WIDTH, loss.getWidth());
    assertEquals(LossPlot.HEIGHT, loss.getHeight());
    BufferedImage corner = ImageIO.read(dir.resolve("corner.png").toFile());
    CornerPlot plot = CornerPlot.of(NAMES, draws.values(), n);
    assertNotNull(corner, "corner.png must decode");
    assertEquals(plot.width(), corner.getWidth());
    assertEquals(plot.height(), corner.getHeight());

    // index.html references the pictures and data files and escapes the settings.
    String html = Files.readString(dir.resolve("index.html"), StandardCharsets.UTF_8);
    for (String ref : List.of("src=\"loss.png\"", "src=\"corner.png\"", "href=\"summary.csv\"", "href=\"draws.csv\"",
        "href=\"report.json\"", "href=\"flow.fvi\"")) {
      assertTrue(html.contains(ref), "index.html lacks " + ref);
    }
    assertTrue(html.contains("m1 &lt;seed&gt; &amp; &quot;quoted&quot;"), "settings are HTML-escaped");
    assertTrue(html.contains("<p class=\"good\">Trustworthy: k-hat &lt; 0.7 &amp; so on.</p>"), "the verdict, escaped");
    assertTrue(html.contains("<p class=\"bad\">Still improving: over steps 241-300"), "the convergence signal");
    assertTrue(html.contains("href=\"loss.csv\""), "index.html links loss.csv");
    assertEquals("Trustworthy: k-hat < 0.7 & so on.", json.get("verdict"));
    assertTrue(!html.contains("<seed>"), "no raw markup from settings");
  }

  /** The corner plot is drawn on a thread of its own: its failure still reaches the caller, and neither side's files are lost. */
  @Test
  void aFileThatCannotBeWrittenFailsTheCallButKeepsTheOthers() throws Exception {
    Draws draws = gaussianDraws(200, 4);
    FitReport report = report(draws, new double[] {3, 2, 1});
    // A directory where a file should go; ImageIO's own File form would silently delete an empty one.
    Path cornerBlocked = dir.resolve("a");
    Files.createDirectories(cornerBlocked.resolve("corner.png"));
    IOException e = assertThrows(IOException.class, () -> ReportDirectory.write(cornerBlocked, report, draws, null, null));
    assertTrue(e.toString().contains("corner.png"), e.toString());
    for (String f : List.of("summary.csv", "draws.csv", "report.json", "loss.png")) {
      assertTrue(Files.isRegularFile(cornerBlocked.resolve(f)), f + " is written although corner.png is not");
    }

    Path drawsBlocked = dir.resolve("b");
    Files.createDirectories(drawsBlocked.resolve("draws.csv"));
    // Draws.write reports its failure unchecked.
    java.io.UncheckedIOException d = assertThrows(java.io.UncheckedIOException.class,
        () -> ReportDirectory.write(drawsBlocked, report, draws, null, null));
    assertTrue(d.toString().contains("draws.csv"), d.toString());
    assertTrue(Files.isRegularFile(drawsBlocked.resolve("summary.csv")));
    assertNotNull(ImageIO.read(drawsBlocked.resolve("corner.png").toFile()), "the corner plot, drawn meanwhile, is complete");
  }

  @Test
  void cornerPlotDrawsSomethingInEveryLowerPanelAndNothingAbove() throws Exception {
    Draws draws = gaussianDraws(400, 3);
    CornerPlot plot = CornerPlot.of(NAMES, draws.values(), draws.count());
    BufferedImage img = plot.render();
    int p = plot.panelSize();
    // Upper-right panel (row 0, column 3) stays white; the lower-left one (row 3, column 0) holds ink.
    int white = 0xFFFFFF;
    int x0 = img.getWidth() - 16 - p;
    int y0 = 16;
    int inkUpper = 0;
    int inkLower = 0;
    for (int y = 2; y < p - 2; y++) {
      for (int x = 2; x < p - 2; x++) {
        if ((img.getRGB(x0 + x, y0 + y) & 0xFFFFFF) != white) {
          inkUpper++;
        }
        if ((img.getRGB(70 + x, 16 + 3 * (p + 6) + y) & 0xFFFFFF) != white) {
          inkLower++;
        }
      }
    }
    assertEquals(0, inkUpper, "the upper triangle is empty");
    assertTrue(inkLower > p * p / 50, "the lower-left panel shows a density, ink pixels: " + inkLower);
  }

  @Test
  void lossPlotSurvivesDegenerateCurves() {
    assertEquals(LossPlot.WIDTH, LossPlot.render(new double[] {Double.NaN, Double.NaN}).getWidth());
    assertEquals(LossPlot.WIDTH, LossPlot.render(new double[] {5.0}).getWidth());
    assertEquals(LossPlot.WIDTH, LossPlot.render(new double[] {5.0, 5.0, 5.0}).getWidth());
  }

  @Test
  void lossTicksAreZeroThenOneTwoFivePerDecade() {
    assertEquals(List.of(0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0), LossPlot.yTickValues(250));
  }

  @Test
  void badShapesAreRejectedWithTheirValues() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new Draws(NAMES, new double[7], 2));
    assertTrue(e.getMessage().contains("7 values"), e.getMessage());
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> CornerPlot.of(NAMES, new double[8], 2).withTruth(new double[3]));
    assertTrue(e.getMessage().contains("truth has 3 values"), e.getMessage());
  }
}
