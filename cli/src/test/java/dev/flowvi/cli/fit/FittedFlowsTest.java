package dev.flowvi.cli.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.examples.M1Data;
import dev.flowvi.engine.examples.M1LogPosterior;
import dev.flowvi.engine.examples.SeedModels;
import dev.flowvi.engine.flow.FlowSpec;
import dev.flowvi.engine.io.FlowFile;
import dev.flowvi.engine.io.SavedFlow;
import dev.flowvi.engine.model.ModelFile;
import dev.flowvi.engine.kernel.VectorSupport;
import dev.flowvi.engine.random.RandomStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The flow file's recipe rebuilds exactly the flow each command-line plan trains. */
class FittedFlowsTest {
  private static final long SEED = 17;

  /**
   * Same parameters, same stream: a different topology, layout or permutation would change the
   * draws by far more than the allowance. On the vector path the two flows' EXP/LOG lanes may run
   * in different JIT tiers, which agree to 1 ulp but not bit for bit, so draws may differ by
   * 1e-12 of their scale there (engine's TranscendentalNoise); on the scalar path they must be identical.
   */
  private static void assertSameFlow(TransformedDistribution trained, FlowSpec spec) {
    assertSameFlowAt(trained, spec, trained.initialParameters(3));
  }

  /** As {@link #assertSameFlow}, at {@code p} plus a little noise. */
  private static void assertSameFlowAt(TransformedDistribution trained, FlowSpec spec, double[] p) {
    TransformedDistribution rebuilt = spec.build();
    assertEquals(trained.parameterCount(), rebuilt.parameterCount(), spec.toString());
    RandomStream rng = RandomStream.of(8);
    for (int k = 0; k < p.length; k++) {
      p[k] += 0.02 * rng.nextGaussian();
    }
    int n = 16;
    double[] a = new double[trained.dim() * n];
    double[] b = new double[trained.dim() * n];
    trained.sample(p, 0, RandomStream.of(1), a, n);
    rebuilt.sample(p, 0, RandomStream.of(1), b, n);
    assertArrayEquals(a, b, VectorSupport.enabled() ? 1e-12 * Math.max(1, Arrays.stream(a).map(Math::abs).max().orElse(1)) : 0.0, spec.toString());
  }

  @ParameterizedTest
  @EnumSource(FlowChoice.class)
  void everyFlowChoiceIsRebuilt(FlowChoice choice) {
    assertSameFlow(ModelPlans.flow(3, choice, SEED), FittedFlows.spec(choice, 3, SEED));
  }

  /**
   * A model-file fit under the default preset trains the chosen flow followed by the frozen map to
   * the Laplace approximation; the flow file's recipe rebuilds it, and the map's mode and factor
   * travel in the parameters (the interpreted kernels: the plan's flow is then the bijection itself).
   */
  @ParameterizedTest
  @EnumSource(FlowChoice.class)
  void everyLaplaceStartedModelFlowIsRebuilt(FlowChoice choice) {
    Path modelFile = Path.of("..", "examples", "m1.model").toAbsolutePath().normalize();
    FitPlan plan = ModelPlans.of(ModelFile.read(modelFile), M1Data.generate(2), choice, Preset.DEFAULT, SEED, KernelChoice.of(true));
    FlowSpec spec = FittedFlows.spec(FittedFlows.MODEL_SOURCE + modelFile, FittedFlows.laplaceStarted(choice), SEED);
    assertEquals("full", spec.options().get("standardised"), spec.toString());
    assertSameFlowAt(plan.flow(), spec, plan.flow().initialParameters(3));
    // And the seed preset's plain flow under the plain name.
    FitPlan plain = ModelPlans.of(ModelFile.read(modelFile), M1Data.generate(2), choice, Preset.SEED, SEED, KernelChoice.of(true));
    assertSameFlow(plain.flow(), FittedFlows.spec(FittedFlows.MODEL_SOURCE + modelFile, choice.toString(), SEED));
  }

  /** The flow name carries a heavier-tailed base, and the recipe rebuilds the flow over it, with its trainable loc and scale. */
  @Test
  void aLaplaceStartedFlowOnAnotherBaseIsRebuilt() {
    Path modelFile = Path.of("..", "examples", "m1.model").toAbsolutePath().normalize();
    for (String baseName : List.of("student-t:4", "laplace", "logistic", "cauchy")) {
      BaseChoice base = BaseChoice.parse(baseName);
      FitPlan plan = ModelPlans.of(ModelFile.read(modelFile), M1Data.generate(2), FlowChoice.MAF, base, Preset.DEFAULT, SEED, KernelChoice.of(true));
      String name = ModelPlans.flowName(FlowChoice.MAF, base, Preset.DEFAULT);
      assertEquals("maf@" + baseName + "+laplace", name);
      FlowSpec spec = FittedFlows.spec(FittedFlows.MODEL_SOURCE + modelFile, name, SEED);
      assertEquals(base.spec(4), spec.base());
      assertSameFlowAt(plan.flow(), spec, plan.flow().initialParameters(3));
    }
  }

  @Test
  void seedExampleFlowsAreRebuilt() {
    assertSameFlow(SeedExamples.m1Flow(SEED), FittedFlows.spec(SeedExamples.M1_SOURCE, "seed-m1", SEED));
    assertSameFlow(SeedExamples.m2Flow(SEED), FittedFlows.spec(SeedExamples.M2_SOURCE, "seed-m2", SEED));
  }

  @Test
  void m1DrawsMapToThePriorBoxesAsTheFitDoes() {
    double[] params = SeedExamples.m1Flow(SEED).initialParameters(2);
    SavedFlow saved = FlowFile.parse(FlowFile.format(FittedFlows.of(SeedExamples.M1_SOURCE, "seed-m1", SEED, params, Map.of())), "m1.fvi");
    int n = 10;
    double[] z = saved.sampleCoordinates(n, 5);
    double[] theta = saved.sample(n, 5);
    double[] expected = new double[4 * n];
    SeedExamples.m1Constraining(M1LogPosterior.of(M1Data.generate(1), M1LogPosterior.Parameterisation.UNIT_CUBE)).constrain(z, n, expected);
    assertArrayEquals(expected, theta, 1e-12);
    assertArrayEquals(new String[] {"m1", "m2", "c2", "w1"}, saved.parameterNames());

    double[] p2 = SeedExamples.m2Flow(SEED).initialParameters(2);
    SavedFlow m2 = FittedFlows.of(SeedExamples.M2_SOURCE, "seed-m2", SEED, p2, Map.of());
    assertEquals(List.of(SeedModels.m2().parameterNames()), List.of(m2.parameterNames()));
  }

  @Test
  void unknownSourceIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FittedFlows.spec("example m9", "maf", 0));
    assertTrue(e.getMessage().contains("source is 'example m9'"), e.getMessage());
  }
}
