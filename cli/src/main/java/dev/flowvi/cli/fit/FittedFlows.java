package dev.flowvi.cli.fit;

import dev.flowvi.engine.examples.M1LogPosterior;
import dev.flowvi.engine.examples.M1StandardisedExample;
import dev.flowvi.engine.examples.M2LogPosterior;
import dev.flowvi.engine.examples.SeedModels;
import dev.flowvi.engine.flow.BaseSpec;
import dev.flowvi.engine.flow.FlowSpec;
import dev.flowvi.engine.flow.Flows;
import dev.flowvi.engine.io.ParameterMap;
import dev.flowvi.engine.io.SavedFlow;
import dev.flowvi.engine.model.Model;
import dev.flowvi.engine.model.ModelFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The engine's {@link SavedFlow} of a command-line fit: the {@link FlowSpec} that rebuilds the flow
 * {@link SeedExamples} or {@link FlowChoice} trained (same factory, options and permutation seed),
 * and the map from its draws to the named parameters, so that {@code flowvi sample} needs neither
 * the model file nor the data. CliFlowSpecTest checks that each spec builds the very flow the plan
 * trains (bit-identical draws from the same parameters).
 */
public final class FittedFlows {
  /** Source tag prefix of flows fitted to model files: "model " and the model file's path. */
  public static final String MODEL_SOURCE = "model ";

  private FittedFlows() {}

  /** The recipe of the flow a fit of {@code source} with flow {@code flowName} and {@code seed} trains. */
  public static FlowSpec spec(String source, String flowName, long seed) {
    if (isDefaultPreset(flowName)) {
      // The default preset's MAF on standardised coordinates, then the frozen map to the Laplace approximation.
      int dim = flowName.equals(SeedExamples.M1_DEFAULT_FLOW) ? SeedModels.m1().dim() : SeedModels.m2().dim();
      if (flowName.equals(SeedExamples.M1_DEFAULT_FLOW)) {
        return FlowSpec.of(FlowSpec.Kind.MASKED_AUTOREGRESSIVE, BaseSpec.standardNormal(dim))
            .withSpline(M1StandardisedExample.KNOTS, M1StandardisedExample.INTERVAL)
            .with("direction", Flows.Direction.SAMPLING_FAST)
            .with("seed", FlowChoice.permutationSeed(seed))
            .with("standardised", "full");
      }
      return spec(FlowChoice.MAF, dim, seed).with("standardised", "full");
    }
    if (source.equals(SeedExamples.M1_SOURCE)) {
      return FlowSpec.of(FlowSpec.Kind.MASKED_AUTOREGRESSIVE, BaseSpec.normal(4, 0.5, 0.01))
          .withSpline(4, 0.0, 1.0)
          .with("direction", Flows.Direction.SAMPLING_FAST)
          .with("seed", FlowChoice.permutationSeed(seed));
    }
    if (source.equals(SeedExamples.M2_SOURCE)) {
      return FlowSpec.of(FlowSpec.Kind.TRIANGULAR_SPLINE, BaseSpec.normal(M2LogPosterior.DIM, 0.0, 0.1))
          .with("layers", 6).with("knots", 4).with("tanh_max_val", 3.0)
          .with("direction", Flows.Direction.SAMPLING_FAST)
          .with("seed", FlowChoice.permutationSeed(seed));
    }
    boolean laplace = flowName.endsWith(LAPLACE_START);
    String plain = laplace ? flowName.substring(0, flowName.length() - LAPLACE_START.length()) : flowName;
    int at = plain.indexOf(ON_BASE);
    FlowChoice choice = FlowChoice.parse(at < 0 ? plain : plain.substring(0, at));
    BaseChoice base = at < 0 ? BaseChoice.NORMAL : BaseChoice.parse(plain.substring(at + ON_BASE.length()));
    FlowSpec spec = spec(choice, base, model(source).dim(), seed);
    return laplace ? spec.with("standardised", "full") : spec;
  }

  /**
   * The flow name of a model-file fit under the default preset, whose flow ends in the frozen map
   * to the Laplace approximation ({@link ModelPlans#of}).
   */
  public static String laplaceStarted(FlowChoice choice) {
    return name(choice, BaseChoice.NORMAL, true);
  }

