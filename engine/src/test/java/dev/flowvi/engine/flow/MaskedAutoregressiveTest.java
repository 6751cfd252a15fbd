package dev.flowvi.engine.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.bijection.AffineTransformer;
import dev.flowvi.engine.bijection.Transformer;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.nn.Activation;
import dev.flowvi.engine.random.RandomStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class MaskedAutoregressiveTest {

  static Transformer transformer(String kind) {
    return kind.equals("clamped") ? AffineTransformer.softClamped() : AffineTransformer.withScaleFloor();
  }

  @ParameterizedTest(name = "dim {0}, cond {1}, depth {2}, {3}, {4}")
  @CsvSource({
    "1, 0, 1, TANH, floor",
    "2, 0, 1, RELU, floor",
    "5, 0, 1, TANH, floor",
    "5, 0, 2, ELU, clamped",
    "1, 2, 1, TANH, floor",
    "3, 2, 1, ELU, floor",
    "4, 0, 0, TANH, clamped",
  })
  void satisfiesTheBijectionContractAtRandomParameters(int dim, int cond, int depth, Activation act, String kind) {
    MaskedAutoregressive maf = MaskedAutoregressive.of(transformer(kind), dim, cond, 7, depth, act);
    new BijectionCheck(maf, 3, 11L * dim + cond, 0.4).all(1e-10);
  }

  @Test
  void startsAsTheIdentity() {
    MaskedAutoregressive maf = MaskedAutoregressive.of(AffineTransformer.withScaleFloor(), 3, 1, 10, 1, Activation.RELU);
    BijectionCheck c = new BijectionCheck(maf, 5, 3, 0.0);
    double[] ld = new double[5];
    double[] y = c.forward(c.params, c.x, ld);
    for (int k = 0; k < y.length; k++) {
      assertEquals(c.x[k], y[k], 1e-15 * Math.abs(c.x[k]));
    }
    for (double v : ld) {
      assertEquals(0.0, v, 1e-15);
    }
  }

  @Test
  void outputJDependsOnlyOnEarlierInputs() {
    MaskedAutoregressive maf = MaskedAutoregressive.of(AffineTransformer.withScaleFloor(), 4, 0, 9, 2, Activation.TANH);
    BijectionCheck c = new BijectionCheck(maf, 2, 5, 0.5);
    double[] y = c.forward(c.params, c.x, new double[2]);
    for (int k = 0; k < 4; k++) {
      double[] moved = c.x.clone();
      moved[k * 2] += 0.7;
      moved[k * 2 + 1] -= 1.3;
      double[] y2 = c.forward(c.params, moved, new double[2]);
      for (int j = 0; j < k; j++) {
        assertEquals(y[j * 2], y2[j * 2], 0.0, "y_" + j + " moved with x_" + k);
        assertEquals(y[j * 2 + 1], y2[j * 2 + 1], 0.0);
      }
      assertTrue(y[k * 2] != y2[k * 2], "y_" + k + " ignores x_" + k);
    }
  }

  @Test
  void describesItsNetworkBlocks() {
    MaskedAutoregressive maf = MaskedAutoregressive.of(AffineTransformer.withScaleFloor(), 3, 2, 6, 1, Activation.RELU);
    ParameterLayout.Builder lb = ParameterLayout.builder();
    maf.describeParameters(lb, "layer0.");
    ParameterLayout layout = lb.build();
    assertEquals(maf.parameterCount(), layout.size());
    assertEquals(6 * 5, layout.block("layer0.conditioner.layer0.weight").size());
    assertEquals(6, layout.block("layer0.conditioner.layer1.bias").size());
  }

  @Test
  void rejectsBadShapes() {
    MaskedAutoregressive maf = MaskedAutoregressive.of(AffineTransformer.withScaleFloor(), 3, 2, 6, 1, Activation.RELU);
    double[] p = new double[maf.parameterCount()];
    maf.initialise(p, 0, RandomStream.of(1));
    Workspace ws = maf.newWorkspace(4);
    double[] x = new double[12];
    double[] y = new double[12];
    double[] ld = new double[4];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> maf.forward(p, 0, x, null, y, ld, 4, ws));
    assertTrue(e.getMessage().contains("cond"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> maf.forward(p, 0, x, new double[7], y, ld, 4, ws));
    assertTrue(e.getMessage().contains("cond has length 7"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> maf.forward(p, 0, new double[11], new double[8], y, ld, 4, ws));
    assertTrue(e.getMessage().contains("x has length 11"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> maf.forward(p, 0, x, new double[8], y, ld, 5, ws));
    assertTrue(e.getMessage().contains("batch size n is 5"), e.getMessage());
    MaskedAutoregressive other = MaskedAutoregressive.of(AffineTransformer.withScaleFloor(), 3, 2, 6, 1, Activation.RELU);
    e = assertThrows(IllegalArgumentException.class, () -> maf.forward(p, 0, x, new double[8], y, ld, 4, other.newWorkspace(4)));
    assertTrue(e.getMessage().contains("workspace"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> MaskedAutoregressive.of(AffineTransformer.withScaleFloor(), 0, 0, 6, 1, Activation.RELU));
    assertTrue(e.getMessage().contains("dim is 0"), e.getMessage());
    MaskedAutoregressive plain = MaskedAutoregressive.of(AffineTransformer.withScaleFloor(), 3, 0, 6, 1, Activation.RELU);
    double[] pp = new double[plain.parameterCount()];
    e = assertThrows(IllegalArgumentException.class,
        () -> plain.forward(pp, 0, x, new double[12], y, ld, 4, plain.newWorkspace(4)));
    assertTrue(e.getMessage().contains("expected null"), e.getMessage());
  }
}
