package dev.flowvi.engine.flow;

import dev.flowvi.engine.bijection.AffineTransformer;
import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.bijection.Chain;
import dev.flowvi.engine.bijection.Elementwise;
import dev.flowvi.engine.bijection.Flip;
import dev.flowvi.engine.bijection.Invert;
import dev.flowvi.engine.bijection.LeakyTanh;
import dev.flowvi.engine.bijection.Loft;
import dev.flowvi.engine.bijection.Permute;
import dev.flowvi.engine.bijection.RationalQuadraticSpline;
import dev.flowvi.engine.bijection.Transformer;
import dev.flowvi.engine.bijection.TriangularAffine;
import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.distribution.Distribution;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.nn.Activation;
import dev.flowvi.engine.random.RandomStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Factories for whole flows with FlowJAX's defaults (REFERENCE.md, "Flow factory defaults").
 * Each returns a builder; {@code build()} gives a {@link TransformedDistribution} over the base.
 *
 * <p><b>Layers.</b> Every layer is followed by a permutation, as FlowJAX does: a flip for D = 2,
 * a fresh random permutation (seeded by {@code seed}) for D ≥ 3, none for D = 1.
 *
 * <p><b>Direction.</b> {@link Direction#DENSITY_FAST} (FlowJAX's {@code invert = true}, its
 * default) wraps the layer chain in {@link Invert}, so log q is one pass and sampling is the slow
 * direction. {@link Direction#SAMPLING_FAST} keeps the layers as they are, so sampling with log q
 * is one pass: the inverse-autoregressive direction that variational inference wants.
 *
 * <p><b>Stability options</b> (Andrade 2024, arXiv 2402.16408): soft-clamped affine log-scales
 * and a final LOFT layer, which bounds the growth of the samples' tails.
 */
public final class Flows {
  private Flows() {}

  /** Which pass of the flow is the single, fast one. */
  public enum Direction {
    /** Sampling and sample-and-log-prob take one pass (FlowJAX invert = false); log q of given points is slow. */
    SAMPLING_FAST,
    /** log q of given points takes one pass (FlowJAX invert = true, its default); sampling is slow. */
    DENSITY_FAST
  }

  /** Masked autoregressive flow: 8 layers, MADE 50 wide and 1 deep, ReLU, affine transformer (scale floor 0.01). */
  public static MaskedAutoregressiveBuilder maskedAutoregressive(Distribution base) {
    return new MaskedAutoregressiveBuilder(base);
  }

  /** Coupling flow: 8 layers, Mlp 50 wide and 1 deep, ReLU, affine transformer (scale floor 0.01). */
  public static CouplingBuilder coupling(Distribution base) {
    return new CouplingBuilder(base);
  }

  /** Block neural autoregressive flow: 1 layer, block size 8, depth 1, activation tanh(x) + 0.01x. */
  public static BlockNeuralAutoregressiveBuilder blockNeuralAutoregressive(Distribution base) {
    return new BlockNeuralAutoregressiveBuilder(base);
  }

  /** Planar flow: 8 layers, tanh. */
  public static PlanarBuilder planar(Distribution base) {
    return new PlanarBuilder(base);
  }

  /** Triangular spline flow: 8 layers of LeakyTanh(3)-sandwiched splines (8 knots on [−1, 1]) and weight-normalised lower-triangular maps. */
  public static TriangularSplineBuilder triangularSpline(Distribution base) {
    return new TriangularSplineBuilder(base);
  }

  /**
   * Options every factory shares. {@code B} is the concrete builder, so setters chain.
   */
  public abstract static class Builder<B extends Builder<B>> {
    final Distribution base;
    final int dim;
    int layers;
    int conditionDim;
    Direction direction = Direction.DENSITY_FAST;
    long seed;
    boolean loft;

    Builder(Distribution base, int layers) {
      if (base == null) {
        throw new IllegalArgumentException("base must not be null (expected e.g. StandardNormal.of(dim))");
      }
      this.base = base;
      this.dim = base.dim();
      this.layers = layers;
    }

    @SuppressWarnings("unchecked")
    private B self() {
      return (B) this;
    }

    /** Number of flow layers. */
    public B layers(int value) {
      layers = Checks.positive("layers", value);
      return self();
    }

    /** Conditioning coordinates (0: unconditional). */
    public B conditionDim(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("conditionDim is " + value + ", expected at least 0");
      }
      conditionDim = value;
      return self();
    }

    public B direction(Direction value) {
      if (value == null) {
        throw new IllegalArgumentException("direction must not be null (expected SAMPLING_FAST or DENSITY_FAST)");
      }
      direction = value;
      return self();
    }

    /** Seeds the random permutations between layers (D ≥ 3). */
    public B seed(long value) {
      seed = value;
      return self();
    }

    /** Appends a LOFT layer (threshold 100) after the flow, in the sampling direction. */
    public B loft(boolean value) {
      loft = value;
      return self();
    }

    abstract Bijection layer(int index);

    /** The flow: layers with permutations, the direction switch, then the optional LOFT layer. */
    public TransformedDistribution build() {
      RandomStream permutations = RandomStream.of(seed);
      List<Bijection> parts = new ArrayList<>();
      for (int l = 0; l < layers; l++) {
        Bijection layer = layer(l);
        Bijection permutation = permutation(dim, permutations);
        parts.add(permutation == null ? layer : Chain.of(layer, permutation));
      }
      Bijection body = parts.size() == 1 ? parts.get(0) : Chain.of(parts);
      if (direction == Direction.DENSITY_FAST) {
        body = Invert.of(body);
      }
      if (loft) {
        body = Chain.of(body, Loft.of(dim));
      }
      return TransformedDistribution.of(base, body);
    }
  }

  /** FlowJAX's default permutation after a layer: none for D = 1, a flip for D = 2, random for D ≥ 3. */
  static Bijection permutation(int dim, RandomStream rng) {
    if (dim == 1) {
      return null;
    }
    if (dim == 2) {
      return Flip.of(2);
    }
    return Permute.random(dim, rng);
  }

  /** Options of the flows whose layers are a network conditioner plus a transformer. */
  public abstract static class NetworkBuilder<B extends NetworkBuilder<B>> extends Builder<B> {
    int width = 50;
    int depth = 1;
    Activation activation = Activation.RELU;
    Transformer transformer = AffineTransformer.withScaleFloor();

    NetworkBuilder(Distribution base) {
      super(base, 8);
    }

    @SuppressWarnings("unchecked")
    private B self() {
      return (B) this;
    }

    /** Hidden units per network layer. */
    public B width(int value) {
      width = Checks.positive("width", value);
      return self();
    }

    /** Hidden layers per network (0: an affine map). */
    public B depth(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("depth is " + value + ", expected at least 0");
      }
      depth = value;
      return self();
    }

    public B activation(Activation value) {
      if (value == null) {
        throw new IllegalArgumentException("activation must not be null");
      }
      activation = value;
      return self();
    }

    /** The scalar transformer each network parameterises, e.g. {@code RationalQuadraticSpline.of(8, 4)}. */
    public B transformer(Transformer value) {
      if (value == null) {
        throw new IllegalArgumentException("transformer must not be null");
      }
      transformer = value;
      return self();
    }

    /** Affine transformer with Andrade's asymmetric soft clamp of the log-scale instead of the scale floor. */
    public B softClampedScales() {
      transformer = AffineTransformer.softClamped();
      return self();
    }
  }

  public static final class MaskedAutoregressiveBuilder extends NetworkBuilder<MaskedAutoregressiveBuilder> {
    MaskedAutoregressiveBuilder(Distribution base) {
      super(base);
    }

    @Override
    Bijection layer(int index) {
      return MaskedAutoregressive.of(transformer, dim, conditionDim, width, depth, activation);
    }
  }

  public static final class CouplingBuilder extends NetworkBuilder<CouplingBuilder> {
    CouplingBuilder(Distribution base) {
      super(base);
    }

    @Override
    Bijection layer(int index) {
      return Coupling.of(transformer, dim, conditionDim, width, depth, activation);
    }
  }

  public static final class BlockNeuralAutoregressiveBuilder extends Builder<BlockNeuralAutoregressiveBuilder> {
    int block = 8;
    int depth = 1;

    BlockNeuralAutoregressiveBuilder(Distribution base) {
      super(base, 1);
    }

    /** Hidden units per coordinate in each hidden layer. */
    public BlockNeuralAutoregressiveBuilder blockDim(int value) {
      block = Checks.positive("blockDim", value);
      return this;
    }

    public BlockNeuralAutoregressiveBuilder depth(int value) {
      depth = Checks.positive("depth", value);
      return this;
    }

    @Override
    Bijection layer(int index) {
      return BlockAutoregressiveNetwork.of(dim, conditionDim, block, depth);
    }
  }

  public static final class PlanarBuilder extends Builder<PlanarBuilder> {
    Planar.Nonlinearity nonlinearity = Planar.Nonlinearity.TANH;
    int width = 50;
    int depth = 1;
    Activation activation = Activation.RELU;

    PlanarBuilder(Distribution base) {
      super(base, 8);
    }

    public PlanarBuilder nonlinearity(Planar.Nonlinearity value) {
      if (value == null) {
        throw new IllegalArgumentException("nonlinearity must not be null (expected TANH or LEAKY_RELU)");
      }
      nonlinearity = value;
      return this;
    }

    /** Width and depth of the conditioning network (used only when conditionDim &gt; 0). */
    public PlanarBuilder conditionerShape(int width, int depth) {
      this.width = Checks.positive("width", width);
      if (depth < 0) {
        throw new IllegalArgumentException("depth is " + depth + ", expected at least 0");
      }
      this.depth = depth;
      return this;
    }

    @Override
    Bijection layer(int index) {
      return conditionDim == 0
          ? Planar.of(dim, nonlinearity)
          : Planar.conditional(dim, conditionDim, nonlinearity, width, depth, activation);
    }
  }

  public static final class TriangularSplineBuilder extends Builder<TriangularSplineBuilder> {
    int knots = 8;
    double tanhMaxVal = 3.0;

    TriangularSplineBuilder(Distribution base) {
      super(base, 8);
    }

    public TriangularSplineBuilder knots(int value) {
      knots = Checks.positive("knots", value);
      return this;
    }

    /** Where LeakyTanh turns linear; the spline acts on its image (−1, 1). */
    public TriangularSplineBuilder tanhMaxVal(double value) {
      tanhMaxVal = Checks.positive("tanhMaxVal", value);
      return this;
    }

    @Override
    Bijection layer(int index) {
      if (conditionDim != 0) {
        throw new IllegalArgumentException("conditionDim is " + conditionDim + ", expected 0: the triangular spline flow is unconditional here");
      }
      // LeakyTanh(m) maps the bulk |x| < m into (−1, 1), where the spline acts; its inverse maps
      // back, then the weight-normalised triangular map mixes coordinates (FlowJAX
      // triangular_spline_flow).
      return Chain.of(
          LeakyTanh.of(dim, tanhMaxVal),
          Elementwise.of(RationalQuadraticSpline.of(knots, 1.0), dim),
          Invert.of(LeakyTanh.of(dim, tanhMaxVal)),
          TriangularAffine.lower(dim).weightNormalised());
    }
  }
}
