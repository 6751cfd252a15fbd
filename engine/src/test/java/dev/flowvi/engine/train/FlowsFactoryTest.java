package dev.flowvi.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.bijection.Chain;
import dev.flowvi.engine.bijection.Elementwise;
import dev.flowvi.engine.bijection.Flip;
import dev.flowvi.engine.bijection.Invert;
import dev.flowvi.engine.bijection.LeakyTanh;
import dev.flowvi.engine.bijection.Loft;
import dev.flowvi.engine.bijection.Permute;
import dev.flowvi.engine.bijection.TriangularAffine;
import dev.flowvi.engine.distribution.Distribution;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.flow.Coupling;
import dev.flowvi.engine.flow.Flows;
import dev.flowvi.engine.flow.Flows.Direction;
import dev.flowvi.engine.flow.MaskedAutoregressive;
import dev.flowvi.engine.random.RandomStream;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Structure and defaults of the flow factories; the two passes of every built flow agree. */
class FlowsFactoryTest {

  private static List<Bijection> layersOf(TransformedDistribution flow) {
    Bijection b = flow.bijection();
    if (b instanceof Invert) {
      b = ((Invert) b).inner();
    }
    return ((Chain) b).parts();
  }

  @Test
  void maskedAutoregressiveHasFlowJaxDefaults() {
    TransformedDistribution flow = Flows.maskedAutoregressive(TestNormal.standard(3)).build();
    assertInstanceOf(Invert.class, flow.bijection(), "density-fast by default (FlowJAX invert = true)");
    List<Bijection> layers = layersOf(flow);
    assertEquals(8, layers.size());
    for (Bijection layer : layers) {
      List<Bijection> parts = ((Chain) layer).parts();
      MaskedAutoregressive maf = assertInstanceOf(MaskedAutoregressive.class, parts.get(0));
      assertTrue(maf.transformer().name().contains("Affine"), maf.transformer().name());
      assertInstanceOf(Permute.class, parts.get(1), "D ≥ 3: a random permutation after every layer, the last included");
    }
    // MADE with one hidden layer of 50 units for D = 3 and 2 affine parameters per coordinate.
    assertEquals(3 * 50 + 50 + 50 * 6 + 6, layers.get(0).parameterCount());
  }

  @Test
  void triangularSplineLayersFollowFlowJax() {
    TransformedDistribution flow = Flows.triangularSpline(TestNormal.standard(3)).build();
    assertInstanceOf(Invert.class, flow.bijection());
    List<Bijection> layers = layersOf(flow);
    assertEquals(8, layers.size());
    List<Bijection> parts = ((Chain) ((Chain) layers.get(0)).parts().get(0)).parts();
    assertInstanceOf(LeakyTanh.class, parts.get(0));
    Elementwise splines = assertInstanceOf(Elementwise.class, parts.get(1));
    assertEquals(3 * (3 * 8 + 4), splines.parameterCount(), "8 knots: 3K + 4 raw values per coordinate");
    assertInstanceOf(LeakyTanh.class, assertInstanceOf(Invert.class, parts.get(2)).inner());
    assertTrue(assertInstanceOf(TriangularAffine.class, parts.get(3)).isWeightNormalised());
    assertInstanceOf(Permute.class, ((Chain) layers.get(0)).parts().get(1));
    assertThrows(IllegalArgumentException.class, () -> Flows.triangularSpline(TestNormal.standard(3)).conditionDim(2).build());
  }

  @Test
  void twoDimensionsUseFlipsAndOneDimensionNoPermutation() {
    for (Bijection layer : layersOf(Flows.coupling(TestNormal.standard(2)).direction(Direction.SAMPLING_FAST).build())) {
      List<Bijection> parts = ((Chain) layer).parts();
      assertInstanceOf(Coupling.class, parts.get(0));
      assertInstanceOf(Flip.class, parts.get(1));
    }
    TransformedDistribution one = Flows.planar(TestNormal.standard(1)).layers(2).direction(Direction.SAMPLING_FAST).build();
    for (Bijection layer : layersOf(one)) {
      assertFalse(layer instanceof Chain, "no permutation in one dimension");
    }
  }

