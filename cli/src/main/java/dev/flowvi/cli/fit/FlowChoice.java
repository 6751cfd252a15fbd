package dev.flowvi.cli.fit;

import dev.flowvi.engine.bijection.RationalQuadraticSpline;
import dev.flowvi.engine.distribution.Distribution;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.flow.Flows;
import dev.flowvi.engine.random.RandomStream;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * The flows a user can name on the command line, built by {@link Flows} with FlowJAX's defaults
 * (8 layers, width 50, depth 1, ReLU, a permutation after every layer; one block-autoregressive
 * layer with blocks of 8; 8 planar layers with tanh), always in the sampling-fast direction that
 * variational inference wants.
 */
public enum FlowChoice {
  MAF("maf", "masked autoregressive, affine transformer (scale floor 0.01)"),
  MAF_SPLINE("maf-spline", "masked autoregressive, rational-quadratic spline transformer (8 knots on [-4, 4])"),
  COUPLING("coupling", "affine coupling"),
  COUPLING_SPLINE("coupling-spline", "coupling with a rational-quadratic spline transformer (8 knots on [-4, 4])"),
  BNAF("bnaf", "block neural autoregressive (1 layer, blocks of 8)"),
  PLANAR("planar", "planar (8 layers, tanh)");

  /** Stream key of the permutations between layers, apart from the trainer's (step, chunk) keys. */
  static final long PERMUTATION_STREAM = -11;

  private final String cliName;
  private final String description;

  FlowChoice(String cliName, String description) {
    this.cliName = cliName;
    this.description = description;
  }

  /** The flow named {@code name} on the command line. */
  public static FlowChoice parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (FlowChoice f : values()) {
      if (f.cliName.equals(n)) {
        return f;
      }
    }
    throw new IllegalArgumentException("flow is '" + name + "', expected one of " + names());
  }

  /** The accepted names, comma-separated. */
  public static String names() {
    StringJoiner j = new StringJoiner(", ");
    for (FlowChoice f : values()) {
      j.add(f.cliName);
    }
    return j.toString();
  }

  public String description() {
    return cliName + ": " + description;
  }

  @Override
  public String toString() {
    return cliName;
  }

  /** This flow over {@code base}; {@code seed} fixes the permutations between layers. */
  public TransformedDistribution build(Distribution base, long seed) {
    long permutations = permutationSeed(seed);
    Flows.Direction fast = Flows.Direction.SAMPLING_FAST;
    return switch (this) {
      case MAF -> Flows.maskedAutoregressive(base).direction(fast).seed(permutations).build();
      case MAF_SPLINE -> Flows.maskedAutoregressive(base).transformer(RationalQuadraticSpline.of(8, 4.0)).direction(fast).seed(permutations).build();
      case COUPLING -> Flows.coupling(base).direction(fast).seed(permutations).build();
      case COUPLING_SPLINE -> Flows.coupling(base).transformer(RationalQuadraticSpline.of(8, 4.0)).direction(fast).seed(permutations).build();
      case BNAF -> Flows.blockNeuralAutoregressive(base).direction(fast).seed(permutations).build();
      case PLANAR -> Flows.planar(base).direction(fast).seed(permutations).build();
    };
  }

  /** The permutations' seed, derived so that they do not share draws with the initial weights. */
  static long permutationSeed(long seed) {
    return RandomStream.of(seed).derive(PERMUTATION_STREAM).nextLong();
  }
}
