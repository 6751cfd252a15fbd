package dev.flowvi.engine.flow;

import dev.flowvi.engine.bijection.Affine;
import dev.flowvi.engine.bijection.AffineTransformer;
import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.bijection.Chain;
import dev.flowvi.engine.bijection.Frozen;
import dev.flowvi.engine.bijection.RationalQuadraticSpline;
import dev.flowvi.engine.bijection.TriangularAffine;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.nn.Activation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An immutable, self-describing recipe for a factory-built flow: the factory kind, the base
 * distribution and the options the user set. {@link #build()} calls the public {@link Flows}
 * builders with exactly those options, so the flow (topology, seeded permutations, parameter
 * layout) is the one the builder gives.
 *
 * <p>Only explicitly set options are stored; everything else is the factory's default, which lives
 * in {@link Flows} alone. Every option is checked when set by applying it to a Flows builder, so a
 * spec that exists always builds.
 *
 * <p>Options (values are text, as in a {@code .fvi} file): {@code layers}, {@code condition_dim},
 * {@code direction} (sampling_fast | density_fast), {@code seed}, {@code loft} (true | false),
 * {@code standardised} (false | true | full: a frozen affine map after the flow, diagonal for true,
 * lower-triangular for full, whose values are stored with the parameters);
 * masked_autoregressive and coupling: {@code width}, {@code depth}, {@code activation} (relu | tanh
 * | elu), {@code transformer} (affine_scale_floor | affine_soft_clamp | spline) with {@code
 * spline_knots}, {@code spline_lo} and {@code spline_hi} (the interval the spline acts on) for spline;
 * block_neural_autoregressive: {@code block_dim}, {@code depth}; planar: {@code nonlinearity} (tanh
 * | leaky_relu), {@code conditioner_width} with {@code conditioner_depth}; triangular_spline:
 * {@code knots}, {@code tanh_max_val}.
 */
public final class FlowSpec {
  /** The Flows factory, named as FlowJAX names it. */
  public enum Kind {
    MASKED_AUTOREGRESSIVE,
    COUPLING,
    BLOCK_NEURAL_AUTOREGRESSIVE,
    PLANAR,
    TRIANGULAR_SPLINE;

    /** The lower-case name used in files, e.g. masked_autoregressive. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind fromKey(String key) {
      for (Kind k : values()) {
        if (k.key().equals(key)) {
          return k;
        }
      }
      throw new IllegalArgumentException("flow kind is '" + key
          + "', expected masked_autoregressive, coupling, block_neural_autoregressive, planar or triangular_spline");
    }
  }

  private static final Set<String> COMMON = Set.of("layers", "condition_dim", "direction", "seed", "loft", "standardised");
  private static final Set<String> NETWORK = Set.of("width", "depth", "activation", "transformer", "spline_knots", "spline_lo", "spline_hi");

  private final Kind kind;
  private final BaseSpec base;
  private final Map<String, String> options;

  private FlowSpec(Kind kind, BaseSpec base, Map<String, String> options) {
    this.kind = kind;
    this.base = base;
    this.options = Collections.unmodifiableMap(options);
  }

  /** A flow of {@code kind} over {@code base} with the factory's defaults. */
  public static FlowSpec of(Kind kind, BaseSpec base) {
    if (kind == null) {
      throw new IllegalArgumentException("kind must not be null");
    }
    if (base == null) {
      throw new IllegalArgumentException("base must not be null (expected e.g. BaseSpec.standardNormal(dim))");
    }
    return new FlowSpec(kind, base, new LinkedHashMap<>());
  }

  /** A flow of {@code kind} over {@code base} with the given options, each checked. */
  public static FlowSpec of(Kind kind, BaseSpec base, Map<String, String> options) {
    FlowSpec empty = of(kind, base);
    for (Map.Entry<String, String> e : options.entrySet()) {
      if (e.getKey() == null || e.getValue() == null || !empty.allowed(e.getKey())) {
        throw new IllegalArgumentException("option '" + e.getKey() + "' = " + e.getValue() + " is not an option of a " + kind.key() + " flow");
      }
    }
    FlowSpec spec = new FlowSpec(kind, base, new LinkedHashMap<>(options));
    spec.builder(); // the factory's own checks reject bad values
    return spec;
  }

  /** A copy with option {@code key} set to {@code value}; throws if the factory rejects it. */
  public FlowSpec with(String key, Object value) {
    if (key == null || value == null) {
      throw new IllegalArgumentException("option key and value must not be null (key " + key + ", value " + value + ")");
    }
    if (!allowed(key)) {
      throw new IllegalArgumentException("option '" + key + "' is not an option of a " + kind.key() + " flow; see FlowSpec's documentation");
    }
    String text = value instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT) : value.toString();
    Map<String, String> next = new LinkedHashMap<>(options);
    next.put(key, text);
    FlowSpec spec = new FlowSpec(kind, base, next);
    spec.builder(); // applies every option: the factory's own checks reject bad values
    return spec;
  }

  /** A copy whose networks parameterise a rational-quadratic spline with {@code knots} knots on [−interval, interval]. */
  public FlowSpec withSpline(int knots, double interval) {
    return withSpline(knots, -interval, interval);
  }

  /** A copy whose networks parameterise a rational-quadratic spline with {@code knots} knots on [lo, hi]. */
  public FlowSpec withSpline(int knots, double lo, double hi) {
    Map<String, String> next = new LinkedHashMap<>(options);
    next.put("spline_knots", Integer.toString(knots));
    next.put("spline_lo", Double.toString(lo));
    next.put("spline_hi", Double.toString(hi));
    next.put("transformer", "spline");
    if (!allowed("transformer")) {
      throw new IllegalArgumentException("a " + kind.key() + " flow has no transformer option (only masked_autoregressive and coupling)");
    }
    FlowSpec spec = new FlowSpec(kind, base, next);
    spec.builder();
    return spec;
  }

  public Kind kind() {
    return kind;
  }

  public BaseSpec base() {
    return base;
  }

  public int dim() {
    return base.dim();
  }

  /** The explicitly set options in the order they were set. */
  public Map<String, String> options() {
    return options;
  }

  /** The flow the Flows builder gives for these settings. */
  public TransformedDistribution build() {
    TransformedDistribution flow = builder().build();
    String standardised = options.getOrDefault("standardised", "false").trim();
    if (standardised.equals("false")) {
      return flow;
    }
    // A frozen affine map after the flow, u = centre + scales ⊙ x (true) or u = centre + L x with L
    // lower-triangular (full), its values stored in the parameter vector (the optimiser skips
    // them), so a fit standardised at a mode reloads.
    Bijection map = standardised.equals("full") ? TriangularAffine.lower(dim()) : Affine.of(dim());
    return TransformedDistribution.of(flow.base(), Chain.of(flow.bijection(), Frozen.of(map)));
  }

  /** A Flows builder with every option of this spec applied (further changes are not recorded). */
  public Flows.Builder<?> builder() {
    Flows.Builder<?> b = switch (kind) {
      case MASKED_AUTOREGRESSIVE -> Flows.maskedAutoregressive(base.build());
      case COUPLING -> Flows.coupling(base.build());
      case BLOCK_NEURAL_AUTOREGRESSIVE -> Flows.blockNeuralAutoregressive(base.build());
      case PLANAR -> Flows.planar(base.build());
      case TRIANGULAR_SPLINE -> Flows.triangularSpline(base.build());
    };
    for (Map.Entry<String, String> e : options.entrySet()) {
      apply(b, e.getKey(), e.getValue());
    }
    if (b instanceof Flows.NetworkBuilder<?> nb && "spline".equals(options.get("transformer"))) {
      nb.transformer(RationalQuadraticSpline.of(intOption("spline_knots", options.get("spline_knots")),
          doubleOption("spline_lo", options.get("spline_lo")), doubleOption("spline_hi", options.get("spline_hi"))));
    }
    if (b instanceof Flows.PlanarBuilder pb && (options.containsKey("conditioner_width") || options.containsKey("conditioner_depth"))) {
      pb.conditionerShape(intOption("conditioner_width", options.get("conditioner_width")),
          intOption("conditioner_depth", options.get("conditioner_depth")));
    }
    return b;
  }

  private boolean allowed(String key) {
    if (COMMON.contains(key)) {
      return true;
    }
    return switch (kind) {
      case MASKED_AUTOREGRESSIVE, COUPLING -> NETWORK.contains(key);
      case BLOCK_NEURAL_AUTOREGRESSIVE -> key.equals("block_dim") || key.equals("depth");
      case PLANAR -> key.equals("nonlinearity") || key.equals("conditioner_width") || key.equals("conditioner_depth");
      case TRIANGULAR_SPLINE -> key.equals("knots") || key.equals("tanh_max_val");
    };
  }

  private static void apply(Flows.Builder<?> b, String key, String v) {
    switch (key) {
      case "layers" -> b.layers(intOption(key, v));
      case "condition_dim" -> b.conditionDim(intOption(key, v));
      case "direction" -> b.direction(enumOption(Flows.Direction.class, key, v));
      case "seed" -> b.seed(longOption(key, v));
      case "loft" -> b.loft(booleanOption(key, v));
      case "standardised" -> { // applied by build()
        if (!v.trim().equals("full")) {
          booleanOption(key, v);
        }
      }
      case "width" -> ((Flows.NetworkBuilder<?>) b).width(intOption(key, v));
      case "activation" -> ((Flows.NetworkBuilder<?>) b).activation(enumOption(Activation.class, key, v));
      case "transformer" -> {
        Flows.NetworkBuilder<?> nb = (Flows.NetworkBuilder<?>) b;
        switch (v) {
          case "affine_scale_floor" -> nb.transformer(AffineTransformer.withScaleFloor());
          case "affine_soft_clamp" -> nb.softClampedScales();
          case "spline" -> { } // needs both spline options: applied after the loop
          default -> throw new IllegalArgumentException(
              "transformer is '" + v + "', expected affine_scale_floor, affine_soft_clamp or spline");
        }
      }
      case "spline_knots", "spline_lo", "spline_hi", "conditioner_width", "conditioner_depth" -> { } // applied after the loop
      case "depth" -> {
        if (b instanceof Flows.NetworkBuilder<?> nb) {
          nb.depth(intOption(key, v));
        } else {
          ((Flows.BlockNeuralAutoregressiveBuilder) b).depth(intOption(key, v));
        }
      }
      case "block_dim" -> ((Flows.BlockNeuralAutoregressiveBuilder) b).blockDim(intOption(key, v));
      case "nonlinearity" -> ((Flows.PlanarBuilder) b).nonlinearity(enumOption(dev.flowvi.engine.flow.Planar.Nonlinearity.class, key, v));
      case "knots" -> ((Flows.TriangularSplineBuilder) b).knots(intOption(key, v));
      case "tanh_max_val" -> ((Flows.TriangularSplineBuilder) b).tanhMaxVal(doubleOption(key, v));
      default -> throw new IllegalArgumentException("unknown option '" + key + "'");
    }
  }

  private static int intOption(String key, String v) {
    if (v == null) {
      throw new IllegalArgumentException("option " + key + " is missing (it must be set together with its companion option)");
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option " + key + " is '" + v + "', expected an integer");
    }
  }

  private static long longOption(String key, String v) {
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option " + key + " is '" + v + "', expected an integer");
    }
  }

  private static double doubleOption(String key, String v) {
    if (v == null) {
      throw new IllegalArgumentException("option " + key + " is missing (it must be set together with its companion option)");
    }
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option " + key + " is '" + v + "', expected a number");
    }
  }

  private static boolean booleanOption(String key, String v) {
    return switch (v.trim()) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("option " + key + " is '" + v + "', expected true or false");
    };
  }

  private static <E extends Enum<E>> E enumOption(Class<E> type, String key, String v) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(v.trim())) {
        return e;
      }
    }
    throw new IllegalArgumentException("option " + key + " is '" + v + "', expected one of "
        + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FlowSpec s && s.kind == kind && s.base.equals(base) && s.options.equals(options);
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 * 31 + base.hashCode() * 31 + options.hashCode();
  }

  @Override
  public String toString() {
    return kind.key() + " over " + base.kind() + "(" + base.dim() + ") " + options;
  }
}
