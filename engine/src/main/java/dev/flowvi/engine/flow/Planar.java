package dev.flowvi.engine.flow;

import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.nn.Activation;
import dev.flowvi.engine.nn.Mlp;
import dev.flowvi.engine.nn.Softplus;
import dev.flowvi.engine.random.RandomStream;

/**
 * Planar flow (Rezende and Mohamed 2015, eq. 10): y = x + û·h(wᵀx + b), log|det| = log(1 + h'(a)·wᵀû).
 *
 * <p>û = u + (m(wᵀu) − wᵀu)·w/‖w‖² with m(α) = softplus(α) − 1 (their appendix A), so wᵀû = m(wᵀu)
 * &gt; −1 and the map is invertible for h = tanh and for leaky ReLU.
 *
 * <p>Inverse: writing a = wᵀx + b, the point satisfies a + m·h(a) = wᵀy + b (m = wᵀû), a strictly
 * increasing scalar equation. Leaky ReLU solves it in closed form; tanh by safeguarded Newton on
 * the bracket |a − c| ≤ |m|. Gradients of both follow from the implicit function theorem.
 *
 * <p>With conditioning, an {@link Mlp} of the conditioning inputs adds a per-point offset to
 * (w, u, b); its output layer starts at zero. Parameters: w (D), u (D), b, then the network.
 * Initially u = softplus⁻¹(1)·w/‖w‖², which makes û = 0: the layer starts as the identity.
 */
public final class Planar implements Bijection {
  /** The scalar nonlinearity h. */
  public enum Nonlinearity {
    TANH,
    /** h(a) = a for a ≥ 0, 0.01·a otherwise: closed-form inverse. */
    LEAKY_RELU;

    static final double LEAK = 0.01;
  }

  private static final int MAX_NEWTON_STEPS = 200;

  private final int dim;
  private final Nonlinearity h;
  private final Mlp network;
  private final int rows;

  private Planar(int dim, Nonlinearity h, Mlp network) {
    this.dim = dim;
    this.h = h;
    this.network = network;
    this.rows = 2 * dim + 1;
  }

  public static Planar of(int dim, Nonlinearity h) {
    Checks.positive("dim", dim);
    return new Planar(dim, checked(h), null);
  }

  /** A planar layer whose (w, u, b) are shifted per point by an Mlp of the conditioning inputs. */
  public static Planar conditional(int dim, int conditionDim, Nonlinearity h, int width, int depth, Activation activation) {
    Checks.positive("dim", dim);
    Checks.positive("conditionDim", conditionDim);
    return new Planar(dim, checked(h), Mlp.of(0, conditionDim, 2 * dim + 1, width, depth, activation));
  }

  private static Nonlinearity checked(Nonlinearity h) {
    if (h == null) {
      throw new IllegalArgumentException("nonlinearity must not be null (expected TANH or LEAKY_RELU)");
    }
    return h;
  }

  @Override
  public int dim() {
    return dim;
  }

  /** The scalar nonlinearity h (for the flow compiler). */
  public Nonlinearity nonlinearity() {
    return h;
  }

  /** The conditioner of (w, u, b), or null for an unconditional layer. */
  public Mlp network() {
    return network;
  }

  @Override
  public int conditionDim() {
    return network == null ? 0 : network.conditionDim();
  }

  @Override
  public int parameterCount() {
    return rows + (network == null ? 0 : network.parameterCount());
  }

  @Override
  public String name() {
    return "Planar(" + h + ")";
  }

  @Override
  public void describeParameters(ParameterLayout.Builder layout, String prefix) {
    layout.add(prefix + "w", dim);
    layout.add(prefix + "u", dim);
    layout.add(prefix + "b", 1);
    if (network != null) {
      network.describeParameters(layout, prefix + "conditioner.");
    }
  }

