package dev.flowvi.engine.target;

import dev.flowvi.engine.core.Checks;
import java.util.function.ToDoubleFunction;

/**
 * A log density supplied without a gradient, differentiated by central finite differences.
 *
 * <p><b>Slow and approximate.</b> Every gradient costs 2·dim extra evaluations of the function,
 * and each component carries an error of order h² (truncation) plus ε·|f|/h (round-off). The step
 * h = cbrt(ε)·max(1, |z_j|) balances the two, leaving about 10 correct digits for a smooth f of
 * moderate scale. Prefer an analytic gradient or the model builder whenever one is possible.
 *
 * <p>A non-finite value at z ± h makes that gradient component non-finite; the trainer then drops
 * the sample and counts it. Thread-safe when the wrapped function is: scratch arrays are allocated
 * per call.
 */
public final class FiniteDifferenceLogDensity implements LogDensity {
  /** cbrt of the double machine epsilon 2⁻⁵²: the step that balances truncation and round-off. */
  private static final double STEP_SCALE = Math.cbrt(Math.ulp(1.0));

  /** A batched log density: writes log p̃ of each of the n feature-major points into logp[0..n). */
  @FunctionalInterface
  public interface BatchFunction {
    void logDensity(double[] z, int n, double[] logp);
  }

  private final int dim;
  private final BatchFunction function;

  private FiniteDifferenceLogDensity(int dim, BatchFunction function) {
    this.dim = dim;
    this.function = function;
  }

  /**
   * Wraps a function of one point: {@code f} receives an array of {@code dim} coordinates, which it
   * may read but must not keep.
   */
  public static FiniteDifferenceLogDensity ofPoint(int dim, ToDoubleFunction<double[]> f) {
    Checks.positive("dim", dim);
    if (f == null) {
      throw new IllegalArgumentException("f must not be null (expected a function of one point)");
    }
    return new FiniteDifferenceLogDensity(dim, (z, n, logp) -> {
      double[] point = new double[dim];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < dim; j++) {
          point[j] = z[j * n + i];
        }
        logp[i] = f.applyAsDouble(point);
      }
    });
  }

  /** Wraps a batched function over feature-major points. */
  public static FiniteDifferenceLogDensity ofBatch(int dim, BatchFunction f) {
    Checks.positive("dim", dim);
    if (f == null) {
      throw new IllegalArgumentException("f must not be null (expected a batched log density)");
    }
    return new FiniteDifferenceLogDensity(dim, f);
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public void logDensity(double[] z, int n, double[] logp) {
    Checks.batchSize(n, null);
    Checks.batch("z", z, dim, n);
    Checks.perPoint("logp", logp, n);
    function.logDensity(z, n, logp);
  }

  /** Evaluates the batch, then shifts one coordinate at a time by ±h for all points at once. */
  @Override
  public void logDensityAndGradient(double[] z, int n, double[] logp, double[] grad) {
    logDensity(z, n, logp);
    Checks.batch("grad", grad, dim, n);
    double[] shifted = new double[dim * n];
    System.arraycopy(z, 0, shifted, 0, dim * n);
    double[] up = new double[n];
    double[] down = new double[n];
    double[] step = new double[n];
    for (int j = 0; j < dim; j++) {
      int row = j * n;
      for (int i = 0; i < n; i++) {
        double zj = z[row + i];
        double h = STEP_SCALE * Math.max(1.0, Math.abs(zj));
        // Use the step that is exactly representable from zj so the divisor matches the shift.
        double plus = zj + h;
        double minus = zj - h;
        step[i] = plus - minus;
        shifted[row + i] = plus;
      }
      function.logDensity(shifted, n, up);
      for (int i = 0; i < n; i++) {
        shifted[row + i] = z[row + i] - STEP_SCALE * Math.max(1.0, Math.abs(z[row + i]));
      }
      function.logDensity(shifted, n, down);
      for (int i = 0; i < n; i++) {
        grad[row + i] = (up[i] - down[i]) / step[i];
        shifted[row + i] = z[row + i];
      }
    }
  }
}
