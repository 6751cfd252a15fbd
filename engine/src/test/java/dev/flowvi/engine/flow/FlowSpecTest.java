package dev.flowvi.engine.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.bijection.RationalQuadraticSpline;
import dev.flowvi.engine.distribution.Cauchy;
import dev.flowvi.engine.distribution.Distribution;
import dev.flowvi.engine.distribution.Gumbel;
import dev.flowvi.engine.distribution.Laplace;
import dev.flowvi.engine.distribution.Logistic;
import dev.flowvi.engine.distribution.Normal;
import dev.flowvi.engine.distribution.StandardNormal;
import dev.flowvi.engine.distribution.StudentT;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.kernel.TranscendentalNoise;
import dev.flowvi.engine.nn.Activation;
import dev.flowvi.engine.random.RandomStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlowSpecTest {
  /** Same parameter count and the same draws for the same (perturbed) parameters and seed (bit for bit on the scalar kernels). */
  private static void assertSameFlow(TransformedDistribution expected, TransformedDistribution actual) {
    assertEquals(expected.parameterCount(), actual.parameterCount());
    assertEquals(expected.dim(), actual.dim());
    double[] params = expected.initialParameters(11);
    RandomStream jitter = RandomStream.of(5);
    for (int k = 0; k < params.length; k++) {
      params[k] += 0.1 * jitter.nextGaussian();
    }
    int n = 7;
    double[] a = new double[n * expected.dim()];
    double[] b = new double[n * expected.dim()];
    expected.sample(params, 0, RandomStream.of(3), a, n);
    actual.sample(params, 0, RandomStream.of(3), b, n);
    assertArrayEquals(a, b, TranscendentalNoise.allowance(a));
  }

  @Test
  void maskedAutoregressiveSpecBuildsTheBuilderFlow() {
    Distribution base = StandardNormal.of(3);
    TransformedDistribution direct = Flows.maskedAutoregressive(base).layers(3).width(6).depth(2)
        .activation(Activation.TANH).seed(42).direction(Flows.Direction.SAMPLING_FAST).loft(true).build();
    FlowSpec spec = FlowSpec.of(FlowSpec.Kind.MASKED_AUTOREGRESSIVE, BaseSpec.standardNormal(3))
        .with("layers", 3).with("width", 6).with("depth", 2).with("activation", Activation.TANH)
        .with("seed", 42).with("direction", Flows.Direction.SAMPLING_FAST).with("loft", true);
    assertSameFlow(direct, spec.build());
    assertEquals("tanh", spec.options().get("activation"));
  }

  @Test
  void couplingWithSplineAndStudentTBase() {
    TransformedDistribution direct = Flows.coupling(StudentT.of(3, 5.0, 0.0, 1.0)).layers(2).width(5)
        .transformer(RationalQuadraticSpline.of(6, 3.0)).seed(9).build();
    FlowSpec spec = FlowSpec.of(FlowSpec.Kind.COUPLING, BaseSpec.studentT(3, 5.0, 0.0, 1.0))
        .with("layers", 2).with("width", 5).withSpline(6, 3.0).with("seed", 9);
    assertSameFlow(direct, spec.build());
  }

  @Test
  void locationScaleBasesBuildTheirDistribution() {
    Map<String, Class<?>> kinds = Map.of(BaseSpec.NORMAL, Normal.class, BaseSpec.LAPLACE, Laplace.class, BaseSpec.LOGISTIC, Logistic.class,
        BaseSpec.GUMBEL, Gumbel.class, BaseSpec.CAUCHY, Cauchy.class);
    for (Map.Entry<String, Class<?>> k : kinds.entrySet()) {
      BaseSpec spec = BaseSpec.locationScale(k.getKey(), 3, 0.5, 2.0);
      Distribution base = spec.build();
      assertEquals(k.getValue(), base.getClass(), k.getKey());
      assertEquals(3, base.dim());
      assertArrayEquals(new double[] {0.5, 2.0}, spec.settings(), 0.0);
      assertEquals(spec, BaseSpec.of(k.getKey(), 3, spec.settings()), "settings round trip");
    }
    assertSameFlow(Flows.planar(Laplace.of(2, 0.5, 2.0)).layers(2).build(),
        FlowSpec.of(FlowSpec.Kind.PLANAR, BaseSpec.locationScale(BaseSpec.LAPLACE, 2, 0.5, 2.0)).with("layers", 2).build());
  }

  @Test
  void otherFactoriesBuildTheBuilderFlow() {
    assertSameFlow(Flows.blockNeuralAutoregressive(StandardNormal.of(2)).blockDim(4).depth(2).build(),
        FlowSpec.of(FlowSpec.Kind.BLOCK_NEURAL_AUTOREGRESSIVE, BaseSpec.standardNormal(2)).with("block_dim", 4).with("depth", 2).build());
    assertSameFlow(Flows.planar(StandardNormal.of(2)).layers(3).nonlinearity(Planar.Nonlinearity.LEAKY_RELU).build(),
        FlowSpec.of(FlowSpec.Kind.PLANAR, BaseSpec.standardNormal(2)).with("layers", 3).with("nonlinearity", "leaky_relu").build());
    assertSameFlow(Flows.triangularSpline(StandardNormal.of(3)).layers(2).knots(5).seed(4).build(),
        FlowSpec.of(FlowSpec.Kind.TRIANGULAR_SPLINE, BaseSpec.standardNormal(3)).with("layers", 2).with("knots", 5).with("seed", 4).build());
    assertSameFlow(Flows.coupling(StandardNormal.of(4)).softClampedScales().seed(1).build(),
        FlowSpec.of(FlowSpec.Kind.COUPLING, BaseSpec.standardNormal(4)).with("transformer", "affine_soft_clamp").with("seed", 1).build());
  }

  @Test
  void specsFromTheSameOptionsAreEqual() {
    FlowSpec a = FlowSpec.of(FlowSpec.Kind.PLANAR, BaseSpec.normal(2, 0.5, 2.0)).with("layers", 2);
    FlowSpec b = FlowSpec.of(FlowSpec.Kind.PLANAR, BaseSpec.normal(2, 0.5, 2.0), Map.of("layers", "2"));
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
  }

  @Test
  void badOptionsNameTheOptionAndValue() {
    FlowSpec maf = FlowSpec.of(FlowSpec.Kind.MASKED_AUTOREGRESSIVE, BaseSpec.standardNormal(2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> maf.with("layers", "three"));
    assertTrue(e.getMessage().contains("layers") && e.getMessage().contains("three"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> maf.with("layers", 0));
    assertTrue(e.getMessage().contains("layers"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> maf.with("knots", 4));
    assertTrue(e.getMessage().contains("knots") && e.getMessage().contains("masked_autoregressive"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> maf.with("activation", "sigmoid"));
    assertTrue(e.getMessage().contains("sigmoid") && e.getMessage().contains("relu"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> maf.with("transformer", "spline"));
    assertTrue(e.getMessage().contains("spline_knots"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> maf.with("loft", "yes"));
    assertTrue(e.getMessage().contains("loft") && e.getMessage().contains("yes"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> FlowSpec.Kind.fromKey("realnvp"));
    assertTrue(e.getMessage().contains("realnvp"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new BaseSpec("weibull", 2, 0, 0, 0));
    assertTrue(e.getMessage().contains("weibull") && e.getMessage().contains("gumbel or cauchy"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> BaseSpec.locationScale(BaseSpec.UNIFORM, 2, 0, 1));
    assertTrue(e.getMessage().contains("expected a location-scale family"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BaseSpec.locationScale(BaseSpec.LAPLACE, 2, 0, -1).build());
    assertThrows(IllegalArgumentException.class, () -> BaseSpec.studentT(2, -1.0, 0.0, 1.0).build());
    assertThrows(IllegalArgumentException.class,
        () -> FlowSpec.of(FlowSpec.Kind.PLANAR, BaseSpec.standardNormal(2)).withSpline(8, 4.0));
  }
}
