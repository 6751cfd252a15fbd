package dev.flowvi.engine.flow;

import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.nn.DenseKernels;
import dev.flowvi.engine.nn.Softplus;
import dev.flowvi.engine.random.RandomStream;
import java.util.Arrays;

/**
 * Block neural autoregressive flow (De Cao, Aziz and Titov 2019): y = L_K ∘ σ ∘ … ∘ σ ∘ L_1 (x),
 * where every L_l is block-lower-triangular with one block per dimension (1 × B, B × B, …, B × 1),
 * so y_d depends on x_{≤d} and ∂y_d/∂x_d is a product of the diagonal blocks.
 *
 * <ul>
 *   <li><b>Weights.</b> Raw V_l; the diagonal blocks take softplus(V) &gt; 0, lower blocks V, upper
 *       blocks are absent. Each row is weight-normalised, W_r = softplus(ρ_r)·W̃_r/‖W̃_r‖ (their
 *       eq. 9), with ρ starting so the initial rows are unchanged.
 *   <li><b>Activation</b> σ(z) = tanh z + 0.01 z (FlowJAX #102): σ' &gt; 0 and σ is onto ℝ, so every
 *       y_d is a strictly increasing bijection of x_d.
 *   <li><b>Log-det.</b> Σ_d log ∂y_d/∂x_d, with the diagonal-block products chained in log space
 *       (their eq. 11): log J_l = logsumexp(log W_l^{dd} + log σ'(z_{l−1}) + log J_{l−1}).
 *   <li><b>Inverse.</b> Coordinate by coordinate in autoregressive order, a bracketed scalar root
 *       (Newton steps inside a bisection bracket) on the d-th diagonal block only; then one full
 *       forward pass at the solution for the log-det and the saved activations.
 *   <li><b>Inverse gradients</b> by the implicit function theorem: dL/dy = J^{−T}a with J = ∂y/∂x
 *       lower triangular per point, formed by forward-mode tangents.
 *   <li><b>Conditioning</b> inputs feed the first layer through free weights into every block.
 * </ul>
 */
public final class BlockAutoregressiveNetwork implements Bijection {
  private static final double LEAK = 0.01;
  private static final int MAX_ROOT_STEPS = 300;
  private static final int MAX_BRACKET_DOUBLINGS = 2100;

  private final int dim;
  private final int conditionDim;
  private final int block;
  private final int layers;
  private final int[] blockIn;
  private final int[] blockOut;
  private final int[] ins;
  private final int[] outs;
  private final boolean[][] masks;
  private final int[] vOff;
  private final int[] rhoOff;
  private final int[] bOff;
  private final int parameterCount;
  private final DenseKernels kernels = DenseKernels.preferred();

  private BlockAutoregressiveNetwork(int dim, int conditionDim, int block, int depth) {
    this.dim = dim;
    this.conditionDim = conditionDim;
    this.block = block;
    this.layers = depth + 1;
    blockIn = new int[layers];
    blockOut = new int[layers];
    ins = new int[layers];
    outs = new int[layers];
    masks = new boolean[layers][];
    vOff = new int[layers];
    rhoOff = new int[layers];
    bOff = new int[layers];
    int next = 0;
    for (int l = 0; l < layers; l++) {
      blockIn[l] = l == 0 ? 1 : block;
      blockOut[l] = l == layers - 1 ? 1 : block;
      ins[l] = Math.multiplyExact(dim, blockIn[l]) + (l == 0 ? conditionDim : 0);
      outs[l] = Math.multiplyExact(dim, blockOut[l]);
      boolean[] m = new boolean[Math.multiplyExact(outs[l], ins[l])];
      for (int r = 0; r < outs[l]; r++) {
        for (int c = 0; c < ins[l]; c++) {
          m[r * ins[l] + c] = c >= dim * blockIn[l] || c / blockIn[l] <= r / blockOut[l];
        }
      }
      masks[l] = m;
      vOff[l] = next;
      next = Math.addExact(next, m.length);
      rhoOff[l] = next;
      next = Math.addExact(next, outs[l]);
      bOff[l] = next;
      next = Math.addExact(next, outs[l]);
    }
    parameterCount = next;
  }

