package dev.flowvi.cli.fit;

import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.init.GaussianStart;
import dev.flowvi.engine.init.LaplaceApproximation;
import dev.flowvi.engine.init.ModeSearch;
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.model.Model;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.target.LogDensity;
import java.util.Map;
import java.util.function.Supplier;

/**
 * FlowVI's own recipe, the default preset of {@code example} and {@code fit}:
 * <ul>
 *   <li>the model builder's unconstrained coordinates, so every box, positivity and simplex
 *       constraint is a smooth bijection with its log-Jacobian and no draw leaves the support;
 *   <li>a multi-start gradient ascent ({@link ModeSearch}) from a centre (the examples: the prior
 *       means mapped to ℝ^D; model files: the origin of the unconstrained coordinates), keeping
 *       the highest mode: a flow trained from the prior's centre can settle in a local mode (M1's
 *       lines merged, M2's tracks swapped), which the ELBO cannot climb out of;
 *   <li>a flow (M1: a MAF with the seed's 4-knot splines and schedule; M2: an affine MAF; model
 *       files: the {@code --flow} choice), sampling-fast, on standardised coordinates, followed by
 *       the frozen map u = mode + L x with L Lᵀ the inverse Hessian ({@link LaplaceApproximation}):
 *       training starts at the full-covariance Laplace approximation and the flow only has to
 *       correct it;
 *   <li>for model files, the standard normal on the unconstrained coordinates instead where its
 *       ELBO over the same draws is the higher ({@link GaussianStart}): a degenerate mode, as at a
 *       funnel's neck, makes a poor Laplace start;
 *   <li>the ELBO as the seed trains each model (M1 plain; M2 and model files with sticking the
 *       landing, Roeder et al. 2017), no clipping, the best step's parameters.
 * </ul>
 */
final class DefaultRecipe {
  /** Samples per step. */
  static final int SAMPLES = 500;
  /** Number of the draws that compare the starts' ELBOs. */
  static final int START_DRAWS = 500;
  /** Stream key of the mode search's starts. */
  private static final long MODE_STREAM = -17;
  /** Stream key of the draws that compare the starts' ELBOs. */
  private static final long START_STREAM = -19;

  private DefaultRecipe() {}

  /**
   * Where the mode search starts and how hard it looks: {@code starts} points drawn around
   * {@code centre} (unconstrained coordinates) with sd {@code spread}, {@code iterations} Adam
   * steps each; {@code centreName} says where that is in the report.
   */
  record ModeSearchSettings(double[] centre, String centreName, double spread, int starts, int iterations) {}

  /**
   * The plan for {@code model} on {@code data} under this recipe, with the mode search of
   * {@code search}, {@code unstandardisedFlow} on the standardised coordinates and, with
   * {@code chooseStart}, the start with the higher ELBO.
   */
  static FitPlan plan(Model model, DataTable data, ModeSearchSettings search, LearningRatePhases phases,
      TransformedDistribution unstandardisedFlow, String flowDescription, boolean stickingTheLanding, boolean chooseStart, long seed,
      KernelChoice kernels, Map<String, String> d) {
    d.put("data rows", Integer.toString(data == null ? 0 : data.rows()));
    // The flow before the Laplace map depends on neither the model nor the mode.
    Supplier<TransformedDistribution> unstandardised = kernels.flowInBackground(unstandardisedFlow, d);
    LogDensity target = kernels.model(model, data, d);
    ModeSearch mode = ModeSearch.of(target, search.centre(), search.spread(), search.starts(), search.iterations(),
        RandomStream.of(seed).derive(MODE_STREAM).nextLong());
    d.put("mode search", search.starts() + " starts around " + search.centreName() + " (sd " + search.spread()
        + " on the unconstrained scale), " + search.iterations() + " Adam steps and Newton polish; highest log density "
        + String.format(java.util.Locale.ROOT, "%.4f", mode.logDensity()));
    d.put("flow", flowDescription + ", sampling-fast");
    LaplaceApproximation laplace = LaplaceApproximation.at(target, mode.mode());
    String toLaplace = "standard normal, then the frozen map u = mode + L x to the "
        + (laplace.isFullCovariance() ? "full-covariance Laplace approximation (L L^T = inverse Hessian)"
            : "diagonal Laplace approximation (the Hessian is not negative definite at the mode)");
    GaussianStart start = GaussianStart.laplace(laplace);
    if (chooseStart) {
      // The start with the higher ELBO, from the same draws: the Laplace approximation unless the
      // mode is degenerate (a funnel's neck), where the standard normal on the unconstrained
      // coordinates is closer to the posterior.
      GaussianStart plain = GaussianStart.standardNormal(model.dim());
      long s = RandomStream.of(seed).derive(START_STREAM).nextLong();
      double laplaceElbo = start.elbo(target, START_DRAWS, RandomStream.of(s));
      double plainElbo = plain.elbo(target, START_DRAWS, RandomStream.of(s));
      String elbos = String.format(java.util.Locale.ROOT, "ELBO %.6g against %.6g", Math.max(laplaceElbo, plainElbo),
          Math.min(laplaceElbo, plainElbo));
      if (plainElbo > laplaceElbo) {
        start = plain;
        d.put("base", "standard normal on the unconstrained coordinates (the frozen map u = x): its " + elbos
            + " for the Laplace approximation at the mode, over " + START_DRAWS + " draws");
      } else {
        d.put("base", toLaplace + ": its " + elbos + " for the standard normal, over " + START_DRAWS + " draws");
      }
    } else {
      d.put("base", toLaplace);
    }
    TransformedDistribution flow = start.standardise(unstandardised.get());
    return new FitPlan(target, flow, ModelPlans.constraining(model), phases, SAMPLES, stickingTheLanding,
        Double.POSITIVE_INFINITY, true, d);
  }
}
