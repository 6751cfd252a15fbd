package dev.flowvi.engine.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.core.ParameterLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BlockAutoregressiveNetworkTest {

  @ParameterizedTest(name = "dim {0}, cond {1}, block {2}, depth {3}")
  @CsvSource({
    "1, 0, 3, 1", "2, 0, 4, 1", "5, 0, 3, 1", "3, 0, 2, 2", "2, 2, 3, 1", "1, 1, 2, 2",
  })
  void satisfiesTheBijectionContractAtRandomParameters(int dim, int cond, int block, int depth) {
    BlockAutoregressiveNetwork b = BlockAutoregressiveNetwork.of(dim, cond, block, depth);
    // The root is solved to a few ulp of x_d; the round trip inherits the conditioning of the map.
    new BijectionCheck(b, 3, 13L * dim + cond + block, 0.5).all(1e-10);
  }

  @Test
  void outputDDependsOnlyOnInputsUpToD() {
    BlockAutoregressiveNetwork b = BlockAutoregressiveNetwork.of(4, 0, 3, 2);
    BijectionCheck c = new BijectionCheck(b, 2, 4, 0.5);
    double[] y = c.forward(c.params, c.x, new double[2]);
    for (int k = 0; k < 4; k++) {
      double[] moved = c.x.clone();
      moved[k * 2] += 0.9;
      moved[k * 2 + 1] -= 0.4;
      double[] y2 = c.forward(c.params, moved, new double[2]);
      for (int j = 0; j < 4; j++) {
        for (int i = 0; i < 2; i++) {
          if (j < k) {
            assertEquals(y[j * 2 + i], y2[j * 2 + i], 0.0, "y_" + j + " moved with x_" + k);
          } else {
            assertTrue(y[j * 2 + i] != y2[j * 2 + i], "y_" + j + " ignores x_" + k);
          }
        }
      }
    }
  }

  @Test
  void extremeInputsInvertAndStayFinite() {
    BlockAutoregressiveNetwork b = BlockAutoregressiveNetwork.of(2, 0, 4, 1);
    BijectionCheck c = new BijectionCheck(b, 4, 8, 0.5);
    double[] x = {1e6, -1e6, 1e-300, 0.0, -1e6, 1e6, 3.0, -1e-300};
    double[] ld = new double[4];
    double[] y = c.forward(c.params, x, ld);
    double[] ldInv = new double[4];
    double[] back = c.inverse(c.params, y, ldInv);
    for (int k = 0; k < x.length; k++) {
      assertTrue(Double.isFinite(y[k]) && Double.isFinite(back[k]));
      assertEquals(x[k], back[k], 1e-9 * (1 + Math.abs(x[k])), "entry " + k);
    }
    for (int i = 0; i < 4; i++) {
      assertTrue(Double.isFinite(ld[i]));
      assertEquals(-ld[i], ldInv[i], 1e-9);
    }
  }

  @Test
  void describesReadableBlocks() {
    BlockAutoregressiveNetwork b = BlockAutoregressiveNetwork.of(3, 1, 4, 1);
    ParameterLayout.Builder lb = ParameterLayout.builder();
    b.describeParameters(lb, "bnaf.");
    ParameterLayout layout = lb.build();
    assertEquals(b.parameterCount(), layout.size());
    assertEquals(12 * 4, layout.block("bnaf.layer0.weight").size());
    assertEquals(3, layout.block("bnaf.layer1.rowScale").size());
  }

  @Test
  void rejectsBadArguments() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlockAutoregressiveNetwork.of(2, 0, 0, 1));
    assertTrue(e.getMessage().contains("block is 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> BlockAutoregressiveNetwork.of(2, -3, 2, 1));
    assertTrue(e.getMessage().contains("conditionDim is -3"), e.getMessage());
    BlockAutoregressiveNetwork b = BlockAutoregressiveNetwork.of(2, 1, 2, 1);
    double[] p = new double[b.parameterCount()];
    e = assertThrows(IllegalArgumentException.class,
        () -> b.inverse(p, 0, new double[4], new double[1], new double[4], new double[2], 2, b.newWorkspace(2)));
    assertTrue(e.getMessage().contains("cond has length 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> b.forward(p, 0, new double[4], new double[2], new double[4], new double[2], 2, Planar.of(2, Planar.Nonlinearity.TANH).newWorkspace(2)));
    assertTrue(e.getMessage().contains("workspace"), e.getMessage());
  }
}
