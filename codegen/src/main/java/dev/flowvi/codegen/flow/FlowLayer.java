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

  /** A scalar map applied to each coordinate of a range on its own; {@code forward} as for layers. */
  sealed interface ElementwiseStep {
    String key();

    boolean forward();

    /** The same map applied in the other direction. */
    ElementwiseStep flipped();

    /** The same map on coordinates moved by {@code by} (a block of a Stack). */
    ElementwiseStep shifted(int by);

    /** The coordinates [from, to) the map acts on; the others pass through it unchanged. */
    int from();

    int to();
  }

  /** LeakyTanh(maxVal), parameter-free. */
  record LeakyTanhStep(double maxVal, boolean forward, int from, int to) implements ElementwiseStep {
    @Override
    public String key() {
      return (forward ? "LT(" : "LTinv(") + Double.toHexString(maxVal) + range(from, to) + ")";
    }

    @Override
    public ElementwiseStep flipped() {
      return new LeakyTanhStep(maxVal, !forward, from, to);
    }

    @Override
    public ElementwiseStep shifted(int by) {
      return new LeakyTanhStep(maxVal, forward, from + by, to + by);
    }
  }

  /**
   * Elementwise RationalQuadraticSpline: the 3K+4 raw values of coordinate j (counted from {@code
   * from}) at paramOffset + (j − from)(3K+4), shared by all points.
   */
  record SplineStep(int paramOffset, int knots, double lo, double hi, boolean forward, int from, int to) implements ElementwiseStep {
    @Override
    public String key() {
      return (forward ? "RQS(" : "RQSinv(") + paramOffset + "," + knots + "," + Double.toHexString(lo) + "," + Double.toHexString(hi)
          + range(from, to) + ")";
    }

    @Override
    public ElementwiseStep flipped() {
      return new SplineStep(paramOffset, knots, lo, hi, !forward, from, to);
    }

    @Override
    public ElementwiseStep shifted(int by) {
      return new SplineStep(paramOffset, knots, lo, hi, forward, from + by, to + by);
    }
  }

  /** The parameter-free strictly increasing maps of engine ElementwiseMap. */
  enum MapKind { EXP, SIGMOID, SOFTPLUS, TANH, LOFT, BOUNDED }

  /**
   * A parameter-free map: Exp, Sigmoid, SoftPlus, Tanh, Loft(threshold) or Bounded(lo, hi), whose
   * bounds are per coordinate (counted from {@code from}); {@code lo}, {@code hi} are empty otherwise.
   */
  record MapStep(MapKind kind, double threshold, double[] lo, double[] hi, boolean forward, int from, int to) implements ElementwiseStep {
    @Override
    public String key() {
      return kind + (forward ? "(" : "inv(") + Double.toHexString(threshold) + "," + Integer.toHexString(Arrays.hashCode(lo))
          + Integer.toHexString(Arrays.hashCode(hi)) + Arrays.toString(lo) + Arrays.toString(hi) + range(from, to) + ")";
    }

    @Override
    public ElementwiseStep flipped() {
      return new MapStep(kind, threshold, lo, hi, !forward, from, to);
    }

    @Override
    public ElementwiseStep shifted(int by) {
      return new MapStep(kind, threshold, lo, hi, forward, from + by, to + by);
    }
  }

  /**
   * How a shift-and-scale map y = s·x + t reads its parameters: Loc (t), Scale (s = softplus r),
   * Affine (t then r, s = softplus r), and the AffineTransformer of an Elementwise layer (t, r per
   * coordinate interleaved, s = softplus r + 0.01 or the soft clamp).
   */
  enum ShiftScaleKind { LOC, SCALE, AFFINE, TRANSFORMER_FLOOR, TRANSFORMER_CLAMP }

  /** y = s_j·x + t_j with parameters shared by all points, s_j and t_j read from paramOffset by {@code kind}. */
  record ShiftScaleStep(ShiftScaleKind kind, int paramOffset, double alphaPositive, double alphaNegative, boolean forward,
      int from, int to) implements ElementwiseStep {
    @Override
    public String key() {
      return kind + (forward ? "(" : "inv(") + paramOffset + "," + Double.toHexString(alphaPositive) + ","
          + Double.toHexString(alphaNegative) + range(from, to) + ")";
    }

    @Override
    public ElementwiseStep flipped() {
      return new ShiftScaleStep(kind, paramOffset, alphaPositive, alphaNegative, !forward, from, to);
    }

    @Override
    public ElementwiseStep shifted(int by) {
      return new ShiftScaleStep(kind, paramOffset, alphaPositive, alphaNegative, forward, from + by, to + by);
    }
  }

  private static String range(int from, int to) {
    return "@" + from + ":" + to;
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

  /**
   * Coupling (Dinh et al. 2017): coordinates below dim/2 pass through and, with the conditioning
   * inputs, feed a dense network with layer sizes [dim/2 + C, hidden…, (dim − dim/2)·P] whose output
   * plus the identity raw values parameterises the transformer of every other coordinate.
   */
  record CouplingLayer(int paramOffset, int dim, int conditionDim, int perDim, int[] sizes, Activation activation,
      TransformerKind transformer, boolean forward) implements FlowLayer {
    @Override
    public String key() {
      return "CPL(" + paramOffset + ",D" + dim + ",C" + conditionDim + ",P" + perDim + "," + Arrays.toString(sizes) + ","
          + activation + "," + transformer.key() + (forward ? "" : ",inv") + ")";
    }
  }
}
