package dev.flowvi.codegen.flow;

import dev.flowvi.codegen.CodegenException;
import dev.flowvi.engine.bijection.AffineTransformer;
import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.bijection.Chain;
import dev.flowvi.engine.bijection.Flip;
import dev.flowvi.engine.bijection.Frozen;
import dev.flowvi.engine.bijection.Identity;
import dev.flowvi.engine.bijection.Invert;
import dev.flowvi.engine.bijection.Permute;
import dev.flowvi.engine.bijection.Stack;
import dev.flowvi.engine.bijection.RationalQuadraticSpline;
import dev.flowvi.engine.bijection.Transformer;
import dev.flowvi.engine.bijection.TriangularAffine;
import dev.flowvi.engine.flow.BlockAutoregressiveNetwork;
import dev.flowvi.engine.flow.Coupling;
import dev.flowvi.engine.kernel.VectorSupport;
import dev.flowvi.engine.flow.MaskedAutoregressive;
import dev.flowvi.engine.flow.Planar;
import dev.flowvi.engine.nn.Made;
import dev.flowvi.engine.nn.Mlp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A flow lowered to the IR: compute layers in flow-forward order, and for each the rows through
 * which it reads its input stage and writes its output stage. Stage 0 is x, the last stage y, the
 * others scratch buffers; a permutation costs no copy, it only renames rows. Consecutive
 * elementwise bijections (with no permutation between them) fuse into one {@link
 * FlowLayer.ElementwiseGroup}; a Stack of elementwise parts is one group whose steps act on
 * coordinate ranges; Frozen is transparent (it only marks layout blocks, and the interpreted
 * Frozen passes gradients through as well). {@link #vector} selects the Vector API variant.
 */
final class FlowProgram {
  /** The kinds {@link #of} lowers; anything else is a {@link CodegenException}. */
  static final String SUPPORTED = "Chain, Invert, Permute, Flip, Identity, Frozen, "
      + "the elementwise maps Exp, Sigmoid, SoftPlus, Tanh, LeakyTanh, Loft, Bounded, Loc, Scale, Affine, "
      + "Elementwise(RationalQuadraticSpline or AffineTransformer), Stack of elementwise parts, "
      + "TriangularAffine (lower or upper, weight-normalised or not), "
      + "MaskedAutoregressive and Coupling with an AffineTransformer (scale floor or soft clamp) or a RationalQuadraticSpline "
      + "(conditional or not), Planar (tanh or leaky ReLU, with or without conditioning), "
      + "BlockAutoregressiveNetwork (any block size, depth and conditioning)";

  /**
   * Size of a fused elementwise group, in units of one step's code: the pass methods of a group
   * grow with its steps, and a long chain is split into several groups so each method stays well
   * below HotSpot's 8000-byte huge-method limit (beyond which it is never JIT-compiled). A step
   * counts one unit, a spline in Vector API lanes more ({@link #fusionWeight}).
   */
  static final int MAX_FUSED_WEIGHT = 12;

  /**
   * A step's share of {@link #MAX_FUSED_WEIGHT}: one, or for a spline in lanes one plus half its
   * bins, since its lane code blends each bin's quantities (a value pass with 8 knots is about
   * 1.7 KB of bytecode, five times an affine step's).
   */
  static int fusionWeight(FlowLayer.ElementwiseStep step, boolean vector) {
    return vector && step instanceof FlowLayer.SplineStep s ? 1 + (s.knots() + 1) / 2 : 1;
  }

  private static int fusionWeight(FlowLayer.ElementwiseGroup group, boolean vector) {
    int weight = 0;
    for (FlowLayer.ElementwiseStep step : group.steps()) {
      weight += fusionWeight(step, vector);
    }
    return weight;
  }

  final int dim;
  final int conditionDim;
  /** Whether the generated batch loops use the Vector API (its own class: the variant is part of the key). */
  final boolean vector;
  final List<FlowLayer> layers;
  /** rowsIn[k][j]: row of the input stage that holds coordinate j of layer k's input. */
  final List<int[]> rowsIn;
  final List<int[]> rowsOut;

  private FlowProgram(int dim, int conditionDim, boolean vector, List<FlowLayer> layers, List<int[]> rowsIn, List<int[]> rowsOut) {
    this.dim = dim;
    this.conditionDim = conditionDim;
    this.vector = vector;
    this.layers = layers;
    this.rowsIn = rowsIn;
    this.rowsOut = rowsOut;
  }

  /** System property choosing the generated elementwise loops: {@code vector} (default) or {@code scalar}. */
  static final String LANES_PROPERTY = "flowvi.flow.lanes";

  /**
   * The program with Vector API elementwise loops when this JVM runs the vector kernels, unless
   * {@code -Dflowvi.flow.lanes=scalar}. Lane code boxes until C2 has compiled the generated layer
   * method (thousands of calls), so the scalar variant suits short runs; on the M2 seed preset the
   * vector variant was the faster (14.2 s against 30.1 s on JDK 17).
   */
  static FlowProgram of(Bijection flow) {
    return of(flow, VectorSupport.enabled() && lanesRequested());
  }

  static boolean lanesRequested() {
    String v = System.getProperty(LANES_PROPERTY, "vector").trim();
    return switch (v) {
      case "vector" -> true;
      case "scalar" -> false;
      default -> throw new IllegalArgumentException("-D" + LANES_PROPERTY + " is '" + v + "', expected vector or scalar");
    };
  }

  /** @param vector Vector API batch loops; only when {@link VectorSupport#enabled()}, else the class cannot load */
  static FlowProgram of(Bijection flow, boolean vector) {
    if (flow == null) {
      throw new IllegalArgumentException("flow is null, expected a bijection to compile");
    }
    List<Object> ops = new ArrayList<>();
    lower(flow, true, 0, ops);
    int dim = flow.dim();
    List<FlowLayer> layers = new ArrayList<>();
    List<int[]> rowsIn = new ArrayList<>();
    List<int[]> rowsOut = new ArrayList<>();
    int[] current = identity(dim);
    boolean permutedSinceLast = true;
    for (Object op : ops) {
      if (op instanceof int[] perm) {
        current = compose(current, perm);
        permutedSinceLast = true;
        continue;
      }
      FlowLayer layer = (FlowLayer) op;
      int last = layers.size() - 1;
      if (layer instanceof FlowLayer.ElementwiseGroup g && !permutedSinceLast
          && layers.get(last) instanceof FlowLayer.ElementwiseGroup previous
          && fusionWeight(previous, vector) + fusionWeight(g, vector) <= MAX_FUSED_WEIGHT) {
        // Fuse with the previous elementwise group: one loop, no intermediate stage.
        List<FlowLayer.ElementwiseStep> steps = new ArrayList<>(previous.steps());
        steps.addAll(g.steps());
        layers.set(last, new FlowLayer.ElementwiseGroup(List.copyOf(steps)));
        continue;
      }
      layers.add(layer);
      rowsIn.add(current);
      rowsOut.add(identity(dim));
      current = identity(dim);
      permutedSinceLast = false;
    }
    if (layers.isEmpty()) {
      // Only permutations: one empty elementwise group copies the rows.
      layers.add(new FlowLayer.ElementwiseGroup(List.of()));
      rowsIn.add(current);
      rowsOut.add(identity(dim));
      current = identity(dim);
    }
    // Trailing permutations: the last layer writes straight into the rows of y they select.
    int lastLayer = layers.size() - 1;
    int[] out = new int[dim];
    for (int j = 0; j < dim; j++) {
      out[current[j]] = j;
    }
    rowsOut.set(lastLayer, out);
    return new FlowProgram(dim, flow.conditionDim(), vector, List.copyOf(layers), List.copyOf(rowsIn), List.copyOf(rowsOut));
  }

  /** Topology key: dimensions, every layer and every row table. */
  String key() {
    StringBuilder b = new StringBuilder("flow(D").append(dim).append(",C").append(conditionDim).append(vector ? ",vector" : ",scalar")
        .append(")");
    for (int k = 0; k < layers.size(); k++) {
      b.append('|').append(layers.get(k).key());
      if (!isIdentity(rowsIn.get(k))) {
        b.append("in").append(Arrays.toString(rowsIn.get(k)));
      }
      if (!isIdentity(rowsOut.get(k))) {
        b.append("out").append(Arrays.toString(rowsOut.get(k)));
      }
    }
    return b.toString();
  }

  /** Appends the ops of {@code b} in flow-forward order: layers, and permutations as int[]. */
  private static void lower(Bijection b, boolean forward, int offset, List<Object> ops) {
    if (b instanceof Chain chain) {
      List<Bijection> parts = chain.parts();
      int[] offsets = new int[parts.size()];
      int next = offset;
      for (int k = 0; k < parts.size(); k++) {
        offsets[k] = next;
        next += parts.get(k).parameterCount();
      }
      for (int i = 0; i < parts.size(); i++) {
        int k = forward ? i : parts.size() - 1 - i;
        lower(parts.get(k), forward, offsets[k], ops);
      }
    } else if (b instanceof Invert inv) {
      lower(inv.inner(), !forward, offset, ops);
    } else if (b instanceof Permute p) {
      permutation(forward ? p.permutation() : inverse(p.permutation()), ops);
    } else if (b instanceof Flip f) {
      permutation(f.permutation(), ops);
    } else if (b instanceof Identity) {
      return;
    } else if (b instanceof Frozen f) {
      // Frozen only marks the layout blocks: every pass, gradients included, is the inner bijection's.
      lower(f.inner(), forward, offset, ops);
    } else if (b instanceof Stack s) {
      ops.add(stack(s, forward, offset));
    } else if (b instanceof Coupling c) {
      ops.add(coupling(c, offset, forward));
    } else if (b instanceof TriangularAffine t) {
      ops.add(new FlowLayer.Triangular(offset, t.isLower(), t.isWeightNormalised(), forward));
    } else if (b instanceof MaskedAutoregressive m) {
      ops.add(autoregressive(m, offset, forward));
    } else if (b instanceof Planar pl) {
      boolean tanh = pl.nonlinearity() == Planar.Nonlinearity.TANH;
      Mlp net = pl.network();
      ops.add(new FlowLayer.PlanarLayer(offset, pl.dim(), tanh, net == null ? null : net.sizes(),
          net == null ? null : net.activation(), forward));
    } else if (b instanceof BlockAutoregressiveNetwork bn) {
      ops.add(new FlowLayer.BlockAutoregressive(offset, bn.dim(), bn.conditionDim(), bn.blockDim(), bn.depth(), forward));
    } else {
      FlowLayer.ElementwiseStep step = ElementwiseSteps.of(b, offset, forward);
      if (step == null) {
        throw unsupported(b.name() + " (" + b.getClass().getName() + ")");
      }
      ops.add(new FlowLayer.ElementwiseGroup(List.of(step)));
    }
  }

  /** The identity permutation is no op at all, so it does not stop the fusion of its neighbours. */
  private static void permutation(int[] perm, List<Object> ops) {
    if (!isIdentity(perm)) {
      ops.add(perm);
    }
  }

  /**
   * A Stack of elementwise parts is one elementwise group: each part's steps act on its own block
   * of coordinates, and steps on disjoint blocks commute.
   */
  private static FlowLayer.ElementwiseGroup stack(Stack stack, boolean forward, int offset) {
    List<FlowLayer.ElementwiseStep> steps = new ArrayList<>();
    int start = 0;
    int next = offset;
    for (Bijection part : stack.parts()) {
      List<Object> partOps = new ArrayList<>();
      lower(part, forward, next, partOps);
      for (Object op : partOps) {
        if (!(op instanceof FlowLayer.ElementwiseGroup g)) {
          throw unsupported("Stack part " + part.name() + ": only elementwise parts (maps, Loc, Scale, Affine, Elementwise) "
              + "can be stacked");
        }
        for (FlowLayer.ElementwiseStep step : g.steps()) {
          steps.add(step.shifted(start));
        }
      }
      start += part.dim();
      next += part.parameterCount();
    }
    return new FlowLayer.ElementwiseGroup(List.copyOf(steps));
  }

  private static FlowLayer.CouplingLayer coupling(Coupling c, int offset, boolean forward) {
    Mlp net = c.network();
    return new FlowLayer.CouplingLayer(offset, c.dim(), c.conditionDim(), c.transformer().parameterCount(), net.sizes(),
        net.activation(), transformerKind(c.transformer(), "Coupling"), forward);
  }

  private static FlowLayer.TransformerKind transformerKind(Transformer t, String layer) {
    double[] identity = new double[t.parameterCount()];
    t.identity(identity, 0);
    if (t instanceof AffineTransformer a) {
      return new FlowLayer.AffineKind(a.isSoftClamped(), a.alphaPositive(), a.alphaNegative(), identity);
    } else if (t instanceof RationalQuadraticSpline s) {
      return new FlowLayer.SplineKind(s.knots(), s.lo(), s.hi(), identity);
    }
    throw unsupported(layer + " with transformer " + t.name());
  }

  private static FlowLayer.Autoregressive autoregressive(MaskedAutoregressive m, int offset, boolean forward) {
    FlowLayer.TransformerKind kind = transformerKind(m.transformer(), "MaskedAutoregressive");
    Made net = m.network();
    int[] sizes = net.sizes();
    boolean[][] masks = new boolean[net.layerCount()][];
    for (int l = 0; l < masks.length; l++) {
      masks[l] = net.mask(l);
    }
    int[][] hiddenRanks = new int[sizes.length - 2][];
    for (int l = 0; l < hiddenRanks.length; l++) {
      hiddenRanks[l] = net.ranks(l + 1);
    }
    return new FlowLayer.Autoregressive(offset, m.dim(), m.conditionDim(), net.paramsPerDim(), sizes, masks,
        hiddenRanks, net.activation(), kind, forward);
  }

  static CodegenException unsupported(String what) {
    return new CodegenException("FlowCompiler cannot compile " + what + "; supported: " + SUPPORTED);
  }

  /** rows'[j] = rows[perm[j]]: y_j = x_{perm[j]} renames rows. */
  private static int[] compose(int[] rows, int[] perm) {
    int[] out = new int[rows.length];
    for (int j = 0; j < rows.length; j++) {
      out[j] = rows[perm[j]];
    }
    return out;
  }

  private static int[] inverse(int[] perm) {
    int[] inv = new int[perm.length];
    for (int j = 0; j < perm.length; j++) {
      inv[perm[j]] = j;
    }
    return inv;
  }

  static int[] identity(int dim) {
    int[] r = new int[dim];
    for (int j = 0; j < dim; j++) {
      r[j] = j;
    }
    return r;
  }

  static boolean isIdentity(int[] rows) {
    for (int j = 0; j < rows.length; j++) {
      if (rows[j] != j) {
        return false;
      }
    }
    return true;
  }
}
