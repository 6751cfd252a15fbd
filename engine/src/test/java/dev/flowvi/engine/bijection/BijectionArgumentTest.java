package dev.flowvi.engine.bijection;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input fails at once with an IllegalArgumentException naming the argument, the value and what was expected. */
class BijectionArgumentTest {

  private static void rejects(Executable call, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), () -> "message '" + e.getMessage() + "' should mention '" + f + "'");
    }
  }

  @Test
  void factoriesRejectBadConfiguration() {
    rejects(() -> Affine.of(new double[] {0, 0}, new double[] {1, 0}), "scale[1]", "0.0", "> 0");
    rejects(() -> Affine.of(new double[] {0}, new double[] {1, 2}), "lengths 1 and 2");
    rejects(() -> Affine.of(0), "dim", "0");
    rejects(() -> Scale.of(new double[] {-1}), "scale[0]", "-1.0", "> 0");
    rejects(() -> Loc.of(new double[] {Double.NaN}), "loc[0]", "NaN", "finite");
    rejects(() -> Bounded.of(2, 3.0, 3.0), "interval", "(3.0, 3.0)", "lo < hi");
    rejects(() -> Bounded.of(new double[] {0, 5}, new double[] {1, 4}), "interval of coordinate 1", "(5.0, 4.0)");
    rejects(() -> LeakyTanh.of(2, 0.0), "maxVal", "0.0");
    rejects(() -> Loft.of(2, -1.0), "threshold", "-1.0");
    rejects(() -> Permute.of(new int[] {0, 0, 1}), "permutation", "[0, 0, 1]", "exactly once");
    rejects(() -> Permute.of(new int[] {0, 3, 1}), "permutation", "[0, 3, 1]");
    rejects(() -> TriangularAffine.of(new double[] {0, 0}, new double[][] {{1, 2}, {0, 1}}, true), "matrix[0][1]", "2.0", "lower triangle");
    rejects(() -> TriangularAffine.of(new double[] {0, 0}, new double[][] {{1, 0}, {0, -1}}, true), "matrix[1][1]", "-1.0", "> 0");
    rejects(() -> Chain.of(Affine.of(2), Affine.of(3)), "part 1", "dimension 3", "expected 2");
    rejects(() -> Chain.of(), "parts", "empty");
    rejects(() -> Stack.of(5, List.of(Affine.of(2), Affine.of(2))), "block dims sum to 2 + 2 = 4", "expected 5");
    rejects(() -> Chain.of(new ConditionalShift(2), new ConditionalShift(3)), "conditionDim 3", "expected 2");
    rejects(() -> Invert.of(null), "inner");
  }

  @Test
  void passesRejectWrongShapes() {
    Bijection b = Affine.of(2);
    double[] p = new double[4];
    b.initialise(p, 0, RandomStream.of(1));
    Workspace ws = b.newWorkspace(3);
    double[] x = new double[6];
    double[] y = new double[6];
    double[] ld = new double[3];
    rejects(() -> b.forward(p, 0, x, null, y, ld, 0, ws), "batch size n is 0");
    rejects(() -> b.forward(p, 0, x, null, y, ld, 4, ws), "batch size n is 4", "at most 3");
    rejects(() -> b.forward(new double[3], 0, x, null, y, ld, 3, ws), "params has length 3", "expected at least 4");
    rejects(() -> b.forward(p, 1, x, null, y, ld, 3, ws), "params has length 4", "expected at least 5");
    rejects(() -> b.forward(p, 0, new double[5], null, y, ld, 3, ws), "x has length 5", "expected at least 6");
    rejects(() -> b.inverse(p, 0, x, null, new double[2], ld, 3, ws), "x has length 2");
    rejects(() -> b.forward(p, 0, x, null, y, new double[2], 3, ws), "logDet has length 2");
    rejects(() -> b.forward(p, 0, x, null, x, ld, 3, ws), "same array");
    rejects(() -> b.forwardBackward(p, 0, x, null, y, new double[1], ld, new double[6], new double[4], 3, ws), "gradY has length 1");
    rejects(() -> b.inverseBackward(p, 0, y, null, x, new double[6], ld, new double[6], new double[2], 3, ws), "gradParams has length 2");
    rejects(() -> b.forwardBackward(p, 0, x, null, y, new double[6], ld, new double[6], new double[4], 3, Workspace.none(3)),
        "ws is", "Affine.newWorkspace");
  }

  @Test
  void compositesRejectAForeignWorkspaceAndMissingCondition() {
    Chain c = Chain.of(Affine.of(2), Tanh.of(2));
    double[] p = new double[4];
    rejects(() -> c.forward(p, 0, new double[2], null, new double[2], new double[1], 1, Affine.of(2).newWorkspace(1)),
        "ws is", "Chain.newWorkspace");
    Chain conditional = Chain.of(Affine.of(2), new ConditionalShift(2));
    double[] pc = new double[6];
    rejects(() -> conditional.forward(pc, 0, new double[2], null, new double[2], new double[1], 1, conditional.newWorkspace(1)),
        "cond must not be null");
    rejects(() -> conditional.forward(pc, 0, new double[4], new double[3], new double[4], new double[2], 2, conditional.newWorkspace(2)),
        "cond has length 3", "expected at least 4");
  }

  @Test
  void inversesRejectValuesOutsideTheImage() {
    double[] none = new double[0];
    rejects(() -> Sigmoid.of(1).inverse(none, 0, new double[] {1.5}, null, new double[1], new double[1], 1, null),
        "y[0]", "1.5", "[0, 1]", "Sigmoid");
    rejects(() -> Tanh.of(2).inverse(none, 0, new double[] {0.0, -1.5}, null, new double[2], new double[1], 1, null),
        "y[1]", "coordinate 1 of point 0", "-1.5", "[-1, 1]");
    rejects(() -> SoftPlus.of(1).inverse(none, 0, new double[] {-1e-300}, null, new double[1], new double[1], 1, null), "[0, inf)");
    rejects(() -> Exp.of(1).inverse(none, 0, new double[] {-2.0}, null, new double[1], new double[1], 1, null), "-2.0");
    rejects(() -> Bounded.of(1, -1, 4).inverse(none, 0, new double[] {4.5}, null, new double[1], new double[1], 1, null), "[-1.0, 4.0]");
    rejects(() -> Loft.of(1).inverse(none, 0, new double[] {1e6}, null, new double[1], new double[1], 1, null), "1000000.0", "Loft");
    rejects(() -> LeakyTanh.of(1, 1).inverse(none, 0, new double[] {Double.NaN}, null, new double[1], new double[1], 1, null), "NaN");
  }
}
