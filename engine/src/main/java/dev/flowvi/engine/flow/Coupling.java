package dev.flowvi.engine.flow;

import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.bijection.Transformer;
import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.nn.Activation;
import dev.flowvi.engine.nn.Mlp;
import dev.flowvi.engine.random.RandomStream;

/**
 * Coupling layer (Dinh et al. 2017): the first ⌊D/2⌋ coordinates pass through unchanged and,
 * with the conditioning inputs, feed an {@link Mlp} whose output (plus the transformer's identity
 * parameters) parameterises the transformer of each remaining coordinate. Both directions take
 * one network pass.
 */
public final class Coupling implements Bijection {
  private final Transformer transformer;
  private final Mlp network;
  private final RawParameters raw;
  private final int dim;
  private final int untransformed;
  private final int p;

  private Coupling(Transformer transformer, int dim, Mlp network) {
    this.transformer = transformer;
    this.network = network;
    this.raw = new RawParameters(transformer);
    this.dim = dim;
    this.untransformed = dim / 2;
    this.p = transformer.parameterCount();
  }

  /**
   * @param conditionDim conditioning inputs (0 for none)
   * @param width hidden units per layer (FlowJAX default 50)
   * @param depth hidden layers (FlowJAX default 1, with ReLU)
   */
  public static Coupling of(Transformer transformer, int dim, int conditionDim, int width, int depth, Activation activation) {
    if (transformer == null) {
      throw new IllegalArgumentException("transformer must not be null (expected e.g. AffineTransformer.withScaleFloor())");
    }
    Checks.positive("dim", dim);
    Checks.positive("transformer.parameterCount()", transformer.parameterCount());
    int d1 = dim / 2;
    return new Coupling(transformer, dim,
        Mlp.of(d1, conditionDim, Math.multiplyExact(dim - d1, transformer.parameterCount()), width, depth, activation));
  }

  public Transformer transformer() {
    return transformer;
  }

  public Mlp network() {
    return network;
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public int conditionDim() {
    return network.conditionDim();
  }

  @Override
  public int parameterCount() {
    return network.parameterCount();
  }

  @Override
  public String name() {
    return "Coupling(" + transformer.name() + ")";
  }

  @Override
  public void describeParameters(ParameterLayout.Builder layout, String prefix) {
    network.describeParameters(layout, prefix + "conditioner.");
  }

  @Override
  public void initialise(double[] params, int offset, RandomStream rng) {
    network.initialise(params, offset, rng);
  }

  @Override
  public Workspace newWorkspace(int capacity) {
    return new Scratch(capacity);
  }

  @Override
  public void forward(double[] params, int offset, double[] x, double[] cond, double[] y, double[] logDet, int n, Workspace ws) {
    Scratch s = PassChecks.workspace(Scratch.class, ws, this);
    PassChecks.pass(this, params, offset, "x", x, cond, "y", y, logDet, n, ws);
    int d1 = untransformed;
    System.arraycopy(x, 0, y, 0, d1 * n);
    network.forward(params, offset, x, cond, s.raw, n, s.net);
    raw.addIdentity(s.raw, dim - d1, n);
    for (int j = d1; j < dim; j++) {
      transformer.forward(s.raw, (j - d1) * p * n, n, x, j * n, y, j * n, logDet, n);
    }
  }

  @Override
  public void forwardBackward(double[] params, int offset, double[] x, double[] cond, double[] y,
      double[] gradY, double[] gradLogDet, double[] gradX, double[] gradParams, int n, Workspace ws) {
    Scratch s = PassChecks.workspace(Scratch.class, ws, this);
    PassChecks.pass(this, params, offset, "x", x, cond, "y", y, null, n, ws);
    PassChecks.backward(this, gradY, "gradY", gradLogDet, gradX, "gradX", gradParams, offset, n);
    int d1 = untransformed;
    for (int j = d1; j < dim; j++) {
      transformer.forwardBackward(s.raw, (j - d1) * p * n, n, x, j * n, y, j * n, gradY, j * n, gradLogDet,
          gradX, j * n, s.gradRaw, (j - d1) * p * n, n);
    }
    network.backward(params, offset, s.gradRaw, d1 > 0 ? s.gradNetX : null, gradParams, n, s.net);
    for (int k = 0; k < d1 * n; k++) {
      gradX[k] = gradY[k] + s.gradNetX[k];
    }
  }

  @Override
  public void inverse(double[] params, int offset, double[] y, double[] cond, double[] x, double[] logDet, int n, Workspace ws) {
    Scratch s = PassChecks.workspace(Scratch.class, ws, this);
    PassChecks.pass(this, params, offset, "y", y, cond, "x", x, logDet, n, ws);
    int d1 = untransformed;
    System.arraycopy(y, 0, x, 0, d1 * n);
    network.forward(params, offset, y, cond, s.raw, n, s.net);
    raw.addIdentity(s.raw, dim - d1, n);
    for (int j = d1; j < dim; j++) {
      transformer.inverse(s.raw, (j - d1) * p * n, n, y, j * n, x, j * n, logDet, n);
    }
  }

  @Override
  public void inverseBackward(double[] params, int offset, double[] y, double[] cond, double[] x,
      double[] gradX, double[] gradLogDet, double[] gradY, double[] gradParams, int n, Workspace ws) {
    Scratch s = PassChecks.workspace(Scratch.class, ws, this);
    PassChecks.pass(this, params, offset, "y", y, cond, "x", x, null, n, ws);
    PassChecks.backward(this, gradX, "gradX", gradLogDet, gradY, "gradY", gradParams, offset, n);
    int d1 = untransformed;
    for (int j = d1; j < dim; j++) {
      transformer.inverseBackward(s.raw, (j - d1) * p * n, n, y, j * n, x, j * n, gradX, j * n, gradLogDet,
          gradY, j * n, s.gradRaw, (j - d1) * p * n, n);
    }
    network.backward(params, offset, s.gradRaw, d1 > 0 ? s.gradNetX : null, gradParams, n, s.net);
    for (int k = 0; k < d1 * n; k++) {
      gradY[k] = gradX[k] + s.gradNetX[k];
    }
  }

  /** Network activations and the transformer's raw parameters and their gradient. */
  final class Scratch implements LayerWorkspace {
    private final int capacity;
    final Workspace net;
    final double[] raw;
    final double[] gradRaw;
    final double[] gradNetX;

    Scratch(int capacity) {
      Checks.positive("capacity", capacity);
      this.capacity = capacity;
      net = network.newWorkspace(capacity);
      raw = new double[Math.multiplyExact((dim - untransformed) * p, capacity)];
      gradRaw = new double[raw.length];
      gradNetX = new double[Math.max(1, untransformed) * capacity];
    }

    @Override
    public int capacity() {
      return capacity;
    }

    @Override
    public Object owner() {
      return Coupling.this;
    }
  }
}
