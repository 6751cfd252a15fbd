package dev.flowvi.engine.examples;

import dev.flowvi.engine.bijection.RationalQuadraticSpline;
import dev.flowvi.engine.distribution.Normal;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.flow.Flows;
import dev.flowvi.engine.flow.Flows.Direction;
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.train.Schedule;
import dev.flowvi.engine.train.Trainer;
import dev.flowvi.engine.train.TrainerConfig;
import dev.flowvi.engine.train.TrainingListener;
import dev.flowvi.engine.train.TrainingResult;

/**
 * The seed's M1 fit as the seed ran it in FlowJAX (EXAMPLES.md, "How the seed fitted them"):
 * the four parameters in the unit cube, a sampling-fast masked autoregressive flow with rational-
 * quadratic-spline transformers (4 knots on (0, 1)) and FlowJAX's other defaults (8 layers, MADE
 * 50 wide, ReLU), a trainable Normal(0.5, 0.01) base, and the plain ELBO with 500 samples per step:
 * 100 steps at 1e-2, then 200 at 1e-3. Like the seed, no gradient clipping.
 *
 * <p>Draws come out in the unit cube; {@link M1LogPosterior#constrain} maps them to (m1, m2, c2, w1).
 */
public final class M1Example {
  /** Seed of the generated data set. */
  public static final long DATA_SEED = 1;
  /** Dimension: m1, m2, c2, w1. */
  public static final int DIM = 4;

  private M1Example() {}

  /** The seed's flow over the unit cube. */
  public static TransformedDistribution flow() {
    return Flows.maskedAutoregressive(Normal.of(DIM, 0.5, 0.01))
        .transformer(RationalQuadraticSpline.of(4, 0.0, 1.0))
        .direction(Direction.SAMPLING_FAST)
        .build();
  }

  /** The seed's posterior on its generated data, in the seed's unit-cube parameterisation. */
  public static M1LogPosterior target(DataTable data) {
    return M1LogPosterior.of(data, M1LogPosterior.Parameterisation.UNIT_CUBE);
  }

  /** The seed's training settings with the given seed and thread count. */
  public static TrainerConfig config(long seed, int threads) {
    return TrainerConfig.builder()
        .seed(seed)
        .schedule(Schedule.piecewiseConstant(new double[] {1e-2, 1e-3}, new int[] {100, 200}))
        .sampleCount(500)
        .stickingTheLanding(false)
        .clipNorm(Double.POSITIVE_INFINITY)
        .threads(threads)
        .build();
  }

  /** Generates the data, builds the flow and trains it; the result's params belong to {@link #flow()}. */
  public static TrainingResult run(long seed, int threads, TrainingListener listener) {
    TransformedDistribution flow = flow();
    return Trainer.of(config(seed, threads), listener).fit(flow, target(M1Data.generate(DATA_SEED)), flow.initialParameters(seed));
  }
}
