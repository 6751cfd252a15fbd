package dev.flowvi.engine.flow;

import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.bijection.Transformer;
import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.nn.Activation;
import dev.flowvi.engine.nn.Made;
import dev.flowvi.engine.random.RandomStream;
import java.util.Arrays;

/**
 * Masked autoregressive layer (Papamakarios et al. 2017): y_j = τ(x_j; θ_j(x_{&lt;j}, cond)), with
 * θ from a {@link Made} network plus the transformer's identity parameters.
 *
 * <p>Forward is one network pass. The inverse needs D passes: pass i sees x_{&lt;i} final and fixes
 * x_i. The last pass already sees every input any output depends on, so its outputs (and saved
 * activations) are those of the final x, and it yields every coordinate and the log-det.
 *
 * <p>The inverse's backward pass uses y = F(x): with J = ∂F/∂x lower triangular, dL/dy = J^{−T}a
 * where a is dL/dx including the log-det's dependence on x; J^T v = a is solved by back
 * substitution, each step one vector–Jacobian product through the network (D−1 network backward
 * passes, plus two for the parameters).
 */
public final class MaskedAutoregressive implements Bijection {
  private final Transformer transformer;
  private final Made network;
  private final RawParameters raw;
  private final int dim;
  private final int p;

  private MaskedAutoregressive(Transformer transformer, Made network) {
    this.transformer = transformer;
    this.network = network;
    this.raw = new RawParameters(transformer);
    this.dim = network.inputDim();
    this.p = transformer.parameterCount();
  }

  /**
   * @param conditionDim conditioning inputs (0 for none)
   * @param width hidden units per layer (FlowJAX default 50)
   * @param depth hidden layers (FlowJAX default 1, with ReLU)
   */
  public static MaskedAutoregressive of(Transformer transformer, int dim, int conditionDim, int width, int depth, Activation activation) {
    if (transformer == null) {
      throw new IllegalArgumentException("transformer must not be null (expected e.g. AffineTransformer.withScaleFloor())");
    }
    Checks.positive("transformer.parameterCount()", transformer.parameterCount());
    return new MaskedAutoregressive(transformer, Made.of(dim, conditionDim, transformer.parameterCount(), width, depth, activation));
  }

  public Transformer transformer() {
    return transformer;
  }

  public Made network() {
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
    return "MaskedAutoregressive(" + transformer.name() + ")";
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
    network.forward(params, offset, x, cond, s.raw, n, s.net);
    raw.addIdentity(s.raw, dim, n);
    for (int j = 0; j < dim; j++) {
      transformer.forward(s.raw, j * p * n, n, x, j * n, y, j * n, logDet, n);
    }
  }

  @Override
  public void forwardBackward(double[] params, int offset, double[] x, double[] cond, double[] y,
      double[] gradY, double[] gradLogDet, double[] gradX, double[] gradParams, int n, Workspace ws) {
    Scratch s = PassChecks.workspace(Scratch.class, ws, this);
    PassChecks.pass(this, params, offset, "x", x, cond, "y", y, null, n, ws);
    PassChecks.backward(this, gradY, "gradY", gradLogDet, gradX, "gradX", gradParams, offset, n);
    for (int j = 0; j < dim; j++) {
      transformer.forwardBackward(s.raw, j * p * n, n, x, j * n, y, j * n, gradY, j * n, gradLogDet,
          gradX, j * n, s.gradRaw, j * p * n, n);
    }
    network.backward(params, offset, s.gradRaw, s.gradNetX, gradParams, n, s.net);
    for (int k = 0; k < dim * n; k++) {
      gradX[k] += s.gradNetX[k];
    }
  }

  @Override
  public void inverse(double[] params, int offset, double[] y, double[] cond, double[] x, double[] logDet, int n, Workspace ws) {
    Scratch s = PassChecks.workspace(Scratch.class, ws, this);
    PassChecks.pass(this, params, offset, "y", y, cond, "x", x, logDet, n, ws);
    Arrays.fill(x, 0, dim * n, 0.0);
    for (int i = 0; i < dim; i++) {
      network.forward(params, offset, x, cond, s.raw, n, s.net);
      raw.addIdentity(s.raw, dim, n);
      if (i < dim - 1) {
        Arrays.fill(s.perPoint, 0, n, 0.0);
        transformer.inverse(s.raw, i * p * n, n, y, i * n, x, i * n, s.perPoint, n);
      } else {
        for (int j = 0; j < dim; j++) {
          transformer.inverse(s.raw, j * p * n, n, y, j * n, x, j * n, logDet, n);
        }
      }
    }
  }

