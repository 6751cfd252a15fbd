package dev.flowvi.engine.target;

/**
 * An unnormalised log density log p̃(z) on ℝ^dim and its gradient, for a feature-major batch
 * (coordinate j of point i at {@code z[j*n + i]}).
 *
 * <p>Implementations must be safe to call from several threads at once on different arrays: the
 * trainer evaluates chunks of samples in parallel. A point outside the support may return
 * {@code -∞} or NaN; the trainer drops and counts such samples.
 */
public interface LogDensity {

  int dim();

  /** Writes log p̃ of each point into {@code logp[0..n)}. */
  void logDensity(double[] z, int n, double[] logp);

  /** Writes log p̃ into {@code logp[0..n)} and ∇ log p̃ into {@code grad} (feature-major, dim·n). */
  void logDensityAndGradient(double[] z, int n, double[] logp, double[] grad);

  /** Coordinate names for reports; by default z[1] … z[dim]. */
  default String[] coordinateNames() {
    String[] names = new String[dim()];
    for (int j = 0; j < names.length; j++) {
      names[j] = "z[" + (j + 1) + "]";
    }
    return names;
  }
}
