package dev.flowvi.engine.train;

import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;

/**
 * A loss over the flat parameter vector that the trainer evaluates in fixed chunks, possibly on
 * several threads. A chunk covers {@code count} units: fresh samples (ELBO), groups of K samples
 * (importance-weighted ELBO) or data rows (maximum likelihood). Each chunk <em>adds</em> the sum
 * of its per-unit losses and of their gradients; the trainer reduces chunks in chunk order and
 * divides by the total kept units, so the result does not depend on the thread count.
 *
 * <p>Units whose value is non-finite are dropped from the chunk and counted in {@link
 * LossTotals#dropped()}. Implementations are immutable and thread-safe; workspaces are per thread.
 */
public interface ChunkedLoss {

  /** Length of the flat parameter vector. */
  int parameterCount();

  /** The named blocks of the parameter vector (frozen blocks are not trained). */
  ParameterLayout layout();

  /** Scratch for chunks of up to {@code capacity} units. */
  Workspace newWorkspace(int capacity);

  /**
   * Evaluates units {@code [from, from + count)}. Data losses read data rows {@code rows[from ..
   * from + count)}; sampling losses ignore {@code rows} and draw {@code count} fresh units from
   * {@code rng}. Adds the summed loss and counts to {@code totals} and the summed gradient to
   * {@code grad} (null: value only).
   */
  void evaluate(double[] params, int[] rows, int from, int count, RandomStream rng, Workspace ws, double[] grad, LossTotals totals);

  /**
   * Mean loss and mean gradient over {@code count} units in one chunk, on this thread: a
   * convenience for tests and small problems. Writes the mean gradient into {@code grad} (null:
   * value only) and returns the mean loss (NaN when every unit was dropped).
   */
  default double valueAndGradient(double[] params, int[] rows, int count, RandomStream rng, double[] grad) {
    LossTotals totals = new LossTotals();
    if (grad != null) {
      java.util.Arrays.fill(grad, 0.0);
    }
    evaluate(params, rows, 0, count, rng, newWorkspace(count), grad, totals);
    if (grad != null && totals.kept() > 0) {
      double inv = 1.0 / totals.kept();
      for (int k = 0; k < grad.length; k++) {
        grad[k] *= inv;
      }
    }
    return totals.mean();
  }
}
