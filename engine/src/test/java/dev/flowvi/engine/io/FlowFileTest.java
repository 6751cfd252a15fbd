package dev.flowvi.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.flow.BaseSpec;
import dev.flowvi.engine.flow.FlowSpec;
import dev.flowvi.engine.flow.Flows;
import dev.flowvi.engine.kernel.TranscendentalNoise;
import dev.flowvi.engine.model.Model;
import dev.flowvi.engine.model.ModelFile;
import dev.flowvi.engine.random.RandomStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FlowFileTest {
  @TempDir
  Path dir;

  /** One spec per factory kind, each with non-default options so that every option is exercised by the round trip. */
  static Stream<FlowSpec> specs() {
    return Stream.of(
        FlowSpec.of(FlowSpec.Kind.MASKED_AUTOREGRESSIVE, BaseSpec.normal(3, 0.5, 0.2))
            .with("layers", 2).with("width", 6).with("direction", Flows.Direction.SAMPLING_FAST).with("seed", -7L)
            .withSpline(4, 0.0, 1.0),
        FlowSpec.of(FlowSpec.Kind.MASKED_AUTOREGRESSIVE, BaseSpec.standardNormal(3))
            .with("layers", 2).with("width", 5).with("depth", 2).with("activation", "tanh").with("transformer", "affine_soft_clamp")
            .with("loft", true),
        FlowSpec.of(FlowSpec.Kind.COUPLING, BaseSpec.studentT(4, 5.0, 0.0, 1.0))
            .with("layers", 3).with("width", 4).with("seed", 11L).withSpline(5, 3.0),
        FlowSpec.of(FlowSpec.Kind.BLOCK_NEURAL_AUTOREGRESSIVE, BaseSpec.standardNormal(3))
            .with("block_dim", 3).with("depth", 2).with("direction", "sampling_fast"),
        FlowSpec.of(FlowSpec.Kind.PLANAR, BaseSpec.standardNormal(2)).with("layers", 3).with("nonlinearity", "leaky_relu"),
        FlowSpec.of(FlowSpec.Kind.PLANAR, BaseSpec.locationScale(BaseSpec.LAPLACE, 2, 0.5, 2.0)).with("layers", 2),
        FlowSpec.of(FlowSpec.Kind.PLANAR, BaseSpec.locationScale(BaseSpec.LOGISTIC, 2, -1.0, 0.5)).with("layers", 1),
        FlowSpec.of(FlowSpec.Kind.PLANAR, BaseSpec.locationScale(BaseSpec.GUMBEL, 2, 0.0, 1.5)).with("layers", 1),
        FlowSpec.of(FlowSpec.Kind.MASKED_AUTOREGRESSIVE, BaseSpec.locationScale(BaseSpec.CAUCHY, 2, 0.0, 1.0)).with("layers", 1).with("width", 3),
        FlowSpec.of(FlowSpec.Kind.TRIANGULAR_SPLINE, BaseSpec.normal(3, 0.0, 0.1))
            .with("layers", 2).with("knots", 4).with("tanh_max_val", 2.5).with("seed", 3L)
            .with("direction", "sampling_fast"));
  }

  /** Initial parameters moved off the identity initialisation, so that draws depend on every parameter. */
  static double[] fittedLike(FlowSpec spec) {
    double[] p = spec.build().initialParameters(5);
    RandomStream rng = RandomStream.of(9);
    for (int k = 0; k < p.length; k++) {
      p[k] += 0.05 * rng.nextGaussian();
    }
    return p;
  }

  static String[] names(int dim) {
    String[] n = new String[dim];
    for (int j = 0; j < dim; j++) {
      n[j] = "theta[" + j + "]";
    }
    return n;
  }

  @ParameterizedTest
  @MethodSource("specs")
  void roundTripIsBitExactInParametersAndDraws(FlowSpec spec) {
    SavedFlow saved = SavedFlow.of(spec, fittedLike(spec), names(spec.dim()), new ParameterMap.Identity(), Map.of("seed", "42"));
    Path file = dir.resolve("flow.fvi");
    FlowFile.save(saved, file);
    SavedFlow back = FlowFile.load(file);

    assertEquals(spec, back.spec());
    assertArrayEquals(bits(saved.params()), bits(back.params()));
    assertArrayEquals(saved.coordinateNames(), back.coordinateNames());
    assertEquals("42", back.metadata().get("seed"));
    assertTrue(back.metadata().containsKey("created") && back.metadata().containsKey("flowvi_version"), back.metadata().toString());
    // Same topology (including the seeded permutations) and same parameters: the same draws (bit for bit on the scalar kernels).
    double[] drawn = saved.sample(64, 123);
    assertArrayEquals(drawn, back.sample(64, 123), TranscendentalNoise.allowance(drawn));
    // Saving what was loaded gives the same file: nothing is lost or reformatted.
    assertEquals(FlowFile.format(back), FlowFile.format(SavedFlow.of(back.spec(), back.params(), back.coordinateNames(),
        back.parameterMap(), back.metadata())));
  }

  @Test
  void specBuildsTheFlowTheFlowsBuilderGives() {
    FlowSpec spec = FlowSpec.of(FlowSpec.Kind.COUPLING, BaseSpec.standardNormal(3)).with("layers", 2).with("width", 4).with("seed", 5L);
    var direct = Flows.coupling(dev.flowvi.engine.distribution.StandardNormal.of(3)).layers(2).width(4).seed(5).build();
    double[] p = fittedLike(spec);
    double[] a = new double[3 * 32];
    double[] b = new double[3 * 32];
    spec.build().sample(p, 0, RandomStream.of(1), a, 32);
    direct.sample(p, 0, RandomStream.of(1), b, 32);
    assertArrayEquals(b, a, TranscendentalNoise.allowance(b));
  }

  @Test
  void rawBitsSurviveSignedZeroSubnormalsAndNaNPayloads() {
    FlowSpec spec = FlowSpec.of(FlowSpec.Kind.PLANAR, BaseSpec.standardNormal(1)).with("layers", 1);
    double[] p = fittedLike(spec);
    p[0] = -0.0;
    p[1] = Double.MIN_VALUE;
    p[2] = Double.longBitsToDouble(0x7ff8_0000_dead_beefL);
    SavedFlow back = FlowFile.parse(FlowFile.format(SavedFlow.of(spec, p, names(1), new ParameterMap.Identity(), Map.of())), "x.fvi");
    assertArrayEquals(bits(p), bits(back.params()));
  }

  static final String MODEL = "# a scale and a location\ndata y\n\nparam sigma : positive ~ normal(0, 1)\n"
      + "param mu ~ normal(0, 10)\ntarget += sum(normal_lpdf(y | mu, sigma))\n";

  @Test
  void storedModelTextMapsDrawsToConstrainedParametersWithoutTheModelFile() {
    Model model = ModelFile.parse(MODEL, "test.model");
    FlowSpec spec = FlowSpec.of(FlowSpec.Kind.MASKED_AUTOREGRESSIVE, BaseSpec.standardNormal(2)).with("layers", 1).with("width", 4);
    SavedFlow saved = SavedFlow.of(spec, fittedLike(spec), model.coordinateNames(), ParameterMap.ModelMap.ofText(MODEL), Map.of());
    SavedFlow back = FlowFile.parse(FlowFile.format(saved), "m.fvi");
    assertEquals(MODEL, ((ParameterMap.ModelMap) back.parameterMap()).text());
    assertArrayEquals(new String[] {"sigma", "mu"}, back.parameterNames());
    int n = 16;
    double[] z = back.sampleCoordinates(n, 4);
    double[] theta = back.sample(n, 4);
    double[] x = new double[2];
    for (int i = 0; i < n; i++) {
      model.constrain(new double[] {z[i], z[n + i]}, x);
      assertEquals(x[0], theta[i], 0.0);
      assertEquals(x[1], theta[n + i], 0.0);
      assertTrue(theta[i] > 0, "sigma is positive");
    }
  }

  @Test
  void unitCubeAndBuiltinMapsRoundTrip() {
    FlowSpec spec = FlowSpec.of(FlowSpec.Kind.PLANAR, BaseSpec.normal(4, 0.5, 0.01)).with("layers", 1);
    ParameterMap box = new ParameterMap.UnitCubeToBox(new double[] {-10, -10, -50, 0}, new double[] {10, 10, 50, 1});
    SavedFlow back = FlowFile.parse(FlowFile.format(SavedFlow.of(spec, fittedLike(spec), names(4), box, Map.of())), "b.fvi");
    double[] z = back.sampleCoordinates(8, 2);
    double[] theta = back.sample(8, 2);
    // θ = lo + (hi − lo)·z, coordinate c2 (j = 2): box [−50, 50].
    assertEquals(-50 + 100 * z[2 * 8 + 3], theta[2 * 8 + 3], 1e-12);

    FlowSpec m1 = FlowSpec.of(FlowSpec.Kind.PLANAR, BaseSpec.standardNormal(4)).with("layers", 1);
    SavedFlow builtin = FlowFile.parse(FlowFile.format(SavedFlow.of(m1, fittedLike(m1), names(4), ParameterMap.ModelMap.builtin("m1"),
        Map.of())), "m1.fvi");
    assertArrayEquals(new String[] {"m1", "m2", "c2", "w1"}, builtin.parameterNames());
  }

  // ---- damaged files ----

  private String text() {
    FlowSpec spec = FlowSpec.of(FlowSpec.Kind.COUPLING, BaseSpec.standardNormal(2)).with("layers", 1).with("width", 3);
    return FlowFile.format(SavedFlow.of(spec, fittedLike(spec), names(2), new ParameterMap.Identity(), Map.of()));
  }

  private String loadError(String content) throws Exception {
    Path file = dir.resolve("bad.fvi");
    Files.writeString(file, content, StandardCharsets.UTF_8);
    String message = assertThrows(FlowFileException.class, () -> FlowFile.load(file)).getMessage();
    assertTrue(message.startsWith(file.toString()), message);
    return message;
  }

  /** The text with its crc32 line recomputed, as a careless edit by a tool would leave it. */
  private static String resealed(String text) {
    String body = text.substring(0, text.lastIndexOf("crc32 = "));
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.UTF_8));
    return body + String.format("crc32 = %08x%n", crc.getValue()).replace(System.lineSeparator(), "\n");
  }

  @Test
  void changedByteFailsTheChecksum() throws Exception {
    String t = text();
    int at = t.indexOf("param.3 = ") + "param.3 = ".length();
    String damaged = t.substring(0, at) + (t.charAt(at) == '3' ? '4' : '3') + t.substring(at + 1);
    String m = loadError(damaged);
    assertTrue(m.contains("checksum mismatch") && m.contains("save the flow again"), m);
  }

  @Test
  void truncatedFileSaysSo() throws Exception {
    String t = text();
    String m = loadError(t.substring(0, t.length() / 2));
    assertTrue(m.contains("truncated"), m);
  }

  @Test
  void garbageIsNotAFlowFile() throws Exception {
    String m = loadError("x,y\n1,2\n");
    assertTrue(m.contains(":1: not a FlowVI flow file") && m.contains("flowvi-flow 1"), m);
    String empty = loadError("");
    assertTrue(empty.contains("not a FlowVI flow file"), empty);
    String t = text();
    String broken = loadError(resealed(t.replace("dim = 2\n", "dim two\n")));
    assertTrue(broken.contains(":3: expected 'key = value' but found 'dim two'"), broken);
  }

  @Test
  void newerFormatAsksForAnUpgrade() throws Exception {
    String m = loadError(text().replaceFirst("flowvi-flow 1", "flowvi-flow 7"));
    assertTrue(m.contains(":1: written by a newer FlowVI (format 7, this one reads up to 1): upgrade"), m);
  }

  @Test
  void wrongParameterCountIsNamed() throws Exception {
    String t = text();
    int count = Integer.parseInt(t.replaceAll("(?s).*param_count = (\\d+)\n.*", "$1"));
    String m = loadError(resealed(t.replace("param_count = " + count + "\n", "param_count = " + (count + 1) + "\n")));
    assertTrue(m.contains("param_count is " + (count + 1)) && m.contains("has " + count + " parameters"), m);
    String extra = loadError(resealed(t.replace("crc32 = ", "param." + count + " = 0\ncrc32 = ")));
    assertTrue(extra.contains("more parameters than param_count = " + count), extra);
  }

  @Test
  void aConsistentButInvalidDescriptionIsNamed() throws Exception {
    String t = text();
    String m = loadError(resealed(t.replace("option.width = 3\n", "option.width = wide\n")));
    assertTrue(m.contains("invalid flow description: option width is 'wide', expected an integer"), m);
    String missing = loadError(resealed(t.replace("name.1 = theta[1]\n", "")));
    assertTrue(missing.contains("missing line 'name.1 = ...'"), missing);
  }

  @Test
  void badValuesAreRejectedWithTheirNames() {
    FlowSpec spec = FlowSpec.of(FlowSpec.Kind.PLANAR, BaseSpec.standardNormal(2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> spec.with("width", 3));
    assertTrue(e.getMessage().contains("'width'") && e.getMessage().contains("planar"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> spec.with("layers", 0));
    assertTrue(e.getMessage().contains("layers"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SavedFlow.of(spec, new double[3], names(2), new ParameterMap.Identity(), Map.of()));
    assertTrue(e.getMessage().contains("params has length 3"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new ParameterMap.UnitCubeToBox(new double[] {1}, new double[] {0}));
    assertTrue(e.getMessage().contains("box 0 is [1.0, 0.0]"), e.getMessage());
  }

  private static long[] bits(double[] v) {
    long[] b = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = Double.doubleToRawLongBits(v[i]);
    }
    return b;
  }
}