  /**
   * @param block hidden units per dimension B (FlowJAX default 8)
   * @param depth hidden layers (FlowJAX default 1)
   */
  public static BlockAutoregressiveNetwork of(int dim, int conditionDim, int block, int depth) {
    Checks.positive("dim", dim);
    if (conditionDim < 0) {
      throw new IllegalArgumentException("conditionDim is " + conditionDim + ", expected at least 0");
    }
    Checks.positive("block", block);
    Checks.positive("depth", depth);
    return new BlockAutoregressiveNetwork(dim, conditionDim, block, depth);
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public int conditionDim() {
    return conditionDim;
  }

  /** Hidden units per dimension B in each hidden layer. */
  public int blockDim() {
    return block;
  }

  /** Number of hidden layers. */
  public int depth() {
    return layers - 1;
  }

  @Override
  public int parameterCount() {
    return parameterCount;
  }

  @Override
  public String name() {
    return "BlockAutoregressiveNetwork";
  }

  @Override
  public void describeParameters(ParameterLayout.Builder layout, String prefix) {
    for (int l = 0; l < layers; l++) {
      layout.add(prefix + "layer" + l + ".weight", outs[l], ins[l]);
      layout.add(prefix + "layer" + l + ".rowScale", outs[l]);
      layout.add(prefix + "layer" + l + ".bias", outs[l]);
    }
  }

  private boolean diagonal(int l, int r, int c) {
    return c < dim * blockIn[l] && c / blockIn[l] == r / blockOut[l];
  }

  /** Raw weights uniform on ±1/√fan_in, row scales keeping the rows as drawn, biases zero. */
  @Override
  public void initialise(double[] params, int offset, RandomStream rng) {
    Checks.params(params, offset, parameterCount);
    Arrays.fill(params, offset, offset + parameterCount, 0.0);
    for (int l = 0; l < layers; l++) {
      for (int r = 0; r < outs[l]; r++) {
        int fan = 0;
        for (int c = 0; c < ins[l]; c++) {
          fan += masks[l][r * ins[l] + c] ? 1 : 0;
        }
        double limit = 1.0 / Math.sqrt(fan);
        double sq = 0;
        for (int c = 0; c < ins[l]; c++) {
          if (masks[l][r * ins[l] + c]) {
            double v = limit * (2 * rng.nextDouble() - 1);
            params[offset + vOff[l] + r * ins[l] + c] = v;
            double w = diagonal(l, r, c) ? Softplus.value(v) : v;
            sq += w * w;
          }
        }
        params[offset + rhoOff[l] + r] = Softplus.inverse(Math.sqrt(sq));
      }
    }
  }

  @Override
  public Workspace newWorkspace(int capacity) {
    return new Scratch(capacity);
  }

  private static double logSoftplus(double v) {
    // log softplus(v) = v + log1p(−e^v/2 + …) for very negative v, where softplus underflows.
    return v < -30 ? v : Math.log(Softplus.value(v));
  }

  /** Effective weights W, log W on the diagonal blocks, and the row norms, from the raw parameters. */
  private void prepare(double[] params, int offset, Scratch s) {
    for (int l = 0; l < layers; l++) {
      int in = ins[l];
      for (int r = 0; r < outs[l]; r++) {
        double sq = 0;
        for (int c = 0; c < in; c++) {
          if (masks[l][r * in + c]) {
            double v = params[offset + vOff[l] + r * in + c];
            double w = diagonal(l, r, c) ? Softplus.value(v) : v;
            s.wTilde[l][r * in + c] = w;
            sq += w * w;
          }
        }
        double norm = Math.sqrt(sq);
        double rho = params[offset + rhoOff[l] + r];
        double g = Softplus.value(rho);
        s.rowNorm[l][r] = norm;
        for (int c = 0; c < in; c++) {
          if (masks[l][r * in + c]) {
            s.w[l][r * in + c] = g * s.wTilde[l][r * in + c] / norm;
            if (diagonal(l, r, c)) {
              s.logW[l][r * in + c] = logSoftplus(rho) + logSoftplus(params[offset + vOff[l] + r * in + c]) - Math.log(norm);
            }
          }
        }
      }
    }
  }

  @Override
  public void forward(double[] params, int offset, double[] x, double[] cond, double[] y, double[] logDet, int n, Workspace ws) {
    Scratch s = PassChecks.workspace(Scratch.class, ws, this);
    PassChecks.pass(this, params, offset, "x", x, cond, "y", y, logDet, n, ws);
    prepare(params, offset, s);
    run(params, offset, x, cond, y, logDet, n, s);
  }

  /** The batch pass at x, saving what the backward passes need. */
  private void run(double[] params, int offset, double[] x, double[] cond, double[] y, double[] logDet, int n, Scratch s) {
    System.arraycopy(x, 0, s.input, 0, dim * n);
    if (conditionDim > 0) {
      System.arraycopy(cond, 0, s.input, dim * n, conditionDim * n);
    }
    double[] prev = s.input;
    for (int l = 0; l < layers; l++) {
      double[] out = l == layers - 1 ? y : s.z[l];
      kernels.dense(s.w[l], 0, params, offset + bOff[l], masks[l], outs[l], ins[l], prev, 0, out, 0, n);
      if (l < layers - 1) {
        for (int k = 0; k < outs[l] * n; k++) {
          double t = Math.tanh(s.z[l][k]);
          s.h[l][k] = t + LEAK * s.z[l][k];
          s.logSlope[l][k] = Math.log(1 - t * t + LEAK);
        }
        prev = s.h[l];
      }
    }
    // log J chained in log space, block by block.
    for (int l = 0; l < layers; l++) {
      int in = ins[l];
      for (int r = 0; r < outs[l]; r++) {
        int d = r / blockOut[l];
        if (l == 0) {
          Arrays.fill(s.logJ[0], r * n, r * n + n, s.logW[0][r * in + d]);
          continue;
        }
        int c0 = d * blockIn[l];
        for (int i = 0; i < n; i++) {
          double max = Double.NEGATIVE_INFINITY;
          for (int c = c0; c < c0 + blockIn[l]; c++) {
            max = Math.max(max, s.logW[l][r * in + c] + s.logJ[l - 1][c * n + i] + s.logSlope[l - 1][c * n + i]);
          }
          double sum = 0;
          for (int c = c0; c < c0 + blockIn[l]; c++) {
            sum += Math.exp(s.logW[l][r * in + c] + s.logJ[l - 1][c * n + i] + s.logSlope[l - 1][c * n + i] - max);
          }
          s.logJ[l][r * n + i] = max + Math.log(sum);
        }
      }
    }
    double[] last = s.logJ[layers - 1];
    for (int d = 0; d < dim; d++) {
      for (int i = 0; i < n; i++) {
        logDet[i] += last[d * n + i];
      }
    }
  }

  @Override
  public void forwardBackward(double[] params, int offset, double[] x, double[] cond, double[] y,
      double[] gradY, double[] gradLogDet, double[] gradX, double[] gradParams, int n, Workspace ws) {
    Scratch s = PassChecks.workspace(Scratch.class, ws, this);
    PassChecks.pass(this, params, offset, "x", x, cond, "y", y, null, n, ws);
    PassChecks.backward(this, gradY, "gradY", gradLogDet, gradX, "gradX", gradParams, offset, n);
    backward(params, offset, gradY, gradLogDet, gradX, gradParams, n, s);
  }

  /** Reverse mode through the saved pass: writes dL/dx (null to skip) and adds dL/dparams. */
  private void backward(double[] params, int offset, double[] gradY, double[] gradLogDet, double[] gradX,
      double[] gradParams, int n, Scratch s) {
    for (int l = 0; l < layers; l++) {
      Arrays.fill(s.gradW[l], 0.0);
      Arrays.fill(s.gradLogW[l], 0.0);
    }
    double[] gz = s.gz0;
    double[] gzNext = s.gz1;
    double[] gLogJ = s.gLogJ0;
    double[] gLogJNext = s.gLogJ1;
    System.arraycopy(gradY, 0, gz, 0, dim * n);
    for (int d = 0; d < dim; d++) {
      System.arraycopy(gradLogDet, 0, gLogJ, d * n, n);
    }
    for (int l = layers - 1; l >= 0; l--) {
      int in = ins[l];
      double[] layerIn = l == 0 ? s.input : s.h[l - 1];
      double[] gIn = l == 0 ? (gradX == null ? null : s.gInput) : s.gh;
      kernels.denseBackward(s.w[l], 0, masks[l], outs[l], in, layerIn, 0, gz, 0, gIn, 0, s.gradW[l], 0,
          gradParams, offset + bOff[l], n);
      if (l == 0) {
        for (int r = 0; r < outs[0]; r++) {
          double sum = 0;
          for (int i = 0; i < n; i++) {
            sum += gLogJ[r * n + i];
          }
          s.gradLogW[0][r * in + r / blockOut[0]] += sum;
        }
        break;
      }
      // log J_l[r] = logsumexp_c(log W[r][c] + a[c]), a = log J_{l−1} + log σ'(z_{l−1}): the
      // softmax weights route the gradient to log W and to a.
      Arrays.fill(gLogJNext, 0, outs[l - 1] * n, 0.0);
      for (int r = 0; r < outs[l]; r++) {
        int c0 = (r / blockOut[l]) * blockIn[l];
        for (int c = c0; c < c0 + blockIn[l]; c++) {
          double lw = s.logW[l][r * in + c];
          double acc = 0;
          for (int i = 0; i < n; i++) {
            double p = Math.exp(lw + s.logJ[l - 1][c * n + i] + s.logSlope[l - 1][c * n + i] - s.logJ[l][r * n + i]);
            double g = gLogJ[r * n + i] * p;
            acc += g;
            gLogJNext[c * n + i] += g;
          }
          s.gradLogW[l][r * in + c] += acc;
        }
      }
      // Through σ: the linear path times σ', and the log-det path times d log σ'/dz = σ''/σ'.
      for (int k = 0; k < outs[l - 1] * n; k++) {
        double t = Math.tanh(s.z[l - 1][k]);
        double slope = 1 - t * t + LEAK;
        gzNext[k] = s.gh[k] * slope + gLogJNext[k] * (-2 * t * (1 - t * t)) / slope;
      }
      double[] swap = gz;
      gz = gzNext;
      gzNext = swap;
      swap = gLogJ;
      gLogJ = gLogJNext;
      gLogJNext = swap;
    }
    if (gradX != null) {
      System.arraycopy(s.gInput, 0, gradX, 0, dim * n);
    }
    chainWeights(params, offset, gradParams, s);
  }

  /**
   * From dL/dW and dL/dlog W (diagonal blocks) to the raw parameters, through
   * W_r = g_r·W̃_r/‖W̃_r‖, g = softplus(ρ), W̃ = softplus(V) on the diagonal blocks.
   */
  private void chainWeights(double[] params, int offset, double[] gradParams, Scratch s) {
    for (int l = 0; l < layers; l++) {
      int in = ins[l];
      for (int r = 0; r < outs[l]; r++) {
        double norm = s.rowNorm[l][r];
        double rho = params[offset + rhoOff[l] + r];
        double g = Softplus.value(rho);
        // dL/dW including the log path (log W = log g + log W̃ − log‖W̃‖ on the diagonal), and
        // its projection on the unit row ŵ.
        double proj = 0;
        for (int c = 0; c < in; c++) {
          int k = r * in + c;
          if (masks[l][k]) {
            double gw = s.gradW[l][k];
            if (diagonal(l, r, c)) {
              gw += s.gradLogW[l][k] / s.w[l][k];
            }
            s.gradW[l][k] = gw;
            proj += gw * s.wTilde[l][k] / norm;
          }
        }
        gradParams[offset + rhoOff[l] + r] += proj * Softplus.derivative(rho);
        for (int c = 0; c < in; c++) {
          int k = r * in + c;
          if (masks[l][k]) {
            double gTilde = g / norm * (s.gradW[l][k] - proj * s.wTilde[l][k] / norm);
            double v = params[offset + vOff[l] + k];
            gradParams[offset + vOff[l] + k] += diagonal(l, r, c) ? gTilde * Softplus.derivative(v) : gTilde;
          }
        }
      }
    }
  }

  @Override
  public void inverse(double[] params, int offset, double[] y, double[] cond, double[] x, double[] logDet, int n, Workspace ws) {
    Scratch s = PassChecks.workspace(Scratch.class, ws, this);
    PassChecks.pass(this, params, offset, "y", y, cond, "x", x, logDet, n, ws);
    prepare(params, offset, s);
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < dim; d++) {
        fixBase(params, offset, x, cond, d, i, n, s);
        x[d * n + i] = root(y[d * n + i], d, s);
        evaluate(d, x[d * n + i], s);
      }
    }
    // One full pass at the solution: the log-det, and the activations the backward pass needs.
    Arrays.fill(s.perPoint, 0, n, 0.0);
    run(params, offset, x, cond, s.yAgain, s.perPoint, n, s);
    for (int i = 0; i < n; i++) {
      logDet[i] -= s.perPoint[i];
    }
  }

  /**
   * For coordinate d of point i, the part of block d's pre-activations that comes from the
   * coordinates already fixed (and the bias and conditioning), layer by layer.
   */
  private void fixBase(double[] params, int offset, double[] x, double[] cond, int d, int i, int n, Scratch s) {
    for (int l = 0; l < layers; l++) {
      int in = ins[l];
      for (int r = d * blockOut[l]; r < (d + 1) * blockOut[l]; r++) {
        double z = params[offset + bOff[l] + r];
        for (int c = 0; c < d * blockIn[l]; c++) {
          double input = l == 0 ? x[c * n + i] : s.pointH[l - 1][c];
          z += s.w[l][r * in + c] * input;
        }
        if (l == 0) {
          for (int c = 0; c < conditionDim; c++) {
            z += s.w[0][r * in + dim + c] * cond[c * n + i];
          }
        }
        s.base[l][r] = z;
      }
    }
  }

  /**
   * y_d as a function of t = x_d with x_{&lt;d} fixed, through block d only; stores block d's
   * hidden values and returns dy_d/dt in {@code s.slope}.
   */
  private double evaluate(int d, double t, Scratch s) {
    double value = 0;
    for (int l = 0; l < layers; l++) {
      int in = ins[l];
      for (int r = d * blockOut[l]; r < (d + 1) * blockOut[l]; r++) {
        double z = s.base[l][r];
        double dz;
        if (l == 0) {
          z += s.w[0][r * in + d] * t;
          dz = s.w[0][r * in + d];
        } else {
          dz = 0;
          for (int c = d * blockIn[l]; c < (d + 1) * blockIn[l]; c++) {
            z += s.w[l][r * in + c] * s.pointH[l - 1][c];
            dz += s.w[l][r * in + c] * s.pointDh[l - 1][c];
          }
        }
        if (l < layers - 1) {
          double th = Math.tanh(z);
          s.pointH[l][r] = th + LEAK * z;
          s.pointDh[l][r] = (1 - th * th + LEAK) * dz;
        } else {
          value = z;
          s.slope = dz;
        }
      }
    }
    return value;
  }

  /** The x_d with y_d(x_d) = target: bracket by doubling, then Newton steps kept inside the bracket. */
  private double root(double target, int d, Scratch s) {
    double a = 0;
    double f = evaluate(d, a, s) - target;
    if (f == 0) {
      return a;
    }
    double lo;
    double hi;
    double step = 1;
    if (f < 0) {
      lo = a;
      hi = a + step;
      for (int k = 0; k < MAX_BRACKET_DOUBLINGS && evaluate(d, hi, s) < target; k++) {
        lo = hi;
        step *= 2;
        hi = a + step;
      }
    } else {
      hi = a;
      lo = a - step;
      for (int k = 0; k < MAX_BRACKET_DOUBLINGS && evaluate(d, lo, s) > target; k++) {
        hi = lo;
        step *= 2;
        lo = a - step;
      }
    }
    a = 0.5 * (lo + hi);
    for (int it = 0; it < MAX_ROOT_STEPS; it++) {
      f = evaluate(d, a, s) - target;
      if (f == 0) {
        return a;
      }
      if (f > 0) {
        hi = a;
      } else {
        lo = a;
      }
      double next = a - f / s.slope;
      if (!(next > lo && next < hi)) {
        next = 0.5 * (lo + hi);
      }
      if (next == a || hi - lo <= 2 * Math.ulp(Math.max(Math.abs(lo), Math.abs(hi)))) {
        return next;
      }
      a = next;
    }
    return a;
  }

  @Override
  public void inverseBackward(double[] params, int offset, double[] y, double[] cond, double[] x,
      double[] gradX, double[] gradLogDet, double[] gradY, double[] gradParams, int n, Workspace ws) {
    Scratch s = PassChecks.workspace(Scratch.class, ws, this);
    PassChecks.pass(this, params, offset, "y", y, cond, "x", x, null, n, ws);
    PassChecks.backward(this, gradX, "gradX", gradLogDet, gradY, "gradY", gradParams, offset, n);
    // The inverse's log-det is −(forward log-det at x): a = dL/dx + its x-gradient through that.
    for (int i = 0; i < n; i++) {
      s.perPoint[i] = -gradLogDet[i];
    }
    Arrays.fill(s.zeros, 0, dim * n, 0.0);
    backward(params, offset, s.zeros, s.perPoint, s.total, gradParams, n, s);
    for (int k = 0; k < dim * n; k++) {
      s.total[k] += gradX[k];
    }
    // v = J^{−T} a per point, J = ∂y/∂x lower triangular (forward-mode tangents), back substitution.
    for (int i = 0; i < n; i++) {
      jacobian(i, n, s);
      for (int j = dim - 1; j >= 0; j--) {
        double sum = s.total[j * n + i];
        for (int r = j + 1; r < dim; r++) {
          sum -= s.jac[r * dim + j] * gradY[r * n + i];
        }
        gradY[j * n + i] = sum * Math.exp(-s.logJ[layers - 1][j * n + i]);
      }
    }
    // x moves by −J^{−1}(∂y/∂θ)dθ: dL/dθ gains −(∂y/∂θ)^T v.
    for (int k = 0; k < dim * n; k++) {
      s.negV[k] = -gradY[k];
    }
    Arrays.fill(s.perPoint, 0, n, 0.0);
    backward(params, offset, s.negV, s.perPoint, null, gradParams, n, s);
  }

  /** ∂y/∂x of point i into s.jac (D × D, row-major) by propagating the D tangent columns. */
  private void jacobian(int i, int n, Scratch s) {
    double[] t = s.tangent0;
    double[] next = s.tangent1;
    for (int l = 0; l < layers; l++) {
      int in = ins[l];
      int inputs = dim * blockIn[l];
      for (int r = 0; r < outs[l]; r++) {
        for (int col = 0; col < dim; col++) {
          double v = 0;
          if (l == 0) {
            v = r / blockOut[0] >= col ? s.w[0][r * in + col] : 0.0;
          } else {
            int cEnd = Math.min(inputs, (r / blockOut[l] + 1) * blockIn[l]);
            for (int c = col * blockIn[l]; c < cEnd; c++) {
              v += s.w[l][r * in + c] * Math.exp(s.logSlope[l - 1][c * n + i]) * t[c * dim + col];
            }
          }
          next[r * dim + col] = v;
        }
      }
      double[] swap = t;
      t = next;
      next = swap;
    }
    System.arraycopy(t, 0, s.jac, 0, dim * dim);
  }

  /** Saved activations, log-Jacobian rows, effective weights and solver state. */
  final class Scratch implements LayerWorkspace {
    private final int capacity;
    final double[] input;
    final double[] gInput;
    final double[][] z;
    final double[][] h;
    final double[][] logSlope;
    final double[][] logJ;
    final double[][] w;
    final double[][] wTilde;
    final double[][] logW;
    final double[][] rowNorm;
    final double[][] gradW;
    final double[][] gradLogW;
    final double[] gz0;
    final double[] gz1;
    final double[] gh;
    final double[] gLogJ0;
    final double[] gLogJ1;
    final double[] perPoint;
    final double[] yAgain;
    final double[] zeros;
    final double[] total;
    final double[] negV;
    final double[][] base;
    final double[][] pointH;
    final double[][] pointDh;
    final double[] tangent0;
    final double[] tangent1;
    final double[] jac;
    double slope;

    Scratch(int capacity) {
      Checks.positive("capacity", capacity);
      this.capacity = capacity;
      int widest = dim * block;
      input = new double[Math.multiplyExact(dim + conditionDim, capacity)];
      gInput = new double[input.length];
      z = new double[layers - 1][];
      h = new double[layers - 1][];
      logSlope = new double[layers - 1][];
      for (int l = 0; l < layers - 1; l++) {
        z[l] = new double[Math.multiplyExact(outs[l], capacity)];
        h[l] = new double[z[l].length];
        logSlope[l] = new double[z[l].length];
      }
      logJ = new double[layers][];
      w = new double[layers][];
      wTilde = new double[layers][];
      logW = new double[layers][];
      rowNorm = new double[layers][];
      gradW = new double[layers][];
      gradLogW = new double[layers][];
      base = new double[layers][];
      pointH = new double[layers][];
      pointDh = new double[layers][];
      for (int l = 0; l < layers; l++) {
        logJ[l] = new double[Math.multiplyExact(outs[l], capacity)];
        w[l] = new double[masks[l].length];
        wTilde[l] = new double[masks[l].length];
        logW[l] = new double[masks[l].length];
        gradW[l] = new double[masks[l].length];
        gradLogW[l] = new double[masks[l].length];
        rowNorm[l] = new double[outs[l]];
        base[l] = new double[outs[l]];
        pointH[l] = new double[outs[l]];
        pointDh[l] = new double[outs[l]];
      }
      gz0 = new double[Math.multiplyExact(widest, capacity)];
      gz1 = new double[gz0.length];
      gh = new double[gz0.length];
      gLogJ0 = new double[gz0.length];
      gLogJ1 = new double[gz0.length];
      perPoint = new double[capacity];
      yAgain = new double[dim * capacity];
      zeros = new double[dim * capacity];
      total = new double[dim * capacity];
      negV = new double[dim * capacity];
      tangent0 = new double[widest * dim];
      tangent1 = new double[widest * dim];
      jac = new double[dim * dim];
    }

    @Override
    public int capacity() {
      return capacity;
    }

    @Override
    public Object owner() {
      return BlockAutoregressiveNetwork.this;
    }
  }
}
