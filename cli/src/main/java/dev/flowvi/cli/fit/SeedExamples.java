package dev.flowvi.cli.fit;

import dev.flowvi.engine.bijection.RationalQuadraticSpline;
import dev.flowvi.engine.distribution.Normal;
import dev.flowvi.engine.distribution.StandardNormal;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.examples.M1Data;
import dev.flowvi.engine.examples.M1LogPosterior;
import dev.flowvi.engine.examples.M1StandardisedExample;
import dev.flowvi.engine.examples.M2Data;
import dev.flowvi.engine.examples.M2LogPosterior;
import dev.flowvi.engine.examples.SeedModels;
import dev.flowvi.engine.flow.Flows;
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.model.Model;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The seed post's examples (EXAMPLES.md) as fit plans. */
public final class SeedExamples {
  /** M1's data columns. */
  public static final List<String> M1_COLUMNS = List.of("x", "y");

  private SeedExamples() {}

  /** M1's true values (m1, m2, c2, w1), from which the generated data come. */
  public static double[] m1Truth() {
    return new double[] {M1Data.M1, M1Data.M2, M1Data.C2, M1Data.W1};
  }

  /**
   * M1 as the seed fits it: the 4 parameters in the unit cube mapped onto their prior boxes; a
   * masked autoregressive flow (FlowJAX defaults: 8 layers, width 50, depth 1, ReLU, a permutation
   * after each layer) with a 4-knot rational-quadratic spline on (0, 1), sampling-fast; base
   * Normal(0.5, 0.01); 500 samples per step, 100 steps at 1e-2 then 200 at 1e-3.
   */
  public static FitPlan m1(DataTable data, Preset preset, long seed, KernelChoice kernels) {
    if (preset == Preset.DEFAULT) {
      Map<String, String> d = new LinkedHashMap<>();
      d.put("model", "M1: mixture of two lines (model builder), parameters mapped from their prior boxes to the real line");
      // The uniform priors' means: the boxes' midpoints, and w1 = 1/2.
      // M1: the plain ELBO, as the seed trains it (sticking the landing diverges with its splines at
      // 1e-2, see M1StandardisedExample).
      Model model = SeedModels.m1();
      DefaultRecipe.ModeSearchSettings search = new DefaultRecipe.ModeSearchSettings(model.unconstrain(M1_PRIOR_MEANS), PRIOR_MEANS,
          M1_SPREAD, M1_STARTS, M1_MODE_ITERATIONS);
      return DefaultRecipe.plan(model, data, search, M1_DEFAULT_PHASES, unstandardisedFlow(true, seed), M1_DEFAULT_FLOW_DESCRIPTION,
          false, false, seed, kernels, d);
    }
    M1LogPosterior target = M1LogPosterior.of(data, M1LogPosterior.Parameterisation.UNIT_CUBE);
    Constraining constraining = m1Constraining(target);
    Map<String, String> d = new LinkedHashMap<>();
    d.put("model", "M1: mixture of two lines, parameters in the unit cube mapped to the prior boxes");
    d.put("data rows", Integer.toString(data.rows()));
    d.put("flow", "masked autoregressive, 8 layers, width 50, depth 1, ReLU, permutation after each layer, sampling-fast");
    d.put("transformer", "rational-quadratic spline, 4 knots on (0, 1)");
    d.put("base", "Normal(0.5, 0.01) per coordinate");
    TransformedDistribution flow = kernels.flow(m1Flow(seed), d);
    return new FitPlan(target, flow, constraining, LearningRatePhases.of(1e-2, 100, 1e-3, 200), 500,
        false, Double.POSITIVE_INFINITY, false, d);
  }

  /** Source tag of M1 in flow files. */
  public static final String M1_SOURCE = "example m1";

  /** The seed preset's flow for M1; the seed fixes the permutations between layers. */
  public static TransformedDistribution m1Flow(long seed) {
    return Flows.maskedAutoregressive(Normal.of(4, 0.5, 0.01))
        .transformer(RationalQuadraticSpline.of(4, 0.0, 1.0))
        .direction(Flows.Direction.SAMPLING_FAST)
        .seed(FlowChoice.permutationSeed(seed))
        .build();
  }

