package dev.flowvi.codegen.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flowvi.codegen.SourceWriter;
import dev.flowvi.engine.examples.M2Data;
import dev.flowvi.engine.examples.SeedModels;
import dev.flowvi.engine.kernel.VectorSupport;
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.model.GraphView;
import dev.flowvi.engine.model.Model;
import dev.flowvi.engine.target.LogDensity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The vector row loop cut into tile segments: its plan, and M2 compiled at several segment sizes. */
class TiledRowLoopTest {
  /**
   * Any segment size gives the interpreter's values, to ModelCompilerTest's 1e-12 for the same
   * reasons. (Each lane sums its rows in the same order whatever the cuts, but the sizes are not
   * compared bit for bit: lanewise EXP and LOG round differently before and after C2 compiles a
   * segment.) 601 rows: two full tiles, a partial one and a scalar tail.
   */
  @Test
  void m2AtEverySegmentSizeMatchesTheInterpreter() {
    assumeTrue(VectorSupport.enabled(), "the vector loop is not generated in this JVM: " + VectorSupport.describe());
    Model m2 = SeedModels.m2();
    DataTable data = M2Data.generate(31, 601);
    double[] z = ModelCompilerTest.nearTruth(m2, ModelCompilerTest.m2Truth(), 4, 32);
    for (int calls : new int[] {1, 3, 17, TiledRowLoop.CALLS_PER_SEGMENT, 1000}) {
      LogDensity tiled = ModelCompiler.vectorWithSegmentBudget(m2, data, calls);
      ModelCompilerTest.compare(tiled, GraphView.of(m2, data).interpretedScalar(), z, 1e-12);
    }
  }

  @Test
  void smallerSegmentsMeanMoreOfThemAndTileRowsAreReused() {
    GraphView view = GraphView.of(SeedModels.m2(), M2Data.generate(31, 64));
    String one = new ModelSourceGenerator(view, true, 1).template();
    String standard = new ModelSourceGenerator(view, true).template();
    int many = count(one, "private void rowsGradientVectorTile");
    int few = count(standard, "private void rowsGradientVectorTile");
    // Each math stub call has a segment of its own at any size (M2's gradient: 4 EXP), so the
    // default size gives 7 to 11 segments, one call each about 100.
    assertTrue(few >= 2 && many > 5 * few, "segments: " + few + " at the default size, " + many + " at one call each");
    // No zero vector: every adjoint starts from its first contribution.
    assertFalse(standard.contains("DoubleVector.zero(S)") || standard.contains(" = Z;"), "a zero vector is still broadcast");
  }

  /** A hand-written body: loads and stores across segments, a copied constant, hoisted scalars. */
  @Test
  void planCarriesValuesAcrossSegmentsThroughTileRows() {
    List<String> body = List.of(
        "DoubleVector r1 = P0.mul(C3);",
        "DoubleVector r2 = r1.add(P0);",
        "S9 = S9.add(r2);",
        "DoubleVector g2 = Q2;",
        "DoubleVector g1 = g2.mul(P0);",
        "B0 = B0.add(g1.mul(C3));");
    Map<String, String> constants = new LinkedHashMap<>();
    constants.put("P0", "w[0]");
    constants.put("Q2", "w[12]");
    Map<String, String> accumulators = new LinkedHashMap<>();
    accumulators.put("S9", "w[9] += %s;");
    accumulators.put("B0", "w[10] -= w[0] * %s;");
    TiledRowLoop loop = new TiledRowLoop("rows", body, constants, Map.of("C3", "c3"), accumulators, Map.of(), 100, 1);
    assertEquals(5, loop.segmentCount(), "one segment per statement that calls (the two copies call nothing)");
    // r1 (segments 0 → 1), r2 (1 → 2) and g1 (3 → 4) share one row: each is dead when the next is stored.
    assertEquals(1, loop.tileRows());
    assertEquals(TiledRowLoop.TILE + 2 * TiledRowLoop.MAX_LANES, loop.scratchSize());
    SourceWriter w = new SourceWriter();
    loop.emit(w);
    String src = w.build();
    assertTrue(src.contains("r1.intoArray(w, 100 + t);"), src);
    assertTrue(src.contains("DoubleVector r1 = DoubleVector.fromArray(S, w, 100 + t);"), src);
    assertTrue(src.contains("DoubleVector g2 = Q2;"), "the copy of Q2 is re-declared where it is read:\n" + src);
    assertTrue(src.contains("final double k_P0 = w[0];"), "scalars are read before the loop:\n" + src);
    assertTrue(src.contains("final DoubleVector P0 = DoubleVector.broadcast(S, k_P0);"), src);
    assertTrue(src.contains("w[9] += DoubleVector.fromArray(S, w, 356).reduceLanes(ADD);"), src);
    assertTrue(src.contains("w[10] -= w[0] * DoubleVector.fromArray(S, w, 388).reduceLanes(ADD);"), src);
  }

