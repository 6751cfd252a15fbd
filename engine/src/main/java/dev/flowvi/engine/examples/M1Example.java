package dev.flowvi.engine.examples;

import dev.flowvi.engine.bijection.RationalQuadraticSpline;
import dev.flowvi.engine.distribution.Normal;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.flow.Flows;
import dev.flowvi.engine.flow.Flows.Direction;
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.target.LogDensity;
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
 * 100 steps at 1e-2, then 200 at 1e-3, as two separate fits. Like the seed, no gradient clipping.
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

  /** Learning rates and step counts of the seed's two {@code fit_to_key_based_loss} calls. */
  public static final double[] STAGE_RATES = {1e-2, 1e-3};
  public static final int[] STAGE_STEPS = {100, 200};

  /**
   * One stage of the seed's training: a constant learning rate for the given steps. Each stage is a
   * separate fit with a fresh Adam state, as each FlowJAX {@code fit_to_key_based_loss} call builds
   * its own {@code optax.adam}.
   */
  public static TrainerConfig config(long seed, int threads, double learningRate, int steps) {
    return TrainerConfig.builder()
        .seed(seed)
        .schedule(Schedule.piecewiseConstant(new double[] {learningRate}, new int[] {steps}))
        .sampleCount(500)
        .stickingTheLanding(false)
        .clipNorm(Double.POSITIVE_INFINITY)
        .threads(threads)
        .build();
  }

  /**
   * Generates the data, builds the flow and trains it in the seed's two stages, each restarting
   * Adam (moments zeroed, bias correction from step 1) and reusing the same seed, as the seed
   * reuses {@code train_key}. Returns the second stage; its params belong to {@link #flow()}.
   */
  public static TrainingResult run(long seed, int threads, TrainingListener listener) {
    return run(flow(), target(M1Data.generate(DATA_SEED)), seed, threads, listener);
  }

  /**
   * The seed's two training stages of {@code flow} (the seed's flow family, compiled or not) on
   * {@code target}; the result's params belong to {@code flow}.
   */
  public static TrainingResult run(TransformedDistribution flow, LogDensity target, long seed, int threads,
      TrainingListener listener) {
    double[] params = flow.initialParameters(seed);
    TrainingResult result = null;
    for (int stage = 0; stage < STAGE_RATES.length; stage++) {
      result = Trainer.of(config(seed, threads, STAGE_RATES[stage], STAGE_STEPS[stage]), listener).fit(flow, target, params);
      params = result.params();
    }
    return result;
  }
}
