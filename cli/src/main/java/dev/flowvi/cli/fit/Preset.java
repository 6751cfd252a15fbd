package dev.flowvi.cli.fit;

import java.util.Locale;

/** Which settings a fit starts from. */
public enum Preset {
  /**
   * The seed post's FlowJAX settings, to compare like with like: FlowJAX's {@code ElboLoss} with
   * its sticking-the-landing choice per example, and {@code fit_to_key_based_loss}'s plain Adam
   * without gradient clipping.
   */
  SEED,
  /**
   * FlowVI's own recipe. For the seed examples: the model builder's unconstrained coordinates, a
   * multi-start mode search, and a MAF started at the full-covariance Laplace approximation there
   * ({@link SeedExamples}: M1 with the seed's spline flow, schedule and plain ELBO, M2 affine with
   * sticking the landing); for model files, the chosen flow with sticking the landing (Roeder et
   * al. 2017). No clipping, and the parameters of the best step rather than the last.
   */
  DEFAULT;

  /** The preset named {@code s} (case-insensitive), or null. */
  public static Preset parse(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "seed" -> SEED;
      case "default" -> DEFAULT;
      default -> null;
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
