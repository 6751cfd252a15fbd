package dev.flowvi.cli.fit;

import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.model.Model;
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.target.LogDensity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fit plans for models given as files: the flow lives on the model's unconstrained coordinates
 * with a standard normal base, and draws come back constrained and named.
 */
public final class ModelPlans {
  /** 300 steps at 3e-3 then 300 at 1e-3, for either preset. */
  static final LearningRatePhases PHASES = LearningRatePhases.of(3e-3, 300, 1e-3, 300);
  static final int SAMPLES = 500;
  /**
   * The default preset's mode search: starts spread around the origin of the unconstrained
   * coordinates (sd 1.5 on a box's logit scale reaches 5 % and 95 % of its width, as for M1),
   * each with Adam steps and a Newton polish.
   */
  static final double SPREAD = 1.5;
  static final int STARTS = 16;
  static final int MODE_ITERATIONS = 300;
  /** The default preset's mode search starts here, as the report says it. */
  static final String ORIGIN = "the origin of the unconstrained coordinates";

  private ModelPlans() {}

  /**
   * The plan for {@code model} on {@code data} (null when it reads none); {@code kernels} decides
   * whether the model's log density and the flow run compiled.
   *
   * <p>The default preset is the examples' recipe ({@link DefaultRecipe}): a multi-start mode
   * search around the origin of the unconstrained coordinates (an interval's midpoint, a positive
   * parameter's 1, a simplex's equal weights), then the chosen flow followed by the frozen map to
   * the Laplace approximation there, trained with sticking the landing and kept at its best step;
   * each learning-rate phase ends once the loss has converged in it (at most 300 + 300 steps).
   * A flow started at a standard normal far from the posterior settles too often in a poor local
   * optimum (on M1, k̂ above 4 for the MAF and above 100 for the spline and BNAF flows). Where the
   * standard normal's ELBO is the higher of the two starts (a degenerate mode, as at a funnel's
   * neck), the frozen map is the identity instead. The seed preset keeps the plain start: the
   * chosen flow over a standard normal, the plain ELBO, the last step's parameters.
   */
  public static FitPlan of(Model model, DataTable data, FlowChoice flowChoice, Preset preset, long seed, KernelChoice kernels) {
    return of(model, data, flowChoice, BaseChoice.NORMAL, preset, seed, kernels);
  }

  /**
   * As {@link #of(Model, DataTable, FlowChoice, Preset, long, KernelChoice)}, with the flow over
   * {@code base} instead of the standard normal. The default preset still compares the Gaussian
   * versions of its two starts (the Laplace map and the identity) to choose the map.
   */
  public static FitPlan of(Model model, DataTable data, FlowChoice flowChoice, BaseChoice base, Preset preset, long seed, KernelChoice kernels) {
    int dim = model.dim();
    List<String> names = List.of(model.parameterNames());
    Map<String, String> d = new LinkedHashMap<>();
    d.put("unconstrained dimension", Integer.toString(dim));
    d.put("parameters", names.size() + " (" + String.join(", ", names) + ")");
    if (preset == Preset.DEFAULT) {
      DefaultRecipe.ModeSearchSettings search = new DefaultRecipe.ModeSearchSettings(new double[dim], ORIGIN, SPREAD, STARTS, MODE_ITERATIONS);
      d.put("flow base (before the start's map)", base.description());
      return DefaultRecipe.plan(model, data, search, PHASES, flow(dim, flowChoice, base, seed), flowChoice.description(), true, true, seed,
          kernels, d).stoppingWhenConverged();
    }
    d.put("data rows", Integer.toString(data == null ? 0 : data.rows()));
    d.put("flow", flowChoice.description() + ", sampling-fast");
    d.put("base", base.description());
    LogDensity target = kernels.model(model, data, d);
    TransformedDistribution flow = kernels.flow(flow(dim, flowChoice, base, seed), d);
    return new FitPlan(target, flow, constraining(model), PHASES, SAMPLES, false, Double.POSITIVE_INFINITY, false, d);
  }

  /**
   * The flow's name in the flow file for a fit under {@code preset}: the default preset's flow ends
   * in the frozen map to its start ({@link FittedFlows#laplaceStarted}), the seed preset's does not.
   */
  public static String flowName(FlowChoice flowChoice, Preset preset) {
    return flowName(flowChoice, BaseChoice.NORMAL, preset);
  }

  /** As {@link #flowName(FlowChoice, Preset)}, over {@code base}. */
  public static String flowName(FlowChoice flowChoice, BaseChoice base, Preset preset) {
    return FittedFlows.name(flowChoice, base, preset == Preset.DEFAULT);
  }

  /** The flow on ℝ^dim: a standard normal base pushed through {@code flowChoice}; the seed fixes the permutations. */
  public static TransformedDistribution flow(int dim, FlowChoice flowChoice, long seed) {
    return flow(dim, flowChoice, BaseChoice.NORMAL, seed);
  }

  /** The flow on ℝ^dim over {@code base}. */
  public static TransformedDistribution flow(int dim, FlowChoice flowChoice, BaseChoice base, long seed) {
    return flowChoice.build(base.build(dim), seed);
  }

  /** The model's map from unconstrained coordinates to its named parameters; it reads no data. */
  public static Constraining constraining(Model model) {
    List<String> names = List.of(model.parameterNames());
    int dim = model.dim();
    return new Constraining() {
      @Override
      public List<String> names() {
        return names;
      }

      @Override
      public void constrain(double[] z, int n, double[] out) {
        double[] u = new double[dim];
        double[] x = new double[names.size()];
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < dim; j++) {
            u[j] = z[j * n + i];
          }
          model.constrain(u, x);
          for (int j = 0; j < x.length; j++) {
            out[j * n + i] = x[j];
          }
        }
      }
    };
  }
}