  @Override
  public void inverseBackward(double[] params, int offset, double[] y, double[] cond, double[] x,
      double[] gradX, double[] gradLogDet, double[] gradY, double[] gradParams, int n, Workspace ws) {
    Scratch s = PassChecks.workspace(Scratch.class, ws, this);
    PassChecks.pass(this, params, offset, "y", y, cond, "x", x, null, n, ws);
    PassChecks.backward(this, gradX, "gradX", gradLogDet, gradY, "gradY", gradParams, offset, n);
    // log τ'_j(x_j): the diagonal of J.
    for (int j = 0; j < dim; j++) {
      Arrays.fill(s.perPoint, 0, n, 0.0);
      transformer.forward(s.raw, j * p * n, n, x, j * n, s.discard, 0, s.perPoint, n);
      System.arraycopy(s.perPoint, 0, s.logDiag, j * n, n);
    }
    // The inverse's log-det is −log|det J(x)|: its gradient is that of the forward log-det, negated.
    for (int i = 0; i < n; i++) {
      s.perPoint[i] = -gradLogDet[i];
    }
    Arrays.fill(s.zeros, 0, dim * n, 0.0);
    for (int j = 0; j < dim; j++) {
      transformer.forwardBackward(s.raw, j * p * n, n, x, j * n, y, j * n, s.zeros, j * n, s.perPoint,
          s.total, j * n, s.gradRaw, j * p * n, n);
    }
    network.backward(params, offset, s.gradRaw, s.gradNetX, gradParams, n, s.net);
    for (int k = 0; k < dim * n; k++) {
      s.total[k] += gradX[k] + s.gradNetX[k];
    }
    // Back substitution for J^T v = total, last coordinate first; gradRaw accumulates the rows
    // of ∂F/∂θ^T v found so far, the others zero.
    Arrays.fill(s.zeros, 0, n, 0.0);
    Arrays.fill(s.gradRaw, 0, dim * p * n, 0.0);
    for (int j = dim - 1; j >= 0; j--) {
      if (j < dim - 1) {
        network.backward(params, offset, s.gradRaw, s.gradNetX, null, n, s.net);
      }
      for (int i = 0; i < n; i++) {
        double offDiagonal = j < dim - 1 ? s.gradNetX[j * n + i] : 0.0;
        gradY[j * n + i] = (s.total[j * n + i] - offDiagonal) * Math.exp(-s.logDiag[j * n + i]);
      }
      transformer.forwardBackward(s.raw, j * p * n, n, x, j * n, y, j * n, gradY, j * n, s.zeros,
          s.discard, 0, s.gradRaw, j * p * n, n);
    }
    // x moves by −J^{−1} ∂F/∂θ dθ when θ moves: dL/dθ gains −(∂F/∂θ)^T v.
    for (int k = 0; k < dim * p * n; k++) {
      s.gradRaw[k] = -s.gradRaw[k];
    }
    network.backward(params, offset, s.gradRaw, null, gradParams, n, s.net);
  }

  /** Network activations, raw parameters and backward scratch. */
  final class Scratch implements LayerWorkspace {
    private final int capacity;
    final Workspace net;
    final double[] raw;
    final double[] gradRaw;
    final double[] gradNetX;
    final double[] total;
    final double[] logDiag;
    final double[] zeros;
    final double[] perPoint;
    final double[] discard;

    Scratch(int capacity) {
      Checks.positive("capacity", capacity);
      this.capacity = capacity;
      net = network.newWorkspace(capacity);
      raw = new double[Math.multiplyExact(dim * p, capacity)];
      gradRaw = new double[raw.length];
      gradNetX = new double[dim * capacity];
      total = new double[dim * capacity];
      logDiag = new double[dim * capacity];
      zeros = new double[dim * capacity];
      perPoint = new double[capacity];
      discard = new double[capacity];
    }

    @Override
    public int capacity() {
      return capacity;
    }

    @Override
    public Object owner() {
      return MaskedAutoregressive.this;
    }
  }
}
