package dev.flowvi.validation;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.bijection.Affine;
import dev.flowvi.engine.bijection.Chain;
import dev.flowvi.engine.bijection.Elementwise;
import dev.flowvi.engine.bijection.RationalQuadraticSpline;
import dev.flowvi.engine.distribution.Distribution;
import dev.flowvi.engine.distribution.Cauchy;
import dev.flowvi.engine.distribution.Gumbel;
import dev.flowvi.engine.distribution.Laplace;
import dev.flowvi.engine.distribution.Logistic;
import dev.flowvi.engine.distribution.Normal;
import dev.flowvi.engine.distribution.StackedDistribution;
import dev.flowvi.engine.distribution.StandardNormal;
import dev.flowvi.engine.distribution.StudentT;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.distribution.Uniform;
import dev.flowvi.engine.random.RandomStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Finite-difference checks of every base distribution's logProbBackward (wrt points and
 * parameters) and sampleBackward (reparameterisation gradient), at random non-initial
 * parameters. Smooth closed forms: central differences agree to ~1e-9, so the bar is 1e-7.
 */
class DistributionGradientTest {
  static Stream<Arguments> distributions() {
    return Stream.of(
        Arguments.of("StandardNormal(3)", StandardNormal.of(3)),
        Arguments.of("Normal(4)", Normal.of(new double[] {0, 1, -2, 3}, new double[] {1, 0.5, 2, 0.1})),
        Arguments.of("StudentT(2, df 0.7)", StudentT.of(2, 0.7, 0, 1)),
        Arguments.of("StudentT(3, df 5)", StudentT.of(3, 5, 1, 2)),
        Arguments.of("Uniform(2)", Uniform.of(2, -10, 10)),
        Arguments.of("Laplace(3)", Laplace.of(new double[] {0, 1, -2}, new double[] {1, 0.5, 2})),
        Arguments.of("Logistic(2)", Logistic.of(2, 0.5, 1.5)),
        Arguments.of("Gumbel(2)", Gumbel.of(2, -0.5, 1.0)),
        Arguments.of("Cauchy(2)", Cauchy.of(2, 1.0, 0.5)),
        Arguments.of("Stacked(Normal 2, Uniform 1, StudentT 2)",
            StackedDistribution.of(Normal.of(2, 0, 1), Uniform.of(1, -10, 10), StudentT.of(2, 3, 0, 1))),
        // A flow: trainable Student-t base through an affine map and a spline.
        Arguments.of("Transformed(StudentT 3, Chain(Affine, spline))",
            TransformedDistribution.of(StudentT.of(3, 4, 0, 1),
                Chain.of(Affine.of(3), Elementwise.of(RationalQuadraticSpline.of(5, 4), 3)))));
  }

  private static double[] randomParams(Distribution d, long seed) {
    double[] p = new double[d.parameterCount()];
    d.initialise(p, 0, RandomStream.of(seed));
    RandomStream rng = RandomStream.of(seed + 1);
    for (int k = 0; k < p.length; k++) {
      p[k] += 0.5 * rng.nextGaussian();
    }
    return p;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("distributions")
  void logProbGradientsMatchFiniteDifferences(String name, Distribution d) {
    int n = 4;
    double[] p = randomParams(d, 11);
    double[] x = GradientCheckTest.randomPoints(12, d.dim() * n, 2.0);
    GradientCheck.Result r = GradientCheck.logProb(d, p, x, n, 13);
    assertTrue(r.passed(1e-7), r.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("distributions")
  void samplingGradientsMatchFiniteDifferences(String name, Distribution d) {
    double[] p = randomParams(d, 21);
    GradientCheck.Result r = GradientCheck.sample(d, p, 5, 22);
    assertTrue(r.passed(1e-7), r.toString());
  }

  /** A check that cannot fail is worthless: a distribution with a wrong parameter gradient fails. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("distributions")
  void aWrongGradientWouldBeCaught(String name, Distribution d) {
    if (d.parameterCount() == 0) {
      return;
    }
    double[] p = randomParams(d, 31);
    int n = 3;
    double[] x = GradientCheckTest.randomPoints(32, d.dim() * n, 1.0);
    Distribution wrong = new Distribution() {
      @Override public String name() { return "Flawed" + d.name(); }
      @Override public int dim() { return d.dim(); }
      @Override public int parameterCount() { return d.parameterCount(); }
      @Override public void initialise(double[] params, int offset, RandomStream rng) { d.initialise(params, offset, rng); }
      @Override public void sample(double[] params, int offset, RandomStream rng, double[] out, int m) { d.sample(params, offset, rng, out, m); }
      @Override public void logProb(double[] params, int offset, double[] pts, double[] logp, int m) { d.logProb(params, offset, pts, logp, m); }
      @Override public void logProbBackward(double[] params, int offset, double[] pts, double[] g, double[] gx, double[] gp, int m) {
        d.logProbBackward(params, offset, pts, g, gx, gp, m);
        int last = offset + parameterCount() - 1;
        // The check starts from zeros: the last gradient is off by at least 1 % of max(1, |gradient|),
        // whatever its sign (1.01·g + 0.01 nearly cancels where g ≈ −1, as for a Laplace scale).
        gp[last] += 0.01 * (1 + Math.abs(gp[last]));
      }
      @Override public void sampleBackward(double[] params, int offset, double[] pts, double[] gx, double[] gp, int m) { d.sampleBackward(params, offset, pts, gx, gp, m); }
    };
    GradientCheck.Result r = GradientCheck.logProb(wrong, p, x, n, 33);
    assertFalse(r.passed(1e-3), r.toString());
    assertTrue(r.where().contains("parameter " + (d.parameterCount() - 1)), r.where());
  }
}