  @Override
  public void initialise(double[] params, int offset, RandomStream rng) {
    Checks.params(params, offset, parameterCount());
    double limit = 1.0 / Math.sqrt(dim);
    double q = 0;
    for (int j = 0; j < dim; j++) {
      double w = limit * (2 * rng.nextDouble() - 1);
      // Keep ‖w‖ away from 0, where û's correction term divides by ‖w‖².
      w = w >= 0 ? w + 0.1 * limit : w - 0.1 * limit;
      params[offset + j] = w;
      q += w * w;
    }
    double c = Softplus.inverse(1.0) / q;
    for (int j = 0; j < dim; j++) {
      params[offset + dim + j] = c * params[offset + j];
    }
    params[offset + 2 * dim] = 0.0;
    if (network != null) {
      network.initialise(params, offset + rows, rng);
    }
  }

  @Override
  public Workspace newWorkspace(int capacity) {
    return new Scratch(capacity);
  }

  private double value(double a) {
    return h == Nonlinearity.TANH ? Math.tanh(a) : (a >= 0 ? a : Nonlinearity.LEAK * a);
  }

  private double slope(double a) {
    if (h == Nonlinearity.TANH) {
      double t = Math.tanh(a);
      return 1 - t * t;
    }
    return a >= 0 ? 1.0 : Nonlinearity.LEAK;
  }

  private double curvature(double a) {
    if (h == Nonlinearity.TANH) {
      double t = Math.tanh(a);
      return -2 * t * (1 - t * t);
    }
    return 0.0;
  }

  /** Fills the per-point (w, u, b) rows: the shared values plus the network's offsets. */
  private void pointParameters(double[] params, int offset, double[] cond, int n, Scratch s) {
    if (network != null) {
      network.forward(params, offset + rows, s.empty, cond, s.pp, n, s.net);
    } else {
      java.util.Arrays.fill(s.pp, 0, rows * n, 0.0);
    }
    for (int r = 0; r < rows; r++) {
      double v = params[offset + r];
      for (int i = 0; i < n; i++) {
        s.pp[r * n + i] += v;
      }
    }
  }

  /** û, m = wᵀû and the pieces of û's derivative for point i, into s.uHat and s.scalars. */
  private void constrain(Scratch s, int i, int n) {
    double alpha = 0;
    double q = 0;
    for (int j = 0; j < dim; j++) {
      double w = s.pp[j * n + i];
      alpha += w * s.pp[(dim + j) * n + i];
      q += w * w;
    }
    double m = Softplus.value(alpha) - 1;
    double k = (m - alpha) / q;
    for (int j = 0; j < dim; j++) {
      s.uHat[j] = s.pp[(dim + j) * n + i] + k * s.pp[j * n + i];
    }
    s.alpha = alpha;
    s.q = q;
    s.m = m;
    s.k = k;
  }

  @Override
  public void forward(double[] params, int offset, double[] x, double[] cond, double[] y, double[] logDet, int n, Workspace ws) {
    Scratch s = PassChecks.workspace(Scratch.class, ws, this);
    PassChecks.pass(this, params, offset, "x", x, cond, "y", y, logDet, n, ws);
    pointParameters(params, offset, cond, n, s);
    for (int i = 0; i < n; i++) {
      constrain(s, i, n);
      double a = s.pp[2 * dim * n + i];
      for (int j = 0; j < dim; j++) {
        a += s.pp[j * n + i] * x[j * n + i];
      }
      double hv = value(a);
      for (int j = 0; j < dim; j++) {
        y[j * n + i] = x[j * n + i] + s.uHat[j] * hv;
      }
      logDet[i] += Math.log1p(s.m * slope(a));
      s.a[i] = a;
    }
  }

