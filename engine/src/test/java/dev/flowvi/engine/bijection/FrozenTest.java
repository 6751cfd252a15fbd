package dev.flowvi.engine.bijection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.core.ParameterBlock;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.random.RandomStream;
import org.junit.jupiter.api.Test;

class FrozenTest {
  @Test
  void marksOnlyItsOwnBlocksFrozenAndComputesTheInnerMap() {
    Affine inner = Affine.of(new double[] {1, -1}, new double[] {0.5, 2});
    Chain chain = Chain.of(Affine.of(2), Frozen.of(inner));
    ParameterLayout.Builder b = ParameterLayout.builder();
    chain.describeParameters(b, "");
    ParameterLayout layout = b.build();
    assertEquals(8, layout.size());
    assertEquals(4, layout.trainableSize(), "the first affine trains, the frozen one does not");
    for (ParameterBlock block : layout.blocks()) {
      assertEquals(block.name().contains("frozen."), block.frozen(), block.name());
    }

    double[] params = new double[inner.parameterCount()];
    inner.initialise(params, 0, RandomStream.of(1));
    Frozen frozen = Frozen.of(inner);
    int n = 3;
    double[] x = {0.1, -2, 3, 0.5, 0, -1};
    double[] y = new double[6];
    double[] ld = new double[n];
    double[] y0 = new double[6];
    double[] ld0 = new double[n];
    frozen.forward(params, 0, x, null, y, ld, n, frozen.newWorkspace(n));
    inner.forward(params, 0, x, null, y0, ld0, n, inner.newWorkspace(n));
    assertArrayEquals(y0, y);
    assertArrayEquals(ld0, ld);
    assertEquals(1 + 0.5 * 0.1, y[0], 1e-12, "u = loc + scale * x");
    double[] back = new double[6];
    frozen.inverse(params, 0, y, null, back, new double[n], n, frozen.newWorkspace(n));
    for (int k = 0; k < 6; k++) {
      assertEquals(x[k], back[k], 1e-12);
    }
    assertTrue(frozen.name().startsWith("Frozen("));
    assertThrows(IllegalArgumentException.class, () -> Frozen.of(null));
  }
}