  @Test
  void samplingFastKeepsTheLayersAndLoftComesLast() {
    TransformedDistribution fast = Flows.maskedAutoregressive(TestNormal.standard(3)).layers(2).direction(Direction.SAMPLING_FAST).build();
    assertInstanceOf(Chain.class, fast.bijection());
    TransformedDistribution loft = Flows.maskedAutoregressive(TestNormal.standard(3)).layers(2).loft(true).build();
    List<Bijection> outer = ((Chain) loft.bijection()).parts();
    assertInstanceOf(Invert.class, outer.get(0));
    assertInstanceOf(Loft.class, outer.get(1));
  }

  /** The seed fixes the permutations: same seed, same density; another seed, another density. */
  @Test
  void permutationsAreSeeded() {
    Function<Long, TransformedDistribution> build = seed -> Flows.maskedAutoregressive(TestNormal.standard(4)).layers(3).width(8).seed(seed).build();
    double[] p = FlowFactoryGradientTest.randomParams(build.apply(1L), 3);
    double[] x = new double[4 * 5];
    RandomStream rng = RandomStream.of(4);
    for (int k = 0; k < x.length; k++) {
      x[k] = rng.nextGaussian();
    }
    double[] a = logProb(build.apply(1L), p, x, 5);
    double[] b = logProb(build.apply(1L), p, x, 5);
    double[] c = logProb(build.apply(2L), p, x, 5);
    assertTrue(Arrays.equals(a, b));
    assertFalse(Arrays.equals(a, c));
  }

  private static double[] logProb(TransformedDistribution flow, double[] p, double[] x, int n) {
    double[] out = new double[n];
    flow.logProb(p, 0, x, null, out, n, flow.newWorkspace(n));
    return out;
  }

  /** Flows start at the exact identity (zero output layers, identity transformers): q = base. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.flowvi.engine.train.FlowFactoryGradientTest#factories")
  void identityStartAndAgreementOfBothPasses(String name, Function<Distribution, TransformedDistribution> factory) {
    TestNormal base = new TestNormal(3, true);
    TransformedDistribution flow = factory.apply(base);
    int n = 6;
    double[] x = new double[3 * n];
    RandomStream rng = RandomStream.of(5);
    for (int k = 0; k < x.length; k++) {
      x[k] = 2 * rng.nextGaussian();
    }
    if (!name.startsWith("blockNeural")) {
      double[] init = flow.initialParameters(1);
      double[] q = logProb(flow, init, x, n);
      double[] ref = new double[n];
      base.logProb(init, 0, x, ref, n);
      for (int i = 0; i < n; i++) {
        assertEquals(ref[i], q[i], 1e-12 * Math.abs(ref[i]), name + " point " + i);
      }
    }
    double[] p = FlowFactoryGradientTest.randomParams(flow, 9);
    double[] z = new double[3 * n];
    double[] logq = new double[n];
    flow.sampleAndLogProb(p, 0, RandomStream.of(6), null, z, logq, n, flow.newWorkspace(n));
    double[] again = logProb(flow, p, z, n);
    for (int i = 0; i < n; i++) {
      assertEquals(logq[i], again[i], 1e-9 * (1 + Math.abs(logq[i])), name + " point " + i);
    }
  }

  @Test
  void badSettingsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Flows.maskedAutoregressive(null));
    assertThrows(IllegalArgumentException.class, () -> Flows.coupling(TestNormal.standard(2)).layers(0));
    assertThrows(IllegalArgumentException.class, () -> Flows.coupling(TestNormal.standard(2)).width(0));
    assertThrows(IllegalArgumentException.class, () -> Flows.coupling(TestNormal.standard(2)).direction(null));
    assertThrows(IllegalArgumentException.class, () -> Flows.planar(TestNormal.standard(2)).conditionDim(-1));
    assertThrows(IllegalArgumentException.class, () -> Flows.blockNeuralAutoregressive(TestNormal.standard(2)).blockDim(0));
  }
}
