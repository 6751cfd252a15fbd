package dev.flowvi.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.examples.M2Data;
import dev.flowvi.engine.examples.SeedModels;
import org.junit.jupiter.api.Test;

/** The read-only view code generators use: it mirrors the graph and never exposes its arrays. */
class GraphViewTest {

  @Test
  void mirrorsTheCompiledGraph() {
    DataTable data = M2Data.generate(3, 100);
    GraphView v = GraphView.of(SeedModels.m2(), data);
    CompiledGraph g = new CompiledGraph(SeedModels.m2(), data);
    assertEquals(g.size, v.size());
    assertEquals(100, v.rows());
    assertArrayEquals(g.rowOrder, v.rowOrder());
    assertArrayEquals(g.preOrder, v.preOrder());
    assertArrayEquals(g.roots, v.roots());
    int linear = 0;
    for (int id = 0; id < v.size(); id++) {
      assertEquals(g.op[id].name(), v.op(id));
      assertEquals(g.kind[id], v.kind(id));
      if (v.op(id).equals("LINEAR")) {
        linear++;
        assertEquals(v.inputs(id).length, v.coefficients(id).length);
      } else {
        assertNull(v.coefficients(id));
      }
    }
    assertTrue(linear > 0, "M2's mixture components are fused linear nodes");
    int[] rows = v.rowOrder();
    rows[0] = -7;
    assertEquals(g.rowOrder[0], v.rowOrder()[0], "a returned array is a copy");
  }

  @Test
  void namesConstraintFamiliesAndRejectsBadArguments() {
    assertEquals("real", GraphView.constraintKind(Constraint.real()));
    assertEquals("positive", GraphView.constraintKind(Constraint.positive()));
    assertEquals("simplex", GraphView.constraintKind(Constraint.simplex()));
    assertEquals("ordered", GraphView.constraintKind(Constraint.ordered()));
    assertEquals("interval", GraphView.constraintKind(Constraint.interval(-2, 3)));
    assertArrayEquals(new double[] {-2, 3}, GraphView.intervalBounds(Constraint.interval(-2, 3)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GraphView.intervalBounds(Constraint.real()));
    assertTrue(e.getMessage().contains("constraint is real"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> GraphView.of(null, null));
    assertTrue(e.getMessage().contains("model is null"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> GraphView.of(SeedModels.m2(), null));
    assertTrue(e.getMessage().contains("data is null"), e.getMessage());
  }
}
