package dev.flowvi.engine.train;

import java.util.function.ToDoubleFunction;

/** Central differences with h = cbrt(ε)·max(1, |x|), the truncation/round-off balance. */
final class FiniteDifference {
  private static final double STEP = Math.cbrt(Math.ulp(1.0));

  private FiniteDifference() {}

  static double[] gradient(ToDoubleFunction<double[]> f, double[] x) {
    double[] g = new double[x.length];
    double[] p = x.clone();
    for (int k = 0; k < x.length; k++) {
      double h = STEP * Math.max(1.0, Math.abs(x[k]));
      p[k] = x[k] + h;
      double up = f.applyAsDouble(p);
      p[k] = x[k] - h;
      double down = f.applyAsDouble(p);
      p[k] = x[k];
      g[k] = (up - down) / (2 * h);
    }
    return g;
  }
}
