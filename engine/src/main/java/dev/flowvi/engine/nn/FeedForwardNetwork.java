package dev.flowvi.engine.nn;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;

/**
 * A stack of dense layers with an activation after each hidden layer and an optional connection
 * mask per layer: the shared machinery of {@link Mlp} and {@link Made}.
 *
 * <p>Parameters, per layer l: W_l (out × in, row-major) then b_l (out). The inputs seen by the
 * first layer are the inputs followed by the conditioning inputs.
 */
public abstract class FeedForwardNetwork implements Conditioner {
  private final int inputDim;
  private final int conditionDim;
  private final int[] sizes;
  private final boolean[][] masks;
  private final Activation activation;
  private final DenseKernels kernels;
  private final int[] weightOffsets;
  private final int[] biasOffsets;
  private final int parameterCount;

  /** {@code sizes} = [inputDim + conditionDim, hidden..., outputDim]; {@code masks[l]} may be null. */
  FeedForwardNetwork(int inputDim, int conditionDim, int[] sizes, boolean[][] masks, Activation activation) {
    if (activation == null) {
      throw new IllegalArgumentException("activation must not be null (expected RELU, TANH or ELU)");
    }
    this.inputDim = inputDim;
    this.conditionDim = conditionDim;
    this.sizes = sizes.clone();
    this.masks = masks;
    this.activation = activation;
    this.kernels = DenseKernels.preferred();
    int layers = sizes.length - 1;
    weightOffsets = new int[layers];
    biasOffsets = new int[layers];
    int next = 0;
    for (int l = 0; l < layers; l++) {
      weightOffsets[l] = next;
      next = Math.addExact(next, Math.multiplyExact(sizes[l + 1], sizes[l]));
      biasOffsets[l] = next;
      next = Math.addExact(next, sizes[l + 1]);
    }
    parameterCount = next;
  }

  static int[] sizes(int inputs, int width, int depth, int outputs) {
    Checks.positive("outputDim", outputs);
    if (depth < 0) {
      throw new IllegalArgumentException("depth is " + depth + ", expected at least 0 hidden layers");
    }
    if (depth > 0) {
      Checks.positive("width", width);
    }
    int[] s = new int[depth + 2];
    s[0] = inputs;
    for (int l = 1; l <= depth; l++) {
      s[l] = width;
    }
    s[depth + 1] = outputs;
    return s;
  }

