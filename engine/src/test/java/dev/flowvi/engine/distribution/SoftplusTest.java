package dev.flowvi.engine.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SoftplusTest {
  @Test
  void inverseRoundTripsOverManyScales() {
    for (double s : new double[] {1e-300, 1e-10, 0.01, 0.5, 1, 3, 40, 1e8}) {
      // For tiny s the raw value is about log s, and exp amplifies its rounding by |log s|.
      double tolerance = 4e-16 * s * Math.max(1, Math.abs(Math.log(s)));
      assertEquals(s, Softplus.value(Softplus.inverse(s)), tolerance, "softplus(softplus^-1(" + s + "))");
    }
  }

  @Test
  void derivativeMatchesCentralDifferences() {
    for (double r : new double[] {-30, -2, -0.3, 0, 0.7, 5, 30}) {
      double h = 1e-5;
      double numeric = (Softplus.value(r + h) - Softplus.value(r - h)) / (2 * h);
      // Central difference error ≈ h²|f'''|/6 + ε|f|/h, below 1e-9 here.
      assertEquals(numeric, Softplus.derivative(r), 1e-9, "sigmoid(" + r + ")");
    }
    assertEquals(800, Softplus.value(800), 0);
    assertEquals(0, Softplus.value(-800), 1e-300);
  }
}