  /**
   * A math stub call clobbers every vector register, so each statement with one gets a segment of
   * its own, whatever the budget: only its operands and result cross the call.
   */
  @Test
  void mathStubCallsGetSegmentsOfTheirOwn() {
    List<String> body = List.of(
        "DoubleVector a = P0.mul(C3);",
        "DoubleVector b = P0.add(C3);",
        "DoubleVector m = a.max(b);",
        "DoubleVector e0 = a.sub(m).lanewise(EXP);",
        "DoubleVector e1 = b.sub(m).lanewise(EXP);",
        "DoubleVector l = e0.add(e1).lanewise(LOG);",
        "S9 = S9.add(m.add(l));");
    Map<String, String> constants = Map.of("P0", "w[0]");
    Map<String, String> accumulators = Map.of("S9", "w[9] += %s;");
    TiledRowLoop loop = new TiledRowLoop("rows", body, constants, Map.of("C3", "c3"), accumulators, Map.of(), 100, 1000);
    assertEquals(5, loop.segmentCount(), "a, b, m | e0 | e1 | l | S9");
    SourceWriter w = new SourceWriter();
    loop.emit(w);
    String src = w.build();
    for (int k = 1; k <= 3; k++) {
      String segment = src.substring(src.indexOf("private void rowsTile" + k + "("), src.indexOf("private void rowsTile" + (k + 1) + "("));
      assertEquals(1, segment.split("lanewise\\(", -1).length - 1, "one stub call in segment " + k + ":\n" + segment);
    }
    // Without stub calls the same budget keeps the body in one segment.
    TiledRowLoop plain = new TiledRowLoop("rows", body.subList(0, 3), constants, Map.of("C3", "c3"), accumulators, Map.of(), 100, 1000);
    assertEquals(1, plain.segmentCount());
  }

  @Test
  void badBodiesAndBudgetsAreNamed() {
    Map<String, String> none = Map.of();
    IllegalArgumentException notAStatement = assertThrows(IllegalArgumentException.class,
        () -> new TiledRowLoop("rows", List.of("if (x) y();"), none, none, none, none, 0, 4));
    assertTrue(notAStatement.getMessage().contains("'if (x) y();'"), notAStatement.getMessage());
    IllegalArgumentException undeclared = assertThrows(IllegalArgumentException.class,
        () -> new TiledRowLoop("rows", List.of("x = x.add(x);"), none, none, none, none, 0, 4));
    assertTrue(undeclared.getMessage().contains("assigns x"), undeclared.getMessage());
    IllegalArgumentException budget = assertThrows(IllegalArgumentException.class,
        () -> new TiledRowLoop("rows", List.of(), none, none, none, none, 0, 0));
    assertTrue(budget.getMessage().contains("callsPerSegment is 0"), budget.getMessage());
    IllegalArgumentException product = assertThrows(IllegalArgumentException.class,
        () -> new TiledRowLoop("rows", List.of(), none, none, none, Map.of("LP1", "S2"), 0, 4));
    assertTrue(product.getMessage().contains("LP1 goes to S2, which is not an accumulator"), product.getMessage());
  }

  /**
   * A log product starts at one in its segment, and after that segment's loop its log goes into
   * its accumulator, which the segment then loads and stores even if no statement there names it.
   */
  @Test
  void logProductsLiveInTheirSegmentAndFlushIntoTheirAccumulator() {
    List<String> body = List.of(
        "DoubleVector r1 = P0.mul(C3);",
        "LP1 = LP1.mul(r1);",
        "S9 = S9.add(r1);");
    Map<String, String> accumulators = new LinkedHashMap<>();
    accumulators.put("S9", "w[9] += %s;");
    TiledRowLoop loop = new TiledRowLoop("rows", body, Map.of("P0", "w[0]"), Map.of("C3", "c3"), accumulators,
        Map.of("LP1", "S9"), 100, 1);
    assertEquals(3, loop.segmentCount());
    SourceWriter w = new SourceWriter();
    loop.emit(w);
    String src = w.build();
    String second = src.substring(src.indexOf("private void rowsTile1"), src.indexOf("private void rowsTile2"));
    assertTrue(second.contains("DoubleVector LP1 = DoubleVector.broadcast(S, 1.0);"), second);
    assertTrue(second.contains("DoubleVector S9 = DoubleVector.fromArray(S, w, 356);"), second);
    int flush = second.indexOf("S9 = S9.add(LP1.lanewise(LOG));");
    assertTrue(flush > second.indexOf("LP1 = LP1.mul(r1);") && flush < second.indexOf("S9.add(-0.0).intoArray(w, 356);"), second);
    assertFalse(src.substring(src.indexOf("private void rowsTile2")).contains("LP1"), src);
  }

  /**
   * After its loop a segment stores each accumulator through a lanewise op, never straight from the
   * loop's phi (on JDK 17 such a store could fail to intrinsify and box in every iteration), and
   * the op is an exact identity.
   */
  @Test
  void accumulatorsAreStoredThroughAnExactIdentity() {
    Map<String, String> accumulators = new LinkedHashMap<>();
    accumulators.put("S9", "w[9] += %s;");
    accumulators.put("B4", "w[4] += %s;");
    TiledRowLoop loop = new TiledRowLoop("rows", List.of("S9 = S9.add(P0);", "B4 = P0.fma(C3, B4);"), Map.of("P0", "w[0]"),
        Map.of("C3", "c3"), accumulators, Map.of(), 100, 40);
    SourceWriter w = new SourceWriter();
    loop.emit(w);
    String src = w.build();
    for (String a : accumulators.keySet()) {
      assertFalse(src.contains(a + ".intoArray("), src);
      assertEquals(1, count(src, a + ".add(-0.0).intoArray(w, "), src);
    }
    for (double x : new double[] {0.0, -0.0, 1e-310, -3.5, Double.MAX_VALUE, Double.NEGATIVE_INFINITY, Double.NaN}) {
      assertEquals(Double.doubleToLongBits(x), Double.doubleToLongBits(x + (-0.0)), "x = " + x);
    }
  }

  private static int count(String text, String what) {
    int count = 0;
    for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
      count++;
    }
    return count;
  }
}
