package dev.flowvi.cli.fit;

import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.target.LogDensity;
import dev.flowvi.engine.train.Schedule;
import dev.flowvi.engine.train.TrainerConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything needed to run one fit: the target and the flow q, the map from q's space to the named
 * parameters, the training budget (learning-rate phases and samples per step), the estimator
 * options (sticking the landing, gradient clipping, and whether to return the parameters of the
 * best step rather than the last), a readable description of the choices for reports, and whether
 * a phase ends early once the loss has converged in it.
 */
public record FitPlan(
    LogDensity target, TransformedDistribution flow, Constraining constraining, LearningRatePhases phases,
    int samples, boolean stickingTheLanding, double clipNorm, boolean keepBest, Map<String, String> description,
    boolean stopWhenConverged) {

  public FitPlan {
    description = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(description));
  }

  /** A plan that runs every step of its phases. */
  public FitPlan(
      LogDensity target, TransformedDistribution flow, Constraining constraining, LearningRatePhases phases,
      int samples, boolean stickingTheLanding, double clipNorm, boolean keepBest, Map<String, String> description) {
    this(target, flow, constraining, phases, samples, stickingTheLanding, clipNorm, keepBest, description, false);
  }

  /**
   * The same plan, ending each learning-rate phase once the loss has converged in it ({@link
   * TrainerConfig.Builder#stopWhenConverged}) unless the user fixed the number of steps.
   */
  public FitPlan stoppingWhenConverged() {
    return new FitPlan(target, flow, constraining, phases, samples, stickingTheLanding, clipNorm, keepBest, description, true);
  }

  /**
   * The trainer's settings for this plan under {@code preset}, with {@code phases} and
   * {@code sampleCount} (the plan's own or the user's): the seed preset gets a fresh Adam per
   * learning-rate stage, as the post's separate {@code fit_to_key_based_loss} calls have.
   */
  public TrainerConfig trainerConfig(Preset preset, LearningRatePhases phases, int sampleCount, long seed, int threads) {
    return TrainerConfig.builder()
        .seed(seed)
        .schedule(preset == Preset.SEED
            ? Schedule.stages(phases.rates(), phases.steps())
            : Schedule.piecewiseConstant(phases.rates(), phases.steps()))
        .sampleCount(sampleCount)
        .stickingTheLanding(stickingTheLanding)
        .clipNorm(clipNorm)
        // Patience as long as the run: never stops early, but hands back the best step's parameters.
        .patience(keepBest ? phases.total() : 0)
        .threads(threads)
        .build();
  }

  /** The same plan with a different budget (from --steps and --samples). */
  public FitPlan withBudget(LearningRatePhases newPhases, int newSamples) {
    return new FitPlan(target, flow, constraining, newPhases, newSamples, stickingTheLanding, clipNorm, keepBest, description, stopWhenConverged);
  }
}
