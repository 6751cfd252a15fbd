package dev.flowvi.engine.bijection;

import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;

/**
 * An invertible, differentiable map on ℝ^dim, applied to feature-major batches.
 *
 * <p><b>Batches.</b> A batch of n points is a {@code double[]} of at least dim·n entries, with
 * coordinate j of point i at {@code [j*n + i]}. Per-point arrays (log-determinants) hold n entries.
 *
 * <p><b>Parameters.</b> A bijection owns {@link #parameterCount()} consecutive values of a flat
 * vector, starting at {@code offset}. Composites give their parts consecutive sub-blocks. The
 * bijection holds only its topology; the values are always passed in.
 *
 * <p><b>Conditioning.</b> {@code cond} is a feature-major batch of {@link #conditionDim()}
 * coordinates, or {@code null} when {@code conditionDim() == 0}. Its gradient is not computed.
 *
 * <p><b>Pass contract.</b>
 *
 * <ul>
 *   <li>{@code forward} writes {@code y} (overwriting it) and <em>adds</em> log|det ∂y/∂x| to
 *       {@code logDet[i]} for each point. {@code inverse} likewise writes {@code x} and adds
 *       log|det ∂x/∂y|.
 *   <li>Input and output arrays must be different arrays.
 *   <li>A backward pass must follow the pass it differentiates, with the same workspace,
 *       parameters, inputs and n, and no other pass on that workspace in between. It receives
 *       both the input and the output of that pass, plus dL/d(output) and dL/d(logDet) per point.
 *       It <em>writes</em> dL/d(input) (overwriting) and <em>adds</em> dL/d(params) into {@code
 *       gradParams} at {@code offset}. It may read but never writes its other arguments.
 *   <li>Values and gradients are finite for every finite input. Where the maths has no closed
 *       form inverse, the inverse is solved numerically and its gradient comes from the implicit
 *       function theorem.
 * </ul>
 *
 * <p>Bijections are immutable and thread-safe; workspaces are not (one per thread).
 */
public interface Bijection {

  /** Number of coordinates of the input and the output. */
  int dim();

  /** Number of conditioning coordinates; 0 for an unconditional bijection. */
  default int conditionDim() {
    return 0;
  }

  /** Number of parameter values this bijection owns. */
  int parameterCount();

  /** Adds this bijection's named blocks, prefixed by {@code prefix}, to the layout. */
  default void describeParameters(ParameterLayout.Builder layout, String prefix) {
    layout.add(prefix + name(), parameterCount());
  }

  /** Short name for layouts, errors and reports, e.g. "RationalQuadraticSpline". */
  default String name() {
    return getClass().getSimpleName();
  }

  /**
   * Writes initial parameter values at {@code offset}. Transformers start at the exact identity;
   * network weights draw from {@code rng}.
   */
  void initialise(double[] params, int offset, RandomStream rng);

  /** Scratch memory for batches of up to {@code capacity} points. */
  Workspace newWorkspace(int capacity);

  void forward(double[] params, int offset, double[] x, double[] cond, double[] y, double[] logDet, int n, Workspace ws);

  void inverse(double[] params, int offset, double[] y, double[] cond, double[] x, double[] logDet, int n, Workspace ws);

  /** Backward pass of {@link #forward}: from dL/dy and dL/dlogDet, writes dL/dx and adds dL/dparams. */
  void forwardBackward(
      double[] params, int offset, double[] x, double[] cond, double[] y,
      double[] gradY, double[] gradLogDet, double[] gradX, double[] gradParams, int n, Workspace ws);

  /** Backward pass of {@link #inverse}: from dL/dx and dL/dlogDet, writes dL/dy and adds dL/dparams. */
  void inverseBackward(
      double[] params, int offset, double[] y, double[] cond, double[] x,
      double[] gradX, double[] gradLogDet, double[] gradY, double[] gradParams, int n, Workspace ws);
}
