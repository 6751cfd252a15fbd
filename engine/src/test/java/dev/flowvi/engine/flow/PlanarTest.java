package dev.flowvi.engine.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.nn.Activation;
import dev.flowvi.engine.random.RandomStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlanarTest {

  @ParameterizedTest(name = "dim {0}, cond {1}, {2}")
  @CsvSource({
    "1, 0, TANH", "2, 0, TANH", "5, 0, TANH",
    "1, 0, LEAKY_RELU", "2, 0, LEAKY_RELU", "5, 0, LEAKY_RELU",
    "2, 2, TANH", "5, 1, LEAKY_RELU",
  })
  void satisfiesTheBijectionContractAtRandomParameters(int dim, int cond, Planar.Nonlinearity h) {
    Planar p = cond == 0 ? Planar.of(dim, h) : Planar.conditional(dim, cond, h, 5, 1, Activation.TANH);
    // x = y − û·h(a) cancels when |û·h| ≫ |x|: round-off of order 1e-15·|û·h| ≈ 1e-12 here.
    new BijectionCheck(p, 4, 31L * dim + cond, 0.8).all(1e-10);
  }

  @Test
  void startsAsTheIdentity() {
    Planar p = Planar.of(3, Planar.Nonlinearity.TANH);
    BijectionCheck c = new BijectionCheck(p, 4, 2, 0.0);
    double[] ld = new double[4];
    double[] y = c.forward(c.params, c.x, ld);
    for (int k = 0; k < y.length; k++) {
      assertEquals(c.x[k], y[k], 1e-15 * (1 + Math.abs(c.x[k])));
    }
    for (double v : ld) {
      assertEquals(0.0, v, 1e-15);
    }
  }

  /** Near the edge of invertibility (wᵀû → −1) and at extreme inputs the tanh root stays exact. */
  @Test
  void tanhInverseHoldsNearTheInvertibilityLimitAndForLargeInputs() {
    Planar p = Planar.of(2, Planar.Nonlinearity.TANH);
    double[] params = {0.8, -0.3, -40.0, 0.0, 0.2};
    // wᵀu = −32: m = softplus(−32) − 1 ≈ −1 + 1.3e-14.
    double[] x = {0.0, 1e6, -3e-3, -1e6};
    double[] y = new double[4];
    double[] back = new double[4];
    double[] ld = new double[2];
    double[] ldInv = new double[2];
    p.forward(params, 0, x, null, y, ld, 2, p.newWorkspace(2));
    p.inverse(params, 0, y, null, back, ldInv, 2, p.newWorkspace(2));
    for (int k = 0; k < 4; k++) {
      assertTrue(Double.isFinite(back[k]));
      assertEquals(x[k], back[k], 1e-9 * (1 + Math.abs(x[k])), "entry " + k);
    }
    for (int i = 0; i < 2; i++) {
      assertTrue(Double.isFinite(ld[i]));
      assertEquals(-ld[i], ldInv[i], 1e-9 * (1 + Math.abs(ld[i])));
    }
  }

  @Test
  void describesReadableBlocks() {
    Planar p = Planar.conditional(3, 2, Planar.Nonlinearity.TANH, 4, 1, Activation.RELU);
    ParameterLayout.Builder b = ParameterLayout.builder();
    p.describeParameters(b, "layer2.");
    ParameterLayout layout = b.build();
    assertEquals(p.parameterCount(), layout.size());
    assertEquals(3, layout.block("layer2.u").size());
    assertEquals(1, layout.block("layer2.b").size());
    assertEquals(7, layout.block("layer2.conditioner.layer1.bias").size());
  }

  @Test
  void rejectsBadArguments() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Planar.of(0, Planar.Nonlinearity.TANH));
    assertTrue(e.getMessage().contains("dim is 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Planar.of(2, null));
    assertTrue(e.getMessage().contains("nonlinearity"), e.getMessage());
    Planar p = Planar.conditional(2, 1, Planar.Nonlinearity.TANH, 4, 1, Activation.RELU);
    double[] params = new double[p.parameterCount()];
    p.initialise(params, 0, RandomStream.of(1));
    e = assertThrows(IllegalArgumentException.class,
        () -> p.forward(params, 0, new double[4], null, new double[4], new double[2], 2, p.newWorkspace(2)));
    assertTrue(e.getMessage().contains("cond must not be null"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> p.forward(params, 0, new double[3], new double[2], new double[4], new double[2], 2, p.newWorkspace(2)));
    assertTrue(e.getMessage().contains("x has length 3"), e.getMessage());
  }
}
