package dev.flowvi.engine.distribution;

import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.random.RandomStream;

/**
 * A probability distribution on ℝ^dim over feature-major batches, with reparameterised sampling
 * and gradients of the log density.
 *
 * <p>Parameters live in a flat vector at {@code offset}, as for {@link
 * dev.flowvi.engine.bijection.Bijection}. Gradient arrays follow the same rule: gradients with
 * respect to points are written (overwritten), gradients with respect to parameters are added.
 * Distributions are immutable and thread-safe.
 */
public interface Distribution {

  int dim();

  int parameterCount();

  default void describeParameters(ParameterLayout.Builder layout, String prefix) {
    layout.add(prefix + name(), parameterCount());
  }

  default String name() {
    return getClass().getSimpleName();
  }

  void initialise(double[] params, int offset, RandomStream rng);

  /** Draws n points into {@code x} (dim·n). */
  void sample(double[] params, int offset, RandomStream rng, double[] x, int n);

  /** Writes log density of each point into {@code logp[0..n)}. */
  void logProb(double[] params, int offset, double[] x, double[] logp, int n);

  /**
   * Gradient of Σ_i gradLogp[i]·log p(x_i): writes it with respect to the points into {@code
   * gradX} (may be null to skip) and adds it with respect to the parameters into {@code gradParams}.
   */
  void logProbBackward(double[] params, int offset, double[] x, double[] gradLogp, double[] gradX, double[] gradParams, int n);

  /**
   * Reparameterisation gradient of {@link #sample}: for points {@code x} that sample produced with
   * these parameters and dL/dx, adds dL/dparams through the sampling path. Parameter-free
   * distributions do nothing.
   */
  void sampleBackward(double[] params, int offset, double[] x, double[] gradX, double[] gradParams, int n);
}
