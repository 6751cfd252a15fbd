package dev.flowvi.cli.fit;

import dev.flowvi.engine.bijection.RationalQuadraticSpline;
import dev.flowvi.engine.distribution.Normal;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.examples.M1Data;
import dev.flowvi.engine.examples.M1LogPosterior;
import dev.flowvi.engine.examples.M2Data;
import dev.flowvi.engine.examples.M2LogPosterior;
import dev.flowvi.engine.examples.SeedModels;
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.flow.Flows;
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
  public static FitPlan m1(DataTable data, Preset preset, long seed) {
    M1LogPosterior target = M1LogPosterior.of(data, M1LogPosterior.Parameterisation.UNIT_CUBE);
    TransformedDistribution flow = m1Flow(seed);
    Constraining constraining = m1Constraining(target);
    boolean seedPreset = preset == Preset.SEED;
    Map<String, String> d = new LinkedHashMap<>();
    d.put("model", "M1: mixture of two lines, parameters in the unit cube mapped to the prior boxes");
    d.put("data rows", Integer.toString(data.rows()));
    d.put("flow", "masked autoregressive, 8 layers, width 50, depth 1, ReLU, permutation after each layer, sampling-fast");
    d.put("transformer", "rational-quadratic spline, 4 knots on (0, 1)");
    d.put("base", "Normal(0.5, 0.01) per coordinate");
    return new FitPlan(target, flow, constraining, LearningRatePhases.of(1e-2, 100, 1e-3, 200), 500,
        !seedPreset, Double.POSITIVE_INFINITY, !seedPreset, d);
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
  public static FitPlan m2(DataTable data, Preset preset, long seed) {
    M2LogPosterior target = M2LogPosterior.of(data);
    TransformedDistribution flow = m2Flow(seed);
    Constraining constraining = ModelPlans.constraining(SeedModels.m2());
    boolean seedPreset = preset == Preset.SEED;
    Map<String, String> d = new LinkedHashMap<>();
    d.put("model", "M2: three particle tracks plus background, 26 unconstrained coordinates, weights on the simplex");
    d.put("data rows", Integer.toString(data.rows()));
    d.put("flow", "triangular spline, 6 layers, LeakyTanh(3) around a spline on [-1, 1], weight-normalised lower-triangular affine, "
        + "permutation after each layer, sampling-fast");
    d.put("transformer", "rational-quadratic spline, 4 knots on [-1, 1]");
    d.put("base", "Normal(0, 0.1) per coordinate");
    return new FitPlan(target, flow, constraining, LearningRatePhases.of(1e-2, 50, 4e-3, 50, 1e-3, 50), 500,
        true, Double.POSITIVE_INFINITY, !seedPreset, d);
  }

  /** The seed preset's flow for M2. */
  public static TransformedDistribution m2Flow(long seed) {
    return FlowChoice.triangularSpline(Normal.of(M2LogPosterior.DIM, 0.0, 0.1), 6, 4, 3.0, seed);
  }
}
