package dev.flowvi.codegen.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.bijection.RationalQuadraticSpline;
import dev.flowvi.engine.distribution.Normal;
import dev.flowvi.engine.flow.Flows;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LayerSharingTest {
  private static final String PASS = "(double[] p, int o, int n, double[][] b, double[][] f, int[] rowsIn, int[] rowsOut, int bb, int fb)";

  /** Layer k's text as an emitter writes it: absolute offsets, slots and table names. */
  private static String layer(int k, int offset, int slot, int fixed) {
    return "  private static void l" + k + "Forward" + PASS + " {\n"
        + "    " + "l" + k + "Scale(p[o + " + (offset + 2) + "], b[" + slot + "], f[" + fixed + "], MASK_" + k + ", b[0]);\n"
        + "    dev.flowvi.codegen.flow.FlowMath.dense(p, o + " + offset + ", o + " + (offset + 1) + ", MASK_" + k + ", 2, 2, b["
        + (slot + 1) + "], b[0], n);\n"
        + "  }\n"
        + "  private static double l" + k + "Scale(double v, double[] row, double[] tab, boolean[] mask, double[] shared) {\n"
        + "    return v * row[0] + tab[0] + shared[0];\n"
        + "  }\n";
  }

  private static LayerSharing.LayerCode code(int k, String text, String maskValues, int slot, int fixed) {
    return new LayerSharing.LayerCode(k, text, List.of("static final boolean[] MASK_" + k + " = " + maskValues + ";"), slot, slot + 2,
        fixed, fixed + 1);
  }

  private static final List<Integer> ROWS = List.of(4, 4, 4, 4, 4, 4, 4, 4, 4, 4);
  private static final List<Integer> FIXED = List.of(7, 7, 7, 7);

  @Test
  void aLayerWithTheSameCodeRunsTheEarlierLayersMethodsWithItsOwnBases() {
    LayerSharing sharing = new LayerSharing();
    LayerSharing.Placement first = sharing.place(code(0, layer(0, 10, 3, 1), "{true}", 3, 1), ROWS, FIXED, Set.of());
    assertEquals(0, first.methods());
    assertEquals(10, first.paramBase());
    assertEquals(3, first.batchBase());
    assertEquals(1, first.fixedBase());
    // Parameters relative to the base, own slots relative to bb and fb, the shared slot b[0] absolute.
    assertTrue(first.text().contains("l0Scale(p[o + 2], b[bb + 0], f[fb + 0], MASK_0, b[0]);"), first.text());
    assertTrue(first.text().contains("FlowMath.dense(p, o + 0, o + 1, MASK_0, 2, 2, b[bb + 1], b[0], n);"), first.text());

    LayerSharing.Placement second = sharing.place(code(1, layer(1, 50, 5, 2), "{true}", 5, 2), ROWS, FIXED, Set.of());
    assertTrue(second.shared(1));
    assertEquals(0, second.methods());
    assertEquals(50, second.paramBase());
    assertEquals(5, second.batchBase());
    assertEquals(2, second.fixedBase());
    assertNull(second.text());
  }

  @Test
  void differentTablesOrSlotSizesKeepLayersApart() {
    LayerSharing sharing = new LayerSharing();
    sharing.place(code(0, layer(0, 10, 3, 1), "{true}", 3, 1), ROWS, FIXED, Set.of());
    LayerSharing.Placement otherMask = sharing.place(code(1, layer(1, 50, 5, 2), "{false}", 5, 2), ROWS, FIXED, Set.of());
    assertFalse(otherMask.shared(1), "a table with other values");
    List<Integer> wider = List.of(4, 4, 4, 4, 4, 4, 4, 9, 4, 4);
    LayerSharing.Placement otherRows = sharing.place(code(2, layer(2, 90, 7, 3), "{true}", 7, 3), wider, FIXED, Set.of());
    assertFalse(otherRows.shared(2), "a scratch row of another size");
    // A gather slot shared by all layers stays absolute, so it is no reason to differ.
    LayerSharing.Placement gathered = sharing.place(code(3, layer(3, 130, 0, 0), "{true}", 0, 0), ROWS, FIXED, Set.of(0));
    assertFalse(gathered.shared(3), "slot 0 is this layer's own row here, b[bb + 0], not the shared b[0]");
  }

  @Test
  void codeThatReadsOffsetsOrSlotsAnyOtherWayIsKeptAsItIsAndNeverShared() {
    for (String odd : List.of("    helper(p, o);\n", "    double[] r = b[bb2];\n", "    double[] r = f[j];\n")) {
      LayerSharing sharing = new LayerSharing();
      String text = layer(0, 10, 3, 1).replace("  }\n  private", odd + "  }\n  private");
      LayerSharing.Placement first = sharing.place(code(0, text, "{true}", 3, 1), ROWS, FIXED, Set.of());
      assertEquals(text, first.text(), odd);
      assertEquals(0, first.paramBase(), odd);
      String again = layer(1, 10, 3, 1).replace("  }\n  private", odd + "  }\n  private");
      assertFalse(sharing.place(code(1, again, "{true}", 3, 1), ROWS, FIXED, Set.of()).shared(1), odd);
    }
    // A helper method (no bb, fb) reading the layer's own slot.
    LayerSharing sharing = new LayerSharing();
    String helperReadsSlot = layer(0, 10, 3, 1).replace("return v * row[0]", "return v * b[3][0]");
    assertEquals(helperReadsSlot, sharing.place(code(0, helperReadsSlot, "{true}", 3, 1), ROWS, FIXED, Set.of()).text());
  }

  /** Shared layers read the conditioning input and write log-dets like their own: conditional flows of both kinds that share. */
  @Test
  void conditionalFlowsShareAndMatchTheInterpreter() {
    Bijection maf = Flows.maskedAutoregressive(Normal.of(5, 0.0, 1.0)).layers(4).conditionDim(3).seed(7).build().bijection();
    Bijection coupling = Flows.coupling(Normal.of(6, 0.0, 1.0)).layers(4).conditionDim(2)
        .transformer(RationalQuadraticSpline.of(5, 3.0)).seed(8).build().bijection();
    for (Bijection flow : new Bijection[] {maf, coupling}) {
      String src = FlowCompiler.source(flow).source();
      assertFalse(src.contains("private static void l3Forward("), "the last layer shares an earlier layer's methods:\n" + src);
      Bijection compiled = FlowCompiler.compile(flow, FlowCompilerTest.CACHE);
      for (int n : new int[] {5, 37}) {
        FlowCompilerTest.assertMatches(flow.name() + ", n " + n, flow.dim(), flow, compiled, true, n);
      }
    }
  }

  @Test
  void theSeedsEightLayerSplineMafIsOneSetOfMethodsAndMatchesTheInterpreter() {
    Bijection flow = Flows.maskedAutoregressive(Normal.of(4, 0.5, 0.01))
        .transformer(RationalQuadraticSpline.of(4, 0.0, 1.0))
        .seed(3)
        .build()
        .bijection();
    String src = FlowCompiler.source(flow).source();
    assertTrue(src.contains("private static void l0Forward("), src);
    assertFalse(src.contains("private static void l1Forward("), "layers 1..7 run layer 0's methods");
    assertFalse(src.contains("MASK_1_0"), "a shared layer's tables are not declared");
    assertEquals(8, src.split("l0Forward\\(p, o \\+ ", -1).length - 1, "every layer's forward pass calls l0Forward:\n" + src);
    assertTrue(src.contains("l0Forward(p, o + 3514, "), "with its own parameter offset:\n" + src);
    Bijection compiled = FlowCompiler.compile(flow, FlowCompilerTest.CACHE);
    for (int n : new int[] {5, 37}) {
      FlowCompilerTest.assertMatches("8-layer spline MAF, n " + n, 4, flow, compiled, true, n);
    }
  }
}