  static void nonNegative(String name, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " is " + value + ", expected at least 0");
    }
  }

  @Override
  public int inputDim() {
    return inputDim;
  }

  @Override
  public int conditionDim() {
    return conditionDim;
  }

  @Override
  public int outputDim() {
    return sizes[sizes.length - 1];
  }

  @Override
  public int parameterCount() {
    return parameterCount;
  }

  public Activation activation() {
    return activation;
  }

  /** Number of dense layers, the output layer included. */
  public int layerCount() {
    return sizes.length - 1;
  }

  /** Units per layer: [inputs + conditioning inputs, hidden..., outputs]. */
  public int[] sizes() {
    return sizes.clone();
  }

  /** The connection mask of layer l (out × in, row-major), or null when it is dense. */
  public boolean[] mask(int layer) {
    return masks == null || masks[layer] == null ? null : masks[layer].clone();
  }

  @Override
  public void describeParameters(ParameterLayout.Builder layout, String prefix) {
    for (int l = 0; l < layerCount(); l++) {
      layout.add(prefix + "layer" + l + ".weight", sizes[l + 1], sizes[l]);
      layout.add(prefix + "layer" + l + ".bias", sizes[l + 1]);
    }
  }

  /**
   * Hidden weights uniform on ±limit with limit = √(6/fan_in) for ReLU and ELU (He et al. 2015)
   * and √(6/(fan_in + fan_out)) for tanh (Glorot and Bengio 2010); fan_in counts only the
   * unmasked connections of a row. Biases and the whole output layer are zero, so the flow
   * starts at its transformer's identity.
   */
  @Override
  public void initialise(double[] params, int offset, RandomStream rng) {
    Checks.params(params, offset, parameterCount);
    java.util.Arrays.fill(params, offset, offset + parameterCount, 0.0);
    for (int l = 0; l < layerCount() - 1; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      boolean[] m = masks == null ? null : masks[l];
      for (int o = 0; o < out; o++) {
        int fanIn = 0;
        for (int k = 0; k < in; k++) {
          fanIn += m == null || m[o * in + k] ? 1 : 0;
        }
        if (fanIn == 0) {
          continue;
        }
        double limit = activation == Activation.TANH ? Math.sqrt(6.0 / (fanIn + out)) : Math.sqrt(6.0 / fanIn);
        for (int k = 0; k < in; k++) {
          if (m == null || m[o * in + k]) {
            params[offset + weightOffsets[l] + o * in + k] = limit * (2.0 * rng.nextDouble() - 1.0);
          }
        }
      }
    }
  }

  @Override
  public Workspace newWorkspace(int capacity) {
    Checks.positive("capacity", capacity);
    return new NetworkWorkspace(capacity, sizes);
  }

  private NetworkWorkspace workspace(Workspace ws, int n) {
    if (!(ws instanceof NetworkWorkspace)) {
      throw new IllegalArgumentException(
          "workspace is " + (ws == null ? "null" : ws.getClass().getSimpleName()) + ", expected one from this network's newWorkspace");
    }
    NetworkWorkspace w = (NetworkWorkspace) ws;
    if (!w.fits(sizes)) {
      throw new IllegalArgumentException("workspace was made for another network shape; use this network's newWorkspace");
    }
    Checks.batchSize(n, w);
    return w;
  }

  @Override
  public void forward(double[] params, int offset, double[] x, double[] cond, double[] out, int n, Workspace ws) {
    NetworkWorkspace w = workspace(ws, n);
    Checks.params(params, offset, parameterCount);
    Checks.batch("x", x, inputDim, n);
    if (conditionDim > 0) {
      Checks.batch("cond", cond, conditionDim, n);
    }
    Checks.batch("out", out, outputDim(), n);
    // The first layer reads one contiguous block: inputs, then conditioning inputs, stride n.
    System.arraycopy(x, 0, w.input, 0, inputDim * n);
    if (conditionDim > 0) {
      System.arraycopy(cond, 0, w.input, inputDim * n, conditionDim * n);
    }
    double[] prev = w.input;
    int last = layerCount() - 1;
    for (int l = 0; l < last; l++) {
      kernels.dense(params, offset + weightOffsets[l], params, offset + biasOffsets[l], maskOf(l),
          sizes[l + 1], sizes[l], prev, 0, w.pre[l], 0, n);
      kernels.activate(activation, w.pre[l], 0, w.post[l], 0, sizes[l + 1] * n);
      prev = w.post[l];
    }
    kernels.dense(params, offset + weightOffsets[last], params, offset + biasOffsets[last], maskOf(last),
        sizes[last + 1], sizes[last], prev, 0, out, 0, n);
  }

  @Override
  public void backward(double[] params, int offset, double[] gradOut, double[] gradX, double[] gradParams, int n, Workspace ws) {
    NetworkWorkspace w = workspace(ws, n);
    Checks.params(params, offset, parameterCount);
    Checks.batch("gradOut", gradOut, outputDim(), n);
    if (gradX != null) {
      Checks.batch("gradX", gradX, inputDim, n);
    }
    if (gradParams != null) {
      Checks.params("gradParams", gradParams, offset, parameterCount);
    }
    double[] gy = gradOut;
    for (int l = layerCount() - 1; l >= 0; l--) {
      double[] in = l == 0 ? w.input : w.post[l - 1];
      double[] gx = l == 0 ? (gradX == null ? null : w.gradInput) : w.gradPost;
      kernels.denseBackward(params, offset + weightOffsets[l], maskOf(l), sizes[l + 1], sizes[l], in, 0, gy, 0,
          gx, 0, gradParams, offset + weightOffsets[l], gradParams, offset + biasOffsets[l], n);
      if (l > 0) {
        kernels.activateBackward(activation, w.pre[l - 1], 0, w.post[l - 1], 0, w.gradPost, 0, w.gradPre, 0, sizes[l] * n);
        gy = w.gradPre;
      }
    }
    if (gradX != null) {
      System.arraycopy(w.gradInput, 0, gradX, 0, inputDim * n);
    }
  }

  private boolean[] maskOf(int l) {
    return masks == null ? null : masks[l];
  }

  /** Saved pre- and post-activations of every hidden layer, and the backward scratch rows. */
  static final class NetworkWorkspace implements Workspace {
    private final int capacity;
    private final int[] sizes;
    final double[] input;
    final double[] gradInput;
    final double[][] pre;
    final double[][] post;
    final double[] gradPre;
    final double[] gradPost;

    NetworkWorkspace(int capacity, int[] sizes) {
      this.capacity = capacity;
      this.sizes = sizes.clone();
      int hidden = sizes.length - 2;
      int widest = 1;
      pre = new double[hidden][];
      post = new double[hidden][];
      for (int l = 0; l < hidden; l++) {
        pre[l] = new double[Math.multiplyExact(sizes[l + 1], capacity)];
        post[l] = new double[pre[l].length];
        widest = Math.max(widest, sizes[l + 1]);
      }
      input = new double[Math.multiplyExact(sizes[0], capacity)];
      gradInput = new double[input.length];
      gradPre = new double[Math.multiplyExact(widest, capacity)];
      gradPost = new double[gradPre.length];
    }

    boolean fits(int[] shape) {
      return java.util.Arrays.equals(sizes, shape);
    }

    @Override
    public int capacity() {
      return capacity;
    }
  }
}
