package dev.flowvi.codegen.flow;

import dev.flowvi.engine.nn.Activation;
import java.util.Arrays;
import java.util.List;

/**
 * The typed IR of a flow: one descriptor per compute layer, in flow-forward order. {@code forward}
 * says whether the flow's forward pass runs the layer's own forward map (false under an odd number
 * of {@code Invert}s). Permutations are not layers: {@link FlowProgram} folds them into the row
 * tables through which layers read and write.
 */
sealed interface FlowLayer {
  /** Everything the generated code depends on, for the topology key. */
  String key();

  /** A parameter-free scalar map applied to every coordinate: LeakyTanh(maxVal) or its inverse. */
  record LeakyTanhStep(double maxVal, boolean forward) {
    String key() {
      return (forward ? "LT(" : "LTinv(") + Double.toHexString(maxVal) + ")";
    }
  }

  /** Consecutive parameter-free elementwise maps fused into one loop over the batch. */
  record ElementwiseGroup(List<LeakyTanhStep> steps) implements FlowLayer {
    @Override
    public String key() {
      StringBuilder b = new StringBuilder("E[");
      for (LeakyTanhStep s : steps) {
        b.append(s.key());
      }
      return b.append(']').toString();
    }
  }

  /** TriangularAffine: y = A x + t with A lower or upper triangular, rows optionally weight-normalised. */
  record Triangular(int paramOffset, boolean lower, boolean weightNormalised, boolean forward) implements FlowLayer {
    @Override
    public String key() {
      return "T(" + paramOffset + "," + (lower ? "L" : "U") + (weightNormalised ? ",wn" : "") + (forward ? "" : ",inv") + ")";
    }
  }

  /** The scalar transformer of an autoregressive layer. */
  record AffineKind(boolean softClamped, double alphaPositive, double alphaNegative, double[] identity) {
    String key() {
      return softClamped ? "affClamp(" + Double.toHexString(alphaPositive) + "," + Double.toHexString(alphaNegative) + ")" : "affFloor";
    }
  }

  /**
   * MaskedAutoregressive with a MADE conditioner: layer sizes [D + C, hidden…, D·P], a connection
   * mask per dense layer (out × in, row-major) and the rank of every hidden unit.
   */
  record Autoregressive(int paramOffset, int dim, int conditionDim, int perDim, int[] sizes, boolean[][] masks,
      int[][] hiddenRanks, Activation activation, AffineKind transformer, boolean forward) implements FlowLayer {
    @Override
    public String key() {
      return "MAF(" + paramOffset + ",D" + dim + ",C" + conditionDim + ",P" + perDim + "," + Arrays.toString(sizes)
          + "," + activation + ",m" + Integer.toHexString(Arrays.deepHashCode(masks)) + "," + transformer.key()
          + (forward ? "" : ",inv") + ")";
    }
  }
}
