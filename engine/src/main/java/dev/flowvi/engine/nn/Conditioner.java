package dev.flowvi.engine.nn;

import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;

/**
 * A network that maps a feature-major batch of inputs (plus optional conditioning inputs) to the
 * raw transformer parameters of a flow layer.
 *
 * <p>Batches follow the engine convention: row j of {@code x} is {@code x[j*n .. j*n+n)}. The
 * conditioning batch {@code cond} has {@link #conditionDim()} rows, or is null when that is 0.
 * {@link #forward} saves its activations in the workspace; {@link #backward} must follow it with
 * the same workspace, parameters and n.
 */
public interface Conditioner {

  /** Number of (autoregressive or pass-through) input coordinates. */
  int inputDim();

  /** Number of conditioning coordinates, appended after the inputs. */
  int conditionDim();

  int outputDim();

  int parameterCount();

  /** Adds this network's blocks, e.g. {@code prefix + "layer0.weight"}, to the layout. */
  void describeParameters(ParameterLayout.Builder layout, String prefix);

  /** Hidden weights random, biases zero, and the output layer exactly zero. */
  void initialise(double[] params, int offset, RandomStream rng);

  Workspace newWorkspace(int capacity);

  /** Writes outputDim·n values into {@code out}. */
  void forward(double[] params, int offset, double[] x, double[] cond, double[] out, int n, Workspace ws);

  /**
   * From dL/d(out), writes dL/dx into {@code gradX} (inputDim·n, or null to skip) and adds
   * dL/d(params) into {@code gradParams} at {@code offset} (or null to skip).
   */
  void backward(double[] params, int offset, double[] gradOut, double[] gradX, double[] gradParams, int n, Workspace ws);
}