  @Override
  public void inverse(double[] params, int offset, double[] y, double[] cond, double[] x, double[] logDet, int n, Workspace ws) {
    Scratch s = PassChecks.workspace(Scratch.class, ws, this);
    PassChecks.pass(this, params, offset, "y", y, cond, "x", x, logDet, n, ws);
    pointParameters(params, offset, cond, n, s);
    for (int i = 0; i < n; i++) {
      constrain(s, i, n);
      double c = s.pp[2 * dim * n + i];
      for (int j = 0; j < dim; j++) {
        c += s.pp[j * n + i] * y[j * n + i];
      }
      double a = solve(c, s.m);
      double hv = value(a);
      for (int j = 0; j < dim; j++) {
        x[j * n + i] = y[j * n + i] - s.uHat[j] * hv;
      }
      logDet[i] -= Math.log1p(s.m * slope(a));
      s.a[i] = a;
    }
  }

  /** The root of a + m·h(a) = c, m &gt; −1. */
  double solve(double c, double m) {
    if (h == Nonlinearity.LEAKY_RELU) {
      return c >= 0 ? c / (1 + m) : c / (1 + Nonlinearity.LEAK * m);
    }
    return solveTanh(c, m);
  }

  /**
   * The root of a + m·tanh(a) = c for m &gt; −1: |tanh| &lt; 1 puts it within |m| of c and the
   * left side increases, so Newton steps are kept inside a bracket that shrinks by sign. Public
   * for the flow compiler's tanh layers, so compiled and interpreted inverses take the same steps.
   */
  public static double solveTanh(double c, double m) {
    double lo = c - Math.abs(m);
    double hi = c + Math.abs(m);
    double a = c;
    for (int it = 0; it < MAX_NEWTON_STEPS; it++) {
      double t = Math.tanh(a);
      double f = a + m * t - c;
      if (f == 0) {
        return a;
      }
      if (f > 0) {
        hi = a;
      } else {
        lo = a;
      }
      double next = a - f / (1 + m * (1 - t * t));
      if (!(next > lo && next < hi)) {
        next = 0.5 * (lo + hi);
      }
      if (Math.abs(next - a) <= 1e-15 * (1 + Math.abs(a)) || hi - lo <= 1e-15 * (1 + Math.abs(a))) {
        return next;
      }
      a = next;
    }
    return a;
  }

  @Override
  public void forwardBackward(double[] params, int offset, double[] x, double[] cond, double[] y,
      double[] gradY, double[] gradLogDet, double[] gradX, double[] gradParams, int n, Workspace ws) {
    Scratch s = PassChecks.workspace(Scratch.class, ws, this);
    PassChecks.pass(this, params, offset, "x", x, cond, "y", y, null, n, ws);
    PassChecks.backward(this, gradY, "gradY", gradLogDet, gradX, "gradX", gradParams, offset, n);
    for (int i = 0; i < n; i++) {
      constrain(s, i, n);
      double a = s.a[i];
      double hv = value(a);
      double d1 = 1 + s.m * slope(a);
      double gLd = gradLogDet[i];
      double sy = 0;
      for (int j = 0; j < dim; j++) {
        sy += gradY[j * n + i] * s.uHat[j];
      }
      // a = wᵀx + b; y = x + û h(a); logDet = log(1 + m h'(a)) with m = wᵀû.
      double ga = sy * slope(a) + gLd * s.m * curvature(a) / d1;
      double gm = gLd * slope(a) / d1;
      for (int j = 0; j < dim; j++) {
        double w = s.pp[j * n + i];
        gradX[j * n + i] = gradY[j * n + i] + ga * w;
        s.gUHat[j] = gradY[j * n + i] * hv + gm * w;
        s.gp[j * n + i] = ga * x[j * n + i] + gm * s.uHat[j];
      }
      s.gp[2 * dim * n + i] = ga;
      chainUHat(s, i, n);
    }
    accumulate(params, offset, gradParams, n, s);
  }