  /** The map from the unit cube to (m1, m2, c2, w1) in their prior boxes. */
  public static Constraining m1Constraining(M1LogPosterior target) {
    int dim = target.dim();
    List<String> names = List.of(target.coordinateNames());
    return new Constraining() {
      @Override
      public List<String> names() {
        return names;
      }

      @Override
      public void constrain(double[] z, int n, double[] out) {
        double[] point = new double[dim];
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < dim; j++) {
            point[j] = z[j * n + i];
          }
          double[] theta = target.constrain(point);
          for (int j = 0; j < dim; j++) {
            out[j * n + i] = theta[j];
          }
        }
      }
    };
  }

  /** Source tag of M2 in flow files. */
  public static final String M2_SOURCE = "example m2";

  /** M2's data columns. */
  public static final List<String> M2_COLUMNS = List.of("t", "x", "y", "z", "e");

  /** M2's true values in summary order (a_11 … phi_3, log_sigma, log_sigma_e, w1, w2, w3, w_b). */
  public static double[] m2Truth() {
    double[] v = new double[27];
    for (int k = 0; k < 3; k++) {
      v[7 * k] = M2Data.A[k][0];
      v[7 * k + 1] = M2Data.A[k][1];
      v[7 * k + 2] = M2Data.A[k][2];
      v[7 * k + 3] = M2Data.B[k][0];
      v[7 * k + 4] = M2Data.B[k][1];
      v[7 * k + 5] = M2Data.LOG_E[k];
      v[7 * k + 6] = M2Data.PHI[k];
    }
    v[21] = Math.log(M2Data.SIGMA);
    v[22] = Math.log(M2Data.SIGMA_E);
    System.arraycopy(M2Data.WEIGHTS, 0, v, 23, 4);
    return v;
  }

  /**
   * M2 as the seed fits it: a triangular spline flow (6 layers, 4 knots, tanh_max_val 3),
   * sampling-fast, base Normal(0, 0.1), ELBO with sticking the landing and 500 samples per step on
   * the schedule [(1e-2, 50), (4e-3, 50), (1e-3, 50)]. The weights' simplex comes from the model's
   * stick-breaking transform rather than the seed's hand-made sigmoids.
   */
  public static FitPlan m2(DataTable data, Preset preset, long seed, KernelChoice kernels) {
    if (preset == Preset.DEFAULT) {
      Map<String, String> d = new LinkedHashMap<>();
      d.put("model", "M2: three particle tracks plus background (model builder), 26 unconstrained coordinates, weights on the simplex");
      // M2: sticking the landing, as the seed trains it.
      Model model = SeedModels.m2();
      DefaultRecipe.ModeSearchSettings search = new DefaultRecipe.ModeSearchSettings(model.unconstrain(m2PriorMeans()), PRIOR_MEANS,
          M2_SPREAD, M2_STARTS, M2_MODE_ITERATIONS);
      return DefaultRecipe.plan(model, data, search, M2_DEFAULT_PHASES, unstandardisedFlow(false, seed), FlowChoice.MAF.description(),
          true, false, seed, kernels, d);
    }
    M2LogPosterior target = M2LogPosterior.of(data);
    Constraining constraining = ModelPlans.constraining(SeedModels.m2());
    Map<String, String> d = new LinkedHashMap<>();
    d.put("model", "M2: three particle tracks plus background, 26 unconstrained coordinates, weights on the simplex");
    d.put("data rows", Integer.toString(data.rows()));
    d.put("flow", "triangular spline, 6 layers, LeakyTanh(3) around a spline on [-1, 1], weight-normalised lower-triangular affine, "
        + "permutation after each layer, sampling-fast");
    d.put("transformer", "rational-quadratic spline, 4 knots on [-1, 1]");
    d.put("base", "Normal(0, 0.1) per coordinate");
    TransformedDistribution flow = kernels.flow(m2Flow(seed), d);
    return new FitPlan(target, flow, constraining, LearningRatePhases.of(1e-2, 50, 4e-3, 50, 1e-3, 50), 500,
        true, Double.POSITIVE_INFINITY, false, d);
  }

  /** The seed preset's flow for M2: FlowJAX's triangular spline flow with the seed's 6 layers, 4 knots, tanh_max_val 3. */
  public static TransformedDistribution m2Flow(long seed) {
    return Flows.triangularSpline(Normal.of(M2LogPosterior.DIM, 0.0, 0.1))
        .layers(6).knots(4).tanhMaxVal(3.0)
        .direction(Flows.Direction.SAMPLING_FAST)
        .seed(FlowChoice.permutationSeed(seed))
        .build();
  }

  /** M2's prior means in summary order: the track and noise priors are centred on the true values, the Dirichlet(1,1,1,1) on 1/4 each. */
  static double[] m2PriorMeans() {
    double[] v = m2Truth();
    java.util.Arrays.fill(v, 23, 27, 0.25);
    return v;
  }

  /** The uniform priors' means: the boxes' midpoints, and w1 = 1/2. */
  private static final double[] M1_PRIOR_MEANS = {0, 0, 0, 0.5};
  /**
   * The default preset's mode search (see {@link DefaultRecipe}): M1's starts spread over most of the
   * boxes (sd 1.5 on the logit scale reaches 5 % and 95 % of a box's width), M2's stay near the
   * prior means, which its priors (sd 1 and 3 around the truth) make the bulk of the prior mass.
   */
  static final double M1_SPREAD = M1StandardisedExample.SPREAD;
  static final double M2_SPREAD = 0.5;
  static final int M1_STARTS = M1StandardisedExample.STARTS;
  static final int M2_STARTS = 16;
  static final int M1_MODE_ITERATIONS = M1StandardisedExample.MODE_ITERATIONS;
  static final int M2_MODE_ITERATIONS = 300;
  /** Flow names of the default preset's flows in flow files. */
  public static final String M1_DEFAULT_FLOW = "default-m1";
  public static final String M2_DEFAULT_FLOW = "default-m2";

  /**
   * The default preset's flow before the Laplace map: for M1 the seed's own flow family (a 4-knot
   * spline MAF, {@link M1StandardisedExample}), for M2 the affine MAF.
   */
  static TransformedDistribution unstandardisedFlow(boolean m1, long seed) {
    return m1 ? M1StandardisedExample.maf(FlowChoice.permutationSeed(seed))
        : FlowChoice.MAF.build(StandardNormal.of(SeedModels.m2().dim()), seed);
  }

  /** The default preset's schedules (see {@link DefaultRecipe}). */
  static final LearningRatePhases M1_DEFAULT_PHASES = new LearningRatePhases(M1StandardisedExample.RATES.clone(), M1StandardisedExample.STEPS.clone());
  static final LearningRatePhases M2_DEFAULT_PHASES = LearningRatePhases.of(3e-3, 40, 1e-3, 40);

  /** Where the examples' mode searches start, as the report says it. */
  private static final String PRIOR_MEANS = "the prior means";

  /** The M1 default preset's flow before the Laplace map, as the report describes it. */
  private static final String M1_DEFAULT_FLOW_DESCRIPTION = "masked autoregressive, rational-quadratic spline transformer ("
      + M1StandardisedExample.KNOTS + " knots on [-" + M1StandardisedExample.INTERVAL + ", " + M1StandardisedExample.INTERVAL + "])";
}