  /**
   * The flow name of a model-file fit: the flow, then {@code @base} unless the base is the standard
   * normal, then {@code +laplace} when the flow ends in the frozen map to its start, as in
   * {@code maf@student-t:5+laplace}.
   */
  public static String name(FlowChoice choice, BaseChoice base, boolean laplaceStarted) {
    return choice + (base.equals(BaseChoice.NORMAL) ? "" : ON_BASE + base) + (laplaceStarted ? LAPLACE_START : "");
  }

  private static final String LAPLACE_START = "+laplace";
  private static final String ON_BASE = "@";

  /** The recipe of {@link FlowChoice#build} over a standard normal on ℝ^dim. */
  public static FlowSpec spec(FlowChoice choice, int dim, long seed) {
    return spec(choice, BaseChoice.NORMAL, dim, seed);
  }

  /** The recipe of {@link FlowChoice#build} over {@code baseChoice} on ℝ^dim. */
  public static FlowSpec spec(FlowChoice choice, BaseChoice baseChoice, int dim, long seed) {
    BaseSpec base = baseChoice.spec(dim);
    FlowSpec spec = switch (choice) {
      case MAF -> FlowSpec.of(FlowSpec.Kind.MASKED_AUTOREGRESSIVE, base);
      case MAF_SPLINE -> FlowSpec.of(FlowSpec.Kind.MASKED_AUTOREGRESSIVE, base).withSpline(8, 4.0);
      case COUPLING -> FlowSpec.of(FlowSpec.Kind.COUPLING, base);
      case COUPLING_SPLINE -> FlowSpec.of(FlowSpec.Kind.COUPLING, base).withSpline(8, 4.0);
      case BNAF -> FlowSpec.of(FlowSpec.Kind.BLOCK_NEURAL_AUTOREGRESSIVE, base);
      case PLANAR -> FlowSpec.of(FlowSpec.Kind.PLANAR, base);
    };
    return spec.with("direction", Flows.Direction.SAMPLING_FAST).with("seed", FlowChoice.permutationSeed(seed));
  }

  /** The fitted flow of {@code source} with its parameter map; {@code metadata} holds provenance and settings. */
  public static SavedFlow of(String source, String flowName, long seed, double[] params, Map<String, String> metadata) {
    FlowSpec spec = spec(source, flowName, seed);
    if (isDefaultPreset(flowName)) {
      boolean m1 = flowName.equals(SeedExamples.M1_DEFAULT_FLOW);
      return SavedFlow.of(spec, params, (m1 ? SeedModels.m1() : SeedModels.m2()).coordinateNames(),
          ParameterMap.ModelMap.builtin(m1 ? "m1" : "m2"), metadata);
    }
    if (source.equals(SeedExamples.M1_SOURCE)) {
      // The unit-cube map reads no data (one dummy row will do); its boxes are the images of the cube's corners 0 and 1.
      M1LogPosterior target = M1LogPosterior.of(new double[] {0}, new double[] {0}, M1LogPosterior.Parameterisation.UNIT_CUBE);
      ParameterMap box = new ParameterMap.UnitCubeToBox(target.constrain(new double[4]), target.constrain(new double[] {1, 1, 1, 1}));
      return SavedFlow.of(spec, params, target.coordinateNames(), box, metadata);
    }
    if (source.equals(SeedExamples.M2_SOURCE)) {
      return SavedFlow.of(spec, params, SeedModels.m2().coordinateNames(), ParameterMap.ModelMap.builtin("m2"), metadata);
    }
    String text = modelText(source);
    Model model = ModelFile.parse(text, modelPath(source).toString());
    return SavedFlow.of(spec, params, model.coordinateNames(), ParameterMap.ModelMap.ofText(text), metadata);
  }

  private static boolean isDefaultPreset(String flowName) {
    return SeedExamples.M1_DEFAULT_FLOW.equals(flowName) || SeedExamples.M2_DEFAULT_FLOW.equals(flowName);
  }

  private static Model model(String source) {
    return ModelFile.parse(modelText(source), modelPath(source).toString());
  }

  private static Path modelPath(String source) {
    if (!source.startsWith(MODEL_SOURCE)) {
      throw new IllegalArgumentException("source is '" + source + "', expected '" + SeedExamples.M1_SOURCE + "', '"
          + SeedExamples.M2_SOURCE + "' or '" + MODEL_SOURCE + "PATH'");
    }
    return Path.of(source.substring(MODEL_SOURCE.length()));
  }

  private static String modelText(String source) {
    Path file = modelPath(source);
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model file " + file + ": " + e.getMessage(), e);
    }
  }
}
