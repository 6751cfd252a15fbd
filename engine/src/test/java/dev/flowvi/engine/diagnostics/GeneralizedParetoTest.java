package dev.flowvi.engine.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.random.RandomStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GeneralizedParetoTest {

  @Test
  void quantileInvertsTheDistributionFunction() {
    GeneralizedPareto gp = GeneralizedPareto.of(0.4, 2.0);
    for (double p : new double[] {0.0, 0.1, 0.5, 0.9, 0.999}) {
      double x = gp.quantile(p);
      double cdf = 1 - Math.pow(1 + 0.4 * x / 2.0, -1 / 0.4);
      assertEquals(p, cdf, 1e-13, "F(F^-1(p)) at p = " + p);
    }
    // k = 0 is the exponential distribution.
    assertEquals(-3.0 * Math.log1p(-0.7), GeneralizedPareto.of(0.0, 3.0).quantile(0.7), 1e-15);
  }

  /**
   * Known answer: 4000 exact GPD draws (inverse CDF) with k = 0.3, σ = 2. The estimator is asymptotically
   * efficient, so its sd is about (1 + k)/√n ≈ 0.021 for k and σ·sqrt(2(1 + k)/n) ≈ 0.051 for σ; the bands ±0.08 and ±0.2 are 4 sd
   * (false-failure rate ≈ 1e-4 each over seeds; the seed is fixed).
   */
  @Test
  void fitRecoversKnownShapeAndScale() {
    RandomStream rng = RandomStream.of(2009);
    GeneralizedPareto truth = GeneralizedPareto.of(0.3, 2.0);
    int n = 4000;
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = truth.quantile(rng.nextDouble());
    }
    Arrays.sort(x);
    GeneralizedPareto fit = GeneralizedPareto.fit(x, n);
    assertEquals(0.3, fit.shape(), 0.08);
    assertEquals(2.0, fit.scale(), 0.2);
  }

  @Test
  void fitIsScaleInvariantInShape() {
    double[] x = {0.1, 0.2, 0.4, 0.5, 0.9, 1.3, 2.0, 4.5};
    double[] y = x.clone();
    for (int i = 0; i < y.length; i++) {
      y[i] *= 1e-9;
    }
    GeneralizedPareto a = GeneralizedPareto.fit(x, x.length);
    GeneralizedPareto b = GeneralizedPareto.fit(y, y.length);
    assertEquals(a.shape(), b.shape(), 1e-12);
    assertEquals(a.scale() * 1e-9, b.scale(), 1e-12 * 1e-9 * a.scale() * 10);
  }

  @Test
  void badInputIsRejectedWithItsName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GeneralizedPareto.fit(new double[] {1, 2, 3}, 3));
    assertTrue(e.getMessage().contains("n is 3"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> GeneralizedPareto.fit(new double[] {1, 2, 0.5, 3, 4}, 5));
    assertTrue(e.getMessage().contains("x[2] is 0.5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> GeneralizedPareto.fit(new double[5], 5));
    assertTrue(e.getMessage().contains("no spread"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> GeneralizedPareto.of(0.2, -1));
    assertTrue(e.getMessage().contains("scale is -1.0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> GeneralizedPareto.of(0.2, 1).quantile(1.0));
    assertTrue(e.getMessage().contains("p is 1.0"), e.getMessage());
  }
}
