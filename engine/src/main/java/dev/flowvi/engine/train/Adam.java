package dev.flowvi.engine.train;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.ParameterBlock;
import dev.flowvi.engine.core.ParameterLayout;
import java.util.List;

/**
 * Adam (Kingma and Ba 2015, arXiv 1412.6980, Algorithm 1) with global-norm gradient clipping
 * (Pascanu, Mikolov and Bengio 2013): when ‖g‖₂ over the trainable entries exceeds the clip norm
 * c, g is scaled by c/‖g‖₂ before the moment updates. Frozen blocks of the layout keep their
 * values and moments.
 *
 * <p>Holds its moment estimates; one instance per training run, not thread-safe.
 */
public final class Adam {
  /**
   * The trainable blocks as ranges [runs[2i], runs[2i+1]): loops over contiguous ranges without a
   * per-entry test, which C2 turns into vector code (the per-entry test cost 8 ns per entry).
   */
  private final int[] runs;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double clipNorm;
  private final double[] m;
  private final double[] v;
  private int t;

  private Adam(ParameterLayout layout, double beta1, double beta2, double epsilon, double clipNorm) {
    this.runs = runs(layout);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.clipNorm = clipNorm;
    this.m = new double[layout.size()];
    this.v = new double[layout.size()];
  }

  /** Adam with β₁ = 0.9, β₂ = 0.999, ε = 1e-8 and the given clip norm (+∞: no clipping). */
  public static Adam of(ParameterLayout layout, double clipNorm) {
    return of(layout, 0.9, 0.999, 1e-8, clipNorm);
  }

  public static Adam of(ParameterLayout layout, double beta1, double beta2, double epsilon, double clipNorm) {
    if (layout == null) {
      throw new IllegalArgumentException("layout must not be null");
    }
    if (!(beta1 >= 0 && beta1 < 1)) {
      throw new IllegalArgumentException("beta1 is " + beta1 + ", expected a value in [0, 1)");
    }
    if (!(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("beta2 is " + beta2 + ", expected a value in [0, 1)");
    }
    Checks.positive("epsilon", epsilon);
    if (!(clipNorm > 0)) {
      throw new IllegalArgumentException("clipNorm is " + clipNorm + ", expected a value > 0 (+Infinity for no clipping)");
    }
    return new Adam(layout, beta1, beta2, epsilon, clipNorm);
  }

  private static int[] runs(ParameterLayout layout) {
    List<ParameterBlock> blocks = layout.blocks();
    int[] runs = new int[2 * blocks.size()];
    int count = 0;
    for (ParameterBlock b : blocks) {
      if (!b.frozen()) {
        runs[count++] = b.offset();
        runs[count++] = b.offset() + b.size();
      }
    }
    return java.util.Arrays.copyOf(runs, count);
  }

  /** The global ℓ2 norm of {@code grad} over trainable entries. */
  public double trainableNorm(double[] grad) {
    Checks.exactLength("grad", grad, m.length);
    return norm(grad);
  }

  private double norm(double[] grad) {
    double scale = 0.0;
    for (int r = 0; r < runs.length; r += 2) {
      for (int k = runs[r]; k < runs[r + 1]; k++) {
        scale = Math.max(scale, Math.abs(grad[k]));
      }
    }
    if (scale == 0.0 || !Double.isFinite(scale)) {
      return scale;
    }
    // Scaled sum of squares: no overflow for large gradients.
    double sum = 0.0;
    for (int r = 0; r < runs.length; r += 2) {
      for (int k = runs[r]; k < runs[r + 1]; k++) {
        double g = grad[k] / scale;
        sum += g * g;
      }
    }
    return scale * Math.sqrt(sum);
  }

  /** Number of updates since the optimiser was made or last reset. */
  public int updates() {
    return t;
  }

  /** Forgets the moments and the step count, as a newly made optimiser would. */
  public void reset() {
    java.util.Arrays.fill(m, 0.0);
    java.util.Arrays.fill(v, 0.0);
    t = 0;
  }

  /**
   * One update of {@code params} in place with learning rate {@code rate}, clipping {@code grad}
   * first (the array is not modified). Returns the gradient norm before clipping.
   */
  public double step(double[] params, double[] grad, double rate) {
    Checks.exactLength("params", params, m.length);
    double norm = trainableNorm(grad);
    apply(params, grad, rate, clipScale(norm));
    return norm;
  }

  /**
   * The same update as {@link #step}, without returning the norm: without clipping (an infinite
   * clip norm) the norm is not computed, which saves a pass over the gradient on every step.
   */
  public void update(double[] params, double[] grad, double rate) {
    Checks.exactLength("params", params, m.length);
    Checks.exactLength("grad", grad, m.length);
    apply(params, grad, rate, clipNorm == Double.POSITIVE_INFINITY ? 1.0 : clipScale(norm(grad)));
  }

  /** The factor that brings a gradient of global norm {@code norm} down to the clip norm. */
  private double clipScale(double norm) {
    return norm > clipNorm ? clipNorm / norm : 1.0;
  }

  private void apply(double[] params, double[] grad, double rate, double scale) {
    t++;
    double c1 = 1.0 - Math.pow(beta1, t);
    double c2 = 1.0 - Math.pow(beta2, t);
    for (int r = 0; r < runs.length; r += 2) {
      updateRun(params, grad, runs[r], runs[r + 1], scale, rate, c1, c2);
    }
  }

  private void updateRun(double[] params, double[] grad, int from, int to, double scale, double rate, double c1, double c2) {
    double[] m = this.m;
    double[] v = this.v;
    for (int k = from; k < to; k++) {
      double g = grad[k] * scale;
      m[k] = beta1 * m[k] + (1.0 - beta1) * g;
      v[k] = beta2 * v[k] + (1.0 - beta2) * g * g;
      params[k] -= rate * (m[k] / c1) / (Math.sqrt(v[k] / c2) + epsilon);
    }
  }
}
