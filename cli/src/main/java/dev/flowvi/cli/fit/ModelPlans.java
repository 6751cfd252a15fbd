package dev.flowvi.cli.fit;

import dev.flowvi.engine.distribution.StandardNormal;
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
  /**
   * 300 steps at 3e-3 then 300 at 1e-3: on the M1 model file (unconstrained coordinates, standard
   * normal base, maf) this reaches k̂ ≈ 0.6 where the seed's (1e-2, 100), (1e-3, 200) overshoots.
   */
  static final LearningRatePhases PHASES = LearningRatePhases.of(3e-3, 300, 1e-3, 300);
  static final int SAMPLES = 500;

  private ModelPlans() {}

  /**
   * The plan for {@code model} on {@code data} (null when it reads none); {@code kernels} decides
   * whether the model's log density and the flow run compiled.
   */
  public static FitPlan of(Model model, DataTable data, FlowChoice flowChoice, Preset preset, long seed, KernelChoice kernels) {
    int dim = model.dim();
    Constraining constraining = constraining(model);
    List<String> names = constraining.names();
    int constrainedDim = names.size();
    Map<String, String> d = new LinkedHashMap<>();
    d.put("unconstrained dimension", Integer.toString(dim));
    d.put("parameters", constrainedDim + " (" + String.join(", ", names) + ")");
    d.put("data rows", Integer.toString(data == null ? 0 : data.rows()));
    d.put("flow", flowChoice.description() + ", sampling-fast");
    d.put("base", "standard normal");
    LogDensity target = kernels.model(model, data, d);
    TransformedDistribution flow = kernels.flow(flow(dim, flowChoice, seed), d);
    boolean seedPreset = preset == Preset.SEED;
    return new FitPlan(target, flow, constraining, PHASES, SAMPLES, !seedPreset, Double.POSITIVE_INFINITY, !seedPreset, d);
  }

  /** The flow on ℝ^dim: a standard normal base pushed through {@code flowChoice}; the seed fixes the permutations. */
  public static TransformedDistribution flow(int dim, FlowChoice flowChoice, long seed) {
    return flowChoice.build(StandardNormal.of(dim), seed);
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
