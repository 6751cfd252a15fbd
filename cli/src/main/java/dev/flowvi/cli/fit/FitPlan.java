package dev.flowvi.cli.fit;

import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.target.LogDensity;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything needed to run one fit: the target and the flow q, the map from q's space to the named
 * parameters, the training budget (learning-rate phases and samples per step), the estimator
 * options (sticking the landing, gradient clipping, and whether to return the parameters of the
 * best step rather than the last), and a readable description of the choices for reports.
 */
public record FitPlan(
    LogDensity target, TransformedDistribution flow, Constraining constraining, LearningRatePhases phases,
    int samples, boolean stickingTheLanding, double clipNorm, boolean keepBest, Map<String, String> description) {

  public FitPlan {
    description = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(description));
  }

  /** The same plan with a different budget (from --steps and --samples). */
  public FitPlan withBudget(LearningRatePhases newPhases, int newSamples) {
    return new FitPlan(target, flow, constraining, newPhases, newSamples, stickingTheLanding, clipNorm, keepBest, description);
  }
}
