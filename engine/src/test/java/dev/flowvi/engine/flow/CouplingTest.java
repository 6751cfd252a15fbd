package dev.flowvi.engine.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.bijection.AffineTransformer;
import dev.flowvi.engine.nn.Activation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CouplingTest {

  @ParameterizedTest(name = "dim {0}, cond {1}, depth {2}, {3}, {4}")
  @CsvSource({
    "1, 0, 1, TANH, floor",
    "2, 0, 1, RELU, floor",
    "5, 0, 1, TANH, clamped",
    "5, 0, 2, ELU, floor",
    "1, 2, 1, TANH, floor",
    "4, 3, 1, ELU, clamped",
    "3, 0, 0, TANH, floor",
  })
  void satisfiesTheBijectionContractAtRandomParameters(int dim, int cond, int depth, Activation act, String kind) {
    Coupling c = Coupling.of(MaskedAutoregressiveTest.transformer(kind), dim, cond, 6, depth, act);
    new BijectionCheck(c, 3, 101L * dim + cond, 0.4).all(1e-11);
  }

  @Test
  void passesTheFirstHalfThroughAndStartsAsTheIdentity() {
    Coupling c = Coupling.of(AffineTransformer.withScaleFloor(), 5, 0, 8, 1, Activation.RELU);
    BijectionCheck zero = new BijectionCheck(c, 4, 9, 0.0);
    double[] ld = new double[4];
    double[] y = zero.forward(zero.params, zero.x, ld);
    for (int k = 0; k < y.length; k++) {
      assertEquals(zero.x[k], y[k], 1e-15 * Math.abs(zero.x[k]));
    }
    BijectionCheck random = new BijectionCheck(c, 4, 9, 0.5);
    y = random.forward(random.params, random.x, ld);
    for (int k = 0; k < 2 * 4; k++) {
      assertEquals(random.x[k], y[k], 0.0, "coordinates 0 and 1 pass through");
    }
    assertTrue(y[2 * 4] != random.x[2 * 4]);
  }

  @Test
  void rejectsBadArguments() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Coupling.of(null, 2, 0, 8, 1, Activation.RELU));
    assertTrue(e.getMessage().contains("transformer"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Coupling.of(AffineTransformer.withScaleFloor(), 2, -1, 8, 1, Activation.RELU));
    assertTrue(e.getMessage().contains("conditionDim is -1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Coupling.of(AffineTransformer.withScaleFloor(), 2, 0, 0, 1, Activation.RELU));
    assertTrue(e.getMessage().contains("width is 0"), e.getMessage());
    Coupling c = Coupling.of(AffineTransformer.withScaleFloor(), 2, 1, 4, 1, Activation.RELU);
    double[] p = new double[c.parameterCount()];
    e = assertThrows(IllegalArgumentException.class,
        () -> c.inverse(p, 0, new double[6], new double[2], new double[6], new double[3], 3, c.newWorkspace(3)));
    assertTrue(e.getMessage().contains("cond has length 2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> c.forward(p, 0, new double[6], new double[3], new double[6], new double[2], 3, c.newWorkspace(3)));
    assertTrue(e.getMessage().contains("logDet has length 2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> c.forwardBackward(p, 0, new double[6], new double[3], new double[6], new double[6], new double[1],
            new double[6], new double[p.length], 3, c.newWorkspace(3)));
    assertTrue(e.getMessage().contains("gradLogDet has length 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> c.inverseBackward(p, 0, new double[6], new double[3], new double[6], new double[6], new double[3],
            new double[6], new double[2], 3, c.newWorkspace(3)));
    assertTrue(e.getMessage().contains("gradParams has length 2"), e.getMessage());
    double[] same = new double[6];
    e = assertThrows(IllegalArgumentException.class,
        () -> c.forward(p, 0, same, new double[3], same, new double[3], 3, c.newWorkspace(3)));
    assertTrue(e.getMessage().contains("same array"), e.getMessage());
  }
}
