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

  /** A scalar map applied to each coordinate on its own; {@code forward} as for layers. */
  sealed interface ElementwiseStep {
    String key();

    boolean forward();

    /** The same map applied in the other direction. */
    ElementwiseStep flipped();
  }

  /** LeakyTanh(maxVal), parameter-free. */
  record LeakyTanhStep(double maxVal, boolean forward) implements ElementwiseStep {
    @Override
    public String key() {
      return (forward ? "LT(" : "LTinv(") + Double.toHexString(maxVal) + ")";
    }

    @Override
    public ElementwiseStep flipped() {
      return new LeakyTanhStep(maxVal, !forward);
    }
  }

  /** Elementwise RationalQuadraticSpline: coordinate j's 3K+4 raw values at paramOffset + j(3K+4), shared by all points. */
  record SplineStep(int paramOffset, int knots, double lo, double hi, boolean forward) implements ElementwiseStep {
    @Override
    public String key() {
      return (forward ? "RQS(" : "RQSinv(") + paramOffset + "," + knots + "," + Double.toHexString(lo) + "," + Double.toHexString(hi) + ")";
    }

    @Override
    public ElementwiseStep flipped() {
      return new SplineStep(paramOffset, knots, lo, hi, !forward);
    }
  }

  /** Consecutive elementwise maps fused into one loop over the batch. */
  record ElementwiseGroup(List<ElementwiseStep> steps) implements FlowLayer {
    @Override
    public String key() {
      StringBuilder b = new StringBuilder("E[");
      for (ElementwiseStep s : steps) {
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

  /** The scalar transformer of an autoregressive layer, with its identity raw values. */
  sealed interface TransformerKind {
    String key();

    double[] identity();
  }

  /** AffineTransformer: scale floor or Andrade's soft clamp. */
  record AffineKind(boolean softClamped, double alphaPositive, double alphaNegative, double[] identity) implements TransformerKind {
    @Override
    public String key() {
      return softClamped ? "affClamp(" + Double.toHexString(alphaPositive) + "," + Double.toHexString(alphaNegative) + ")" : "affFloor";
    }
  }

  /** RationalQuadraticSpline with per-point raw values from the conditioner. */
  record SplineKind(int knots, double lo, double hi, double[] identity) implements TransformerKind {
    @Override
    public String key() {
      return "rqs(" + knots + "," + Double.toHexString(lo) + "," + Double.toHexString(hi) + ")";
    }
  }

  /**
   * MaskedAutoregressive with a MADE conditioner: layer sizes [D + C, hidden…, D·P], a connection
   * mask per dense layer (out × in, row-major) and the rank of every hidden unit.
   */
  record Autoregressive(int paramOffset, int dim, int conditionDim, int perDim, int[] sizes, boolean[][] masks,
      int[][] hiddenRanks, Activation activation, TransformerKind transformer, boolean forward) implements FlowLayer {
    @Override
    public String key() {
      return "MAF(" + paramOffset + ",D" + dim + ",C" + conditionDim + ",P" + perDim + "," + Arrays.toString(sizes)
          + "," + activation + ",m" + Integer.toHexString(Arrays.deepHashCode(masks)) + "," + transformer.key()
          + (forward ? "" : ",inv") + ")";
    }
  }

  /**
   * Planar: w (D), u (D), b at paramOffset; h = tanh or leaky ReLU. With conditioning, an Mlp of
   * sizes [C, hidden…, 2D + 1] (its parameters follow b) shifts (w, u, b) per point; sizes is
   * null for an unconditional layer.
   */
  record PlanarLayer(int paramOffset, int dim, boolean tanh, int[] sizes, Activation activation, boolean forward) implements FlowLayer {
    @Override
    public String key() {
      return "P(" + paramOffset + ",D" + dim + (tanh ? ",tanh" : ",leaky")
          + (sizes == null ? "" : ",mlp" + Arrays.toString(sizes) + "," + activation) + (forward ? "" : ",inv") + ")";
    }
  }

  /** BlockAutoregressiveNetwork: D blocks of B hidden units, depth hidden layers, C conditioning inputs. */
  record BlockAutoregressive(int paramOffset, int dim, int conditionDim, int block, int depth, boolean forward) implements FlowLayer {
    @Override
    public String key() {
      return "BNAF(" + paramOffset + ",D" + dim + ",C" + conditionDim + ",B" + block + ",L" + depth + (forward ? "" : ",inv") + ")";
    }
  }
}