  @Override
  public void inverseBackward(double[] params, int offset, double[] y, double[] cond, double[] x,
      double[] gradX, double[] gradLogDet, double[] gradY, double[] gradParams, int n, Workspace ws) {
    Scratch s = PassChecks.workspace(Scratch.class, ws, this);
    PassChecks.pass(this, params, offset, "y", y, cond, "x", x, null, n, ws);
    PassChecks.backward(this, gradX, "gradX", gradLogDet, gradY, "gradY", gradParams, offset, n);
    for (int i = 0; i < n; i++) {
      constrain(s, i, n);
      double a = s.a[i];
      double hv = value(a);
      double slope = slope(a);
      double d1 = 1 + s.m * slope;
      double gLd = gradLogDet[i];
      double sx = 0;
      for (int j = 0; j < dim; j++) {
        sx += gradX[j * n + i] * s.uHat[j];
      }
      // x = y − û h(a), logDet = −log(1 + m h'(a)), and a(c, m) solves a + m h(a) = c with
      // c = wᵀy + b: da = (dc − h(a) dm)/(1 + m h'(a)) by the implicit function theorem.
      double ga = -sx * slope - gLd * s.m * curvature(a) / d1;
      double gc = ga / d1;
      double gm = -gLd * slope / d1 - ga * hv / d1;
      for (int j = 0; j < dim; j++) {
        double w = s.pp[j * n + i];
        gradY[j * n + i] = gradX[j * n + i] + gc * w;
        s.gUHat[j] = -gradX[j * n + i] * hv + gm * w;
        s.gp[j * n + i] = gc * y[j * n + i] + gm * s.uHat[j];
      }
      s.gp[2 * dim * n + i] = gc;
      chainUHat(s, i, n);
    }
    accumulate(params, offset, gradParams, n, s);
  }

  /**
   * Adds dL/dû's contribution to dL/dw (already holding the direct terms) and writes dL/du, with
   * û = u + k·w, k = (m(α) − α)/‖w‖², α = wᵀu, m'(α) = σ(α).
   */
  private void chainUHat(Scratch s, int i, int n) {
    double sw = 0;
    for (int j = 0; j < dim; j++) {
      sw += s.gUHat[j] * s.pp[j * n + i];
    }
    double dkDalpha = (Softplus.derivative(s.alpha) - 1) / s.q;
    double dkDq = -s.k / s.q;
    for (int j = 0; j < dim; j++) {
      double w = s.pp[j * n + i];
      double u = s.pp[(dim + j) * n + i];
      s.gp[j * n + i] += s.k * s.gUHat[j] + sw * (dkDalpha * u + dkDq * 2 * w);
      s.gp[(dim + j) * n + i] = s.gUHat[j] + sw * dkDalpha * w;
    }
  }

  /** Per-point parameter gradients: summed into the shared values, and through the network. */
  private void accumulate(double[] params, int offset, double[] gradParams, int n, Scratch s) {
    for (int r = 0; r < rows; r++) {
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += s.gp[r * n + i];
      }
      gradParams[offset + r] += sum;
    }
    if (network != null) {
      network.backward(params, offset + rows, s.gp, null, gradParams, n, s.net);
    }
  }

  /** Per-point parameters, saved a = wᵀx + b, and per-point gradient rows. */
  final class Scratch implements LayerWorkspace {
    private final int capacity;
    final Workspace net;
    final double[] empty = new double[0];
    final double[] pp;
    final double[] gp;
    final double[] a;
    final double[] uHat = new double[dim];
    final double[] gUHat = new double[dim];
    double alpha;
    double q;
    double m;
    double k;

    Scratch(int capacity) {
      Checks.positive("capacity", capacity);
      this.capacity = capacity;
      net = network == null ? null : network.newWorkspace(capacity);
      pp = new double[Math.multiplyExact(rows, capacity)];
      gp = new double[pp.length];
      a = new double[capacity];
    }

    @Override
    public int capacity() {
      return capacity;
    }

    @Override
    public Object owner() {
      return Planar.this;
    }
  }
}
