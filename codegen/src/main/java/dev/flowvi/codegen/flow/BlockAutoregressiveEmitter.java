package dev.flowvi.codegen.flow;

import dev.flowvi.codegen.SourceWriter;

/**
 * Emits a compiled {@link FlowLayer.BlockAutoregressive} layer (engine {@code
 * BlockAutoregressiveNetwork}, De Cao, Aziz and Titov 2019). The block structure is folded into
 * the loops: row r of layer l belongs to block d = r/B_out and reads columns [0, (d+1)·B_in) plus
 * the conditioning columns, so no mask is stored or tested; every size and parameter offset is a
 * literal of the generated class. The formulas, and their evaluation order, are the engine's:
 * weight-normalised rows (their eq. 9), log-det chained in log space (eq. 11), the inverse by a
 * bracketed Newton root per coordinate followed by one forward pass, and the inverse's gradients
 * by the implicit function theorem (dL/dy = J^{−T}a, back substitution on the lower-triangular
 * per-point Jacobian formed by forward-mode tangents).
 *
 * <p>Each piece is its own static method (prepare, run, backward, chain, fix-base, evaluate, root,
 * jacobian); the four pass methods only call them, so no method grows with D.
 */
final class BlockAutoregressiveEmitter {
  private static final String ROWS = "dev.flowvi.codegen.flow.FlowRows";
  private static final String SOFTPLUS = "dev.flowvi.engine.nn.Softplus";
  /** σ(z) = tanh z + 0.01 z (FlowJAX #102), as in the engine. */
  private static final String LEAK = "0.01";
  private static final int MAX_ROOT_STEPS = 300;
  private static final int MAX_BRACKET_DOUBLINGS = 2100;

  private final FlowSourceGenerator g;
  private final SourceWriter w;
  private final int k;
  private final FlowLayer.BlockAutoregressive layer;
  private final int dim;
  private final int cond;
  private final int layers;
  private final int[] blockIn;
  private final int[] blockOut;
  private final int[] ins;
  private final int[] outs;
  private final int[] vOff;
  private final int[] rhoOff;
  private final int[] bOff;
  // Fixed buffers, per layer: effective weights, raw-direction rows, log weights (diagonal blocks),
  // row norms, their gradients; per-point solver state; tangents and the Jacobian.
  private final int[] weight;
  private final int[] weightTilde;
  private final int[] logWeight;
  private final int[] rowNorm;
  private final int[] gradWeight;
  private final int[] gradLogWeight;
  private final int[] base;
  private final int[] pointH;
  private final int[] pointDh;
  private final int tangent0;
  private final int tangent1;
  private final int jacobian;
  private final int slope;
  // Batch buffers: the saved pass (input, z, σ(z), log σ'(z), log J) and the adjoint rows.
  private final int input;
  private final int gradInput;
  private final int[] pre;
  private final int[] post;
  private final int[] logSlope;
  private final int[] logJ;
  private final int gz0;
  private final int gz1;
  private final int gh;
  private final int gLogJ0;
  private final int gLogJ1;
  private final int perPoint;
  private final int yAgain;
  private final int total;

  BlockAutoregressiveEmitter(FlowSourceGenerator g, int k, FlowLayer.BlockAutoregressive layer) {
    this.g = g;
    this.w = g.w;
    this.k = k;
    this.layer = layer;
    this.dim = layer.dim();
    this.cond = layer.conditionDim();
    int block = layer.block();
    this.layers = layer.depth() + 1;
    blockIn = new int[layers];
    blockOut = new int[layers];
    ins = new int[layers];
    outs = new int[layers];
    vOff = new int[layers];
    rhoOff = new int[layers];
    bOff = new int[layers];
    int next = 0;
    for (int l = 0; l < layers; l++) {
      blockIn[l] = l == 0 ? 1 : block;
      blockOut[l] = l == layers - 1 ? 1 : block;
      ins[l] = dim * blockIn[l] + (l == 0 ? cond : 0);
      outs[l] = dim * blockOut[l];
      vOff[l] = next;
      next += outs[l] * ins[l];
      rhoOff[l] = next;
      next += outs[l];
      bOff[l] = next;
      next += outs[l];
    }
    weight = new int[layers];
    weightTilde = new int[layers];
    logWeight = new int[layers];
    rowNorm = new int[layers];
    gradWeight = new int[layers];
    gradLogWeight = new int[layers];
    base = new int[layers];
    pointH = new int[layers];
    pointDh = new int[layers];
    logJ = new int[layers];
    for (int l = 0; l < layers; l++) {
      int size = outs[l] * ins[l];
      weight[l] = g.fixed(size);
      weightTilde[l] = g.fixed(size);
      logWeight[l] = g.fixed(size);
      gradWeight[l] = g.fixed(size);
      gradLogWeight[l] = g.fixed(size);
      rowNorm[l] = g.fixed(outs[l]);
      base[l] = g.fixed(outs[l]);
      pointH[l] = g.fixed(outs[l]);
      pointDh[l] = g.fixed(outs[l]);
      logJ[l] = g.batch(outs[l]);
    }
    int widest = dim * block;
    tangent0 = g.fixed(widest * dim);
    tangent1 = g.fixed(widest * dim);
    jacobian = g.fixed(dim * dim);
    slope = g.fixed(1);
    input = g.batch(dim + cond);
    gradInput = g.batch(dim + cond);
    pre = new int[layers - 1];
    post = new int[layers - 1];
    logSlope = new int[layers - 1];
    for (int l = 0; l < layers - 1; l++) {
      pre[l] = g.batch(outs[l]);
      post[l] = g.batch(outs[l]);
      logSlope[l] = g.batch(outs[l]);
    }
    gz0 = g.batch(widest);
    gz1 = g.batch(widest);
    gh = g.batch(widest);
    gLogJ0 = g.batch(widest);
    gLogJ1 = g.batch(widest);
    perPoint = g.batch(1);
    yAgain = g.batch(dim);
    total = g.batch(dim);
  }

  void emit() {
    g.field("static final int[] ID_" + k + " = " + FlowSourceGenerator.ints(FlowProgram.identity(dim)) + ";");
    emitLogSoftplus();
    emitPrepare();
    emitRun();
    emitBackward();
    emitChainWeights();
    emitFixBase();
    emitEvaluate();
    emitRoot();
    emitJacobian();
    emitPass("Forward", true, false);
    emitPass("Inverse", false, false);
    emitPass("ForwardBackward", true, true);
    emitPass("InverseBackward", false, true);
  }

  private String m(String name) {
    return "l" + k + name;
  }

  private String q(int offset) {
    return "q + " + offset;
  }

  /** The conditioning columns [D, D + C) of layer 0, or null when there are none at layer l. */
  private boolean conditioned(int l) {
    return l == 0 && cond > 0;
  }

  /** log softplus(v), linear below −30 where softplus underflows (the engine's cut-off). */
  private void emitLogSoftplus() {
    w.open("private static double " + m("LogSoftplus") + "(double v)");
    w.line("return v < -30 ? v : Math.log(" + SOFTPLUS + ".value(v));");
    w.close();
  }

  /** Effective weights W = softplus(ρ)·W̃/‖W̃‖ (W̃ = softplus(V) on the diagonal blocks), log W there, row norms. */
  private void emitPrepare() {
    w.open("private static void " + m("Prepare") + "(double[] p, int q, double[][] f)");
    for (int l = 0; l < layers; l++) {
      int in = ins[l];
      String s = "_" + l;
      w.line("double[] w" + s + " = f[" + weight[l] + "];");
      w.line("double[] wt" + s + " = f[" + weightTilde[l] + "];");
      w.line("double[] lw" + s + " = f[" + logWeight[l] + "];");
      w.line("double[] nrm" + s + " = f[" + rowNorm[l] + "];");
      w.open("for (int r = 0; r < " + outs[l] + "; r++)");
      w.line("int lo = (r / " + blockOut[l] + ") * " + blockIn[l] + ";");
      w.line("int hi = lo + " + blockIn[l] + ";");
      w.line("int row = r * " + in + ";");
      w.line("double sq = 0.0;");
      w.open("for (int cc = 0; cc < hi; cc++)");
      w.line("double v = p[" + q(vOff[l]) + " + row + cc];");
      w.line("double wv = cc >= lo ? " + SOFTPLUS + ".value(v) : v;");
      w.line("wt" + s + "[row + cc] = wv;");
      w.line("sq += wv * wv;");
      w.close();
      if (conditioned(l)) {
        w.open("for (int cc = " + dim + "; cc < " + in + "; cc++)");
        w.line("double v = p[" + q(vOff[l]) + " + row + cc];");
        w.line("wt" + s + "[row + cc] = v;");
        w.line("sq += v * v;");
        w.close();
      }
      w.line("double norm = Math.sqrt(sq);");
      w.line("double rho = p[" + q(rhoOff[l]) + " + r];");
      w.line("double gain = " + SOFTPLUS + ".value(rho);");
      w.line("nrm" + s + "[r] = norm;");
      w.open("for (int cc = 0; cc < hi; cc++)");
      w.line("w" + s + "[row + cc] = gain * wt" + s + "[row + cc] / norm;");
      w.close();
      if (conditioned(l)) {
        w.open("for (int cc = " + dim + "; cc < " + in + "; cc++)");
        w.line("w" + s + "[row + cc] = gain * wt" + s + "[row + cc] / norm;");
        w.close();
      }
      w.line("double lr = " + m("LogSoftplus") + "(rho);");
      w.open("for (int cc = lo; cc < hi; cc++)");
      w.line("lw" + s + "[row + cc] = lr + " + m("LogSoftplus") + "(p[" + q(vOff[l]) + " + row + cc]) - Math.log(norm);");
      w.close();
      w.close();
    }
    w.close();
  }

  /** The batch pass at x (rows xr), y into rows yr, adding the log-det to ld; saves what the backward passes need. */
  private void emitRun() {
    w.open("private static void " + m("Run") + "(double[] p, int q, double[] x, int[] xr, double[] c, double[] y, int[] yr, "
        + "double[] ld, int n, double[][] b, double[][] f)");
    w.line("double[] input = b[" + input + "];");
    w.open("for (int j = 0; j < " + dim + "; j++)");
    w.line("System.arraycopy(x, xr[j] * n, input, j * n, n);");
    w.close();
    if (cond > 0) {
      w.line("System.arraycopy(c, 0, input, " + dim + " * n, " + cond + " * n);");
    }
    for (int l = 0; l < layers; l++) {
      boolean last = l == layers - 1;
      int in = ins[l];
      String s = "_" + l;
      w.line("double[] w" + s + " = f[" + weight[l] + "];");
      w.line("double[] in" + s + " = " + (l == 0 ? "input" : "b[" + post[l - 1] + "]") + ";");
      w.line("double[] out" + s + " = " + (last ? "y" : "b[" + pre[l] + "]") + ";");
      w.open("for (int r = 0; r < " + outs[l] + "; r++)");
      w.line("int hi = (r / " + blockOut[l] + " + 1) * " + blockIn[l] + ";");
      w.line("int row = " + (last ? "yr[r]" : "r") + " * n;");
      w.line("java.util.Arrays.fill(out" + s + ", row, row + n, p[" + q(bOff[l]) + " + r]);");
      w.open("for (int cc = 0; cc < hi; cc++)");
      w.line(ROWS + ".axpy(w" + s + "[r * " + in + " + cc], in" + s + ", cc * n, out" + s + ", row, n);");
      w.close();
      if (conditioned(l)) {
        w.open("for (int cc = " + dim + "; cc < " + in + "; cc++)");
        w.line(ROWS + ".axpy(w" + s + "[r * " + in + " + cc], in" + s + ", cc * n, out" + s + ", row, n);");
        w.close();
      }
      w.close();
      if (!last) {
        w.line("double[] h" + s + " = b[" + post[l] + "];");
        w.line("double[] ls" + s + " = b[" + logSlope[l] + "];");
        w.open("for (int e = 0; e < " + outs[l] + " * n; e++)");
        w.line("double z = out" + s + "[e];");
        w.line("double t = Math.tanh(z);");
        w.line("h" + s + "[e] = t + " + LEAK + " * z;");
        w.line("ls" + s + "[e] = Math.log(1 - t * t + " + LEAK + ");");
        w.close();
      }
    }
    // log J chained in log space, block by block (their eq. 11).
    w.line("double[] lj_0 = b[" + logJ[0] + "];");
    w.open("for (int r = 0; r < " + outs[0] + "; r++)");
    w.line("java.util.Arrays.fill(lj_0, r * n, r * n + n, f[" + logWeight[0] + "][r * " + ins[0] + " + r / " + blockOut[0] + "]);");
    w.close();
    for (int l = 1; l < layers; l++) {
      String s = "_" + l;
      w.line("double[] lj" + s + " = b[" + logJ[l] + "];");
      w.line("double[] ljp" + s + " = b[" + logJ[l - 1] + "];");
      w.line("double[] lsp" + s + " = b[" + logSlope[l - 1] + "];");
      w.line("double[] lw" + s + " = f[" + logWeight[l] + "];");
      w.open("for (int r = 0; r < " + outs[l] + "; r++)");
      w.line("int c0 = (r / " + blockOut[l] + ") * " + blockIn[l] + ";");
      w.line("int row = r * " + ins[l] + ";");
      w.open("for (int i = 0; i < n; i++)");
      w.line("double max = Double.NEGATIVE_INFINITY;");
      w.open("for (int cc = c0; cc < c0 + " + blockIn[l] + "; cc++)");
      w.line("max = Math.max(max, lw" + s + "[row + cc] + ljp" + s + "[cc * n + i] + lsp" + s + "[cc * n + i]);");
      w.close();
      w.line("double sum = 0.0;");
      w.open("for (int cc = c0; cc < c0 + " + blockIn[l] + "; cc++)");
      w.line("sum += Math.exp(lw" + s + "[row + cc] + ljp" + s + "[cc * n + i] + lsp" + s + "[cc * n + i] - max);");
      w.close();
      w.line("lj" + s + "[r * n + i] = max + Math.log(sum);");
      w.close();
      w.close();
    }
    String lastLj = "lj_" + (layers - 1);
    w.open("for (int d = 0; d < " + dim + "; d++)");
    w.open("for (int i = 0; i < n; i++)");
    w.line("ld[i] += " + lastLj + "[d * n + i];");
    w.close();
    w.close();
    w.close();
  }

  /**
   * Reverse mode through the saved pass: dL/dy in coordinate order in b[gz0], dL/dlogDet per point
   * in gl; leaves dL/dx in the first D rows of b[gradInput] and adds dL/dparams.
   */
  private void emitBackward() {
    w.open("private static void " + m("Backward") + "(double[] p, int q, double[] gl, double[] gp, int n, double[][] b, double[][] f)");
    for (int l = 0; l < layers; l++) {
      w.line("java.util.Arrays.fill(f[" + gradWeight[l] + "], 0.0);");
      w.line("java.util.Arrays.fill(f[" + gradLogWeight[l] + "], 0.0);");
    }
    w.line("double[] gz = b[" + gz0 + "];");
    w.line("double[] gzNext = b[" + gz1 + "];");
    w.line("double[] gLogJ = b[" + gLogJ0 + "];");
    w.line("double[] gLogJNext = b[" + gLogJ1 + "];");
    w.line("double[] swap;");
    w.open("for (int d = 0; d < " + dim + "; d++)");
    w.line("System.arraycopy(gl, 0, gLogJ, d * n, n);");
    w.close();
    for (int l = layers - 1; l >= 0; l--) {
      int in = ins[l];
      String s = "_" + l;
      w.line("double[] w" + s + " = f[" + weight[l] + "];");
      w.line("double[] gw" + s + " = f[" + gradWeight[l] + "];");
      w.line("double[] in" + s + " = " + (l == 0 ? "b[" + input + "]" : "b[" + post[l - 1] + "]") + ";");
      w.line("double[] gin" + s + " = " + (l == 0 ? "b[" + gradInput + "]" : "b[" + gh + "]") + ";");
      w.line("java.util.Arrays.fill(gin" + s + ", 0, " + in + " * n, 0.0);");
      w.open("for (int r = 0; r < " + outs[l] + "; r++)");
      w.line("int gyRow = r * n;");
      w.line("gp[" + q(bOff[l]) + " + r] += " + ROWS + ".sum(gz, gyRow, n);");
      w.line("int hi = (r / " + blockOut[l] + " + 1) * " + blockIn[l] + ";");
      denseBackwardColumns("0", "hi", s, in);
      if (conditioned(l)) {
        denseBackwardColumns(String.valueOf(dim), String.valueOf(in), s, in);
      }
      w.close();
      if (l == 0) {
        w.open("for (int r = 0; r < " + outs[0] + "; r++)");
        w.line("double sum = 0.0;");
        w.open("for (int i = 0; i < n; i++)");
        w.line("sum += gLogJ[r * n + i];");
        w.close();
        w.line("f[" + gradLogWeight[0] + "][r * " + in + " + r / " + blockOut[0] + "] += sum;");
        w.close();
        break;
      }
      // log J_l[r] = logsumexp_c(log W[r][c] + log J_{l−1}[c] + log σ'(z_{l−1}[c])): softmax weights route the gradient.
      w.line("java.util.Arrays.fill(gLogJNext, 0, " + outs[l - 1] + " * n, 0.0);");
      w.line("double[] lw" + s + " = f[" + logWeight[l] + "];");
      w.line("double[] glw" + s + " = f[" + gradLogWeight[l] + "];");
      w.line("double[] lj" + s + " = b[" + logJ[l] + "];");
      w.line("double[] ljp" + s + " = b[" + logJ[l - 1] + "];");
      w.line("double[] lsp" + s + " = b[" + logSlope[l - 1] + "];");
      w.open("for (int r = 0; r < " + outs[l] + "; r++)");
      w.line("int c0 = (r / " + blockOut[l] + ") * " + blockIn[l] + ";");
      w.open("for (int cc = c0; cc < c0 + " + blockIn[l] + "; cc++)");
      w.line("double lwv = lw" + s + "[r * " + in + " + cc];");
      w.line("double acc = 0.0;");
      w.open("for (int i = 0; i < n; i++)");
      w.line("double pr = Math.exp(lwv + ljp" + s + "[cc * n + i] + lsp" + s + "[cc * n + i] - lj" + s + "[r * n + i]);");
      w.line("double gv = gLogJ[r * n + i] * pr;");
      w.line("acc += gv;");
      w.line("gLogJNext[cc * n + i] += gv;");
      w.close();
      w.line("glw" + s + "[r * " + in + " + cc] += acc;");
      w.close();
      w.close();
      // Through σ: the linear path times σ', the log-det path times (log σ')' = σ''/σ'.
      w.line("double[] zp" + s + " = b[" + pre[l - 1] + "];");
      w.line("double[] ghp" + s + " = b[" + gh + "];");
      w.open("for (int e = 0; e < " + outs[l - 1] + " * n; e++)");
      w.line("double t = Math.tanh(zp" + s + "[e]);");
      w.line("double sl = 1 - t * t + " + LEAK + ";");
      w.line("gzNext[e] = ghp" + s + "[e] * sl + gLogJNext[e] * (-2 * t * (1 - t * t)) / sl;");
      w.close();
      w.line("swap = gz;");
      w.line("gz = gzNext;");
      w.line("gzNext = swap;");
      w.line("swap = gLogJ;");
      w.line("gLogJ = gLogJNext;");
      w.line("gLogJNext = swap;");
    }
    w.line(m("ChainWeights") + "(p, q, gp, f);");
    w.close();
  }

  /** dL/dW[r][cc] += ⟨g_r, in_cc⟩ and dL/din_cc += W[r][cc]·g_r over columns [from, to) (the engine's dense backward order). */
  private void denseBackwardColumns(String from, String to, String s, int in) {
    w.open("for (int cc = " + from + "; cc < " + to + "; cc++)");
    w.line("gw" + s + "[r * " + in + " + cc] += " + ROWS + ".dot(gz, gyRow, in" + s + ", cc * n, n);");
    w.line(ROWS + ".axpy(w" + s + "[r * " + in + " + cc], gz, gyRow, gin" + s + ", cc * n, n);");
    w.close();
  }

  /** From dL/dW and dL/dlog W to the raw parameters through W_r = g_r·W̃_r/‖W̃_r‖, g = softplus(ρ). */
  private void emitChainWeights() {
    w.open("private static void " + m("ChainWeights") + "(double[] p, int q, double[] gp, double[][] f)");
    for (int l = 0; l < layers; l++) {
      int in = ins[l];
      String s = "_" + l;
      w.line("double[] w" + s + " = f[" + weight[l] + "];");
      w.line("double[] wt" + s + " = f[" + weightTilde[l] + "];");
      w.line("double[] gw" + s + " = f[" + gradWeight[l] + "];");
      w.line("double[] glw" + s + " = f[" + gradLogWeight[l] + "];");
      w.line("double[] nrm" + s + " = f[" + rowNorm[l] + "];");
      w.open("for (int r = 0; r < " + outs[l] + "; r++)");
      w.line("int lo = (r / " + blockOut[l] + ") * " + blockIn[l] + ";");
      w.line("int hi = lo + " + blockIn[l] + ";");
      w.line("int row = r * " + in + ";");
      w.line("double norm = nrm" + s + "[r];");
      w.line("double rho = p[" + q(rhoOff[l]) + " + r];");
      w.line("double gain = " + SOFTPLUS + ".value(rho);");
      // dL/dW with the log path (log W = log g + log W̃ − log‖W̃‖ on the diagonal), projected on the unit row.
      w.line("double proj = 0.0;");
      w.open("for (int cc = 0; cc < hi; cc++)");
      w.line("int e = row + cc;");
      w.line("double gv = gw" + s + "[e];");
      w.open("if (cc >= lo)");
      w.line("gv += glw" + s + "[e] / w" + s + "[e];");
      w.close();
      w.line("gw" + s + "[e] = gv;");
      w.line("proj += gv * wt" + s + "[e] / norm;");
      w.close();
      if (conditioned(l)) {
        w.open("for (int cc = " + dim + "; cc < " + in + "; cc++)");
        w.line("proj += gw" + s + "[row + cc] * wt" + s + "[row + cc] / norm;");
        w.close();
      }
      w.line("gp[" + q(rhoOff[l]) + " + r] += proj * " + SOFTPLUS + ".derivative(rho);");
      w.open("for (int cc = 0; cc < hi; cc++)");
      w.line("int e = row + cc;");
      w.line("double gT = gain / norm * (gw" + s + "[e] - proj * wt" + s + "[e] / norm);");
      w.line("gp[" + q(vOff[l]) + " + e] += cc >= lo ? gT * " + SOFTPLUS + ".derivative(p[" + q(vOff[l]) + " + e]) : gT;");
      w.close();
      if (conditioned(l)) {
        w.open("for (int cc = " + dim + "; cc < " + in + "; cc++)");
        w.line("int e = row + cc;");
        w.line("gp[" + q(vOff[l]) + " + e] += gain / norm * (gw" + s + "[e] - proj * wt" + s + "[e] / norm);");
        w.close();
      }
      w.close();
    }
    w.close();
  }

  /** Block d's pre-activations from the coordinates already fixed, the bias and the conditioning, for point i. */
  private void emitFixBase() {
    w.open("private static void " + m("FixBase") + "(double[] p, int q, double[] x, int[] xr, double[] c, int d, int i, int n, double[][] f)");
    for (int l = 0; l < layers; l++) {
      int in = ins[l];
      String s = "_" + l;
      w.line("double[] w" + s + " = f[" + weight[l] + "];");
      w.line("double[] base" + s + " = f[" + base[l] + "];");
      if (l > 0) {
        w.line("double[] php" + s + " = f[" + pointH[l - 1] + "];");
      }
      w.open("for (int r = d * " + blockOut[l] + "; r < (d + 1) * " + blockOut[l] + "; r++)");
      w.line("double z = p[" + q(bOff[l]) + " + r];");
      w.open("for (int cc = 0; cc < d * " + blockIn[l] + "; cc++)");
      w.line("z += w" + s + "[r * " + in + " + cc] * " + (l == 0 ? "x[xr[cc] * n + i]" : "php" + s + "[cc]") + ";");
      w.close();
      if (conditioned(l)) {
        w.open("for (int cc = 0; cc < " + cond + "; cc++)");
        w.line("z += w" + s + "[r * " + in + " + " + dim + " + cc] * c[cc * n + i];");
        w.close();
      }
      w.line("base" + s + "[r] = z;");
      w.close();
    }
    w.close();
  }

  /** y_d as a function of t = x_d with x_{<d} fixed, through block d only; dy_d/dt into the slope buffer. */
  private void emitEvaluate() {
    w.open("private static double " + m("Evaluate") + "(int d, double t, double[][] f)");
    w.line("double value = 0.0;");
    for (int l = 0; l < layers; l++) {
      int in = ins[l];
      boolean last = l == layers - 1;
      String s = "_" + l;
      w.line("double[] w" + s + " = f[" + weight[l] + "];");
      w.line("double[] base" + s + " = f[" + base[l] + "];");
      if (l > 0) {
        w.line("double[] php" + s + " = f[" + pointH[l - 1] + "];");
        w.line("double[] pdp" + s + " = f[" + pointDh[l - 1] + "];");
      }
      if (!last) {
        w.line("double[] ph" + s + " = f[" + pointH[l] + "];");
        w.line("double[] pd" + s + " = f[" + pointDh[l] + "];");
      }
      w.open("for (int r = d * " + blockOut[l] + "; r < (d + 1) * " + blockOut[l] + "; r++)");
      w.line("double z = base" + s + "[r];");
      if (l == 0) {
        w.line("double wd = w" + s + "[r * " + in + " + d];");
        w.line("z += wd * t;");
        w.line("double dz = wd;");
      } else {
        w.line("double dz = 0.0;");
        w.open("for (int cc = d * " + blockIn[l] + "; cc < (d + 1) * " + blockIn[l] + "; cc++)");
        w.line("z += w" + s + "[r * " + in + " + cc] * php" + s + "[cc];");
        w.line("dz += w" + s + "[r * " + in + " + cc] * pdp" + s + "[cc];");
        w.close();
      }
      if (!last) {
        w.line("double th = Math.tanh(z);");
        w.line("ph" + s + "[r] = th + " + LEAK + " * z;");
        w.line("pd" + s + "[r] = (1 - th * th + " + LEAK + ") * dz;");
      } else {
        w.line("value = z;");
        w.line("f[" + slope + "][0] = dz;");
      }
      w.close();
    }
    w.line("return value;");
    w.close();
  }

  /** The x_d with y_d(x_d) = target: a bracket by doubling, then Newton steps kept inside it (the engine's solver). */
  private void emitRoot() {
    String eval = m("Evaluate");
    w.open("private static double " + m("Root") + "(double target, int d, double[][] f)");
    w.line("double a = 0.0;");
    w.line("double fa = " + eval + "(d, a, f) - target;");
    w.open("if (fa == 0)");
    w.line("return a;");
    w.close();
    w.line("double lo;");
    w.line("double hi;");
    w.line("double step = 1.0;");
    w.open("if (fa < 0)");
    w.line("lo = a;");
    w.line("hi = a + step;");
    w.open("for (int s = 0; s < " + MAX_BRACKET_DOUBLINGS + " && " + eval + "(d, hi, f) < target; s++)");
    w.line("lo = hi;");
    w.line("step *= 2;");
    w.line("hi = a + step;");
    w.close();
    w.close();
    w.open("else");
    w.line("hi = a;");
    w.line("lo = a - step;");
    w.open("for (int s = 0; s < " + MAX_BRACKET_DOUBLINGS + " && " + eval + "(d, lo, f) > target; s++)");
    w.line("hi = lo;");
    w.line("step *= 2;");
    w.line("lo = a - step;");
    w.close();
    w.close();
    w.line("a = 0.5 * (lo + hi);");
    w.open("for (int it = 0; it < " + MAX_ROOT_STEPS + "; it++)");
    w.line("fa = " + eval + "(d, a, f) - target;");
    w.open("if (fa == 0)");
    w.line("return a;");
    w.close();
    w.open("if (fa > 0)");
    w.line("hi = a;");
    w.close();
    w.open("else");
    w.line("lo = a;");
    w.close();
    w.line("double next = a - fa / f[" + slope + "][0];");
    w.open("if (!(next > lo && next < hi))");
    w.line("next = 0.5 * (lo + hi);");
    w.close();
    w.open("if (next == a || hi - lo <= 2 * Math.ulp(Math.max(Math.abs(lo), Math.abs(hi))))");
    w.line("return next;");
    w.close();
    w.line("a = next;");
    w.close();
    w.line("return a;");
    w.close();
  }

  /** ∂y/∂x of point i (D × D, row-major) into the Jacobian buffer by propagating the D tangent columns. */
  private void emitJacobian() {
    w.open("private static void " + m("Jacobian") + "(int i, int n, double[][] b, double[][] f)");
    w.line("double[] t = f[" + tangent0 + "];");
    w.line("double[] next = f[" + tangent1 + "];");
    w.line("double[] swap;");
    for (int l = 0; l < layers; l++) {
      int in = ins[l];
      String s = "_" + l;
      w.line("double[] w" + s + " = f[" + weight[l] + "];");
      if (l > 0) {
        w.line("double[] lsp" + s + " = b[" + logSlope[l - 1] + "];");
      }
      w.open("for (int r = 0; r < " + outs[l] + "; r++)");
      if (l > 0) {
        w.line("int cEnd = (r / " + blockOut[l] + " + 1) * " + blockIn[l] + ";");
      }
      w.open("for (int col = 0; col < " + dim + "; col++)");
      if (l == 0) {
        w.line("next[r * " + dim + " + col] = r / " + blockOut[0] + " >= col ? w" + s + "[r * " + in + " + col] : 0.0;");
      } else {
        w.line("double v = 0.0;");
        w.open("for (int cc = col * " + blockIn[l] + "; cc < cEnd; cc++)");
        w.line("v += w" + s + "[r * " + in + " + cc] * Math.exp(lsp" + s + "[cc * n + i]) * t[cc * " + dim + " + col];");
        w.close();
        w.line("next[r * " + dim + " + col] = v;");
      }
      w.close();
      w.close();
      w.line("swap = t;");
      w.line("t = next;");
      w.line("next = swap;");
    }
    w.line("System.arraycopy(t, 0, f[" + jacobian + "], 0, " + dim * dim + ");");
    w.close();
  }

  private void emitPass(String pass, boolean flowForward, boolean backward) {
    String[] rows = g.open(k, pass, flowForward, backward);
    boolean own = flowForward == layer.forward();
    String src = rows[0];
    String dst = rows[1];
    w.line("int q = o + " + layer.paramOffset() + ";");
    if (!backward && own) {
      w.line(m("Prepare") + "(p, q, f);");
      w.line(m("Run") + "(p, q, src, " + src + ", c, dst, " + dst + ", ld, n, b, f);");
    } else if (!backward) {
      // src = y, dst = x: coordinate by coordinate in autoregressive order, then one full pass at x.
      w.line(m("Prepare") + "(p, q, f);");
      w.open("for (int i = 0; i < n; i++)");
      w.open("for (int d = 0; d < " + dim + "; d++)");
      w.line(m("FixBase") + "(p, q, dst, " + dst + ", c, d, i, n, f);");
      w.line("double xv = " + m("Root") + "(src[" + src + "[d] * n + i], d, f);");
      w.line("dst[" + dst + "[d] * n + i] = xv;");
      w.line(m("Evaluate") + "(d, xv, f);");
      w.close();
      w.close();
      w.line("double[] per = b[" + perPoint + "];");
      w.line("java.util.Arrays.fill(per, 0, n, 0.0);");
      w.line(m("Run") + "(p, q, dst, " + dst + ", c, b[" + yAgain + "], ID_" + k + ", per, n, b, f);");
      w.open("for (int i = 0; i < n; i++)");
      w.line("ld[i] -= per[i];");
      w.close();
    } else if (own) {
      w.line("double[] gz = b[" + gz0 + "];");
      w.open("for (int j = 0; j < " + dim + "; j++)");
      w.line("System.arraycopy(gDst, " + dst + "[j] * n, gz, j * n, n);");
      w.close();
      w.line(m("Backward") + "(p, q, gld, gp, n, b, f);");
      w.line("double[] gin = b[" + gradInput + "];");
      w.open("for (int j = 0; j < " + dim + "; j++)");
      w.line("System.arraycopy(gin, j * n, gSrc, " + src + "[j] * n, n);");
      w.close();
    } else {
      // src = y, dst = x, gDst = dL/dx, gSrc = dL/dy. The inverse's log-det is −(forward log-det at x):
      // a = dL/dx plus the x-gradient of that; then dL/dy = J^{−T}a and dL/dθ gains −(∂y/∂θ)ᵀ dL/dy.
      w.line("double[] per = b[" + perPoint + "];");
      w.open("for (int i = 0; i < n; i++)");
      w.line("per[i] = -gld[i];");
      w.close();
      w.line("double[] gz = b[" + gz0 + "];");
      w.line("java.util.Arrays.fill(gz, 0, " + dim + " * n, 0.0);");
      w.line(m("Backward") + "(p, q, per, gp, n, b, f);");
      w.line("double[] gin = b[" + gradInput + "];");
      w.line("double[] tot = b[" + total + "];");
      w.open("for (int j = 0; j < " + dim + "; j++)");
      w.line("int xr = " + dst + "[j] * n;");
      w.open("for (int i = 0; i < n; i++)");
      w.line("tot[j * n + i] = gin[j * n + i] + gDst[xr + i];");
      w.close();
      w.close();
      w.line("double[] jac = f[" + jacobian + "];");
      w.line("double[] lj = b[" + logJ[layers - 1] + "];");
      w.open("for (int i = 0; i < n; i++)");
      w.line(m("Jacobian") + "(i, n, b, f);");
      w.open("for (int j = " + (dim - 1) + "; j >= 0; j--)");
      w.line("double sum = tot[j * n + i];");
      w.open("for (int r = j + 1; r < " + dim + "; r++)");
      w.line("sum -= jac[r * " + dim + " + j] * gSrc[" + src + "[r] * n + i];");
      w.close();
      w.line("gSrc[" + src + "[j] * n + i] = sum * Math.exp(-lj[j * n + i]);");
      w.close();
      w.close();
      w.open("for (int j = 0; j < " + dim + "; j++)");
      w.line("int yr = " + src + "[j] * n;");
      w.open("for (int i = 0; i < n; i++)");
      w.line("gz[j * n + i] = -gSrc[yr + i];");
      w.close();
      w.close();
      w.line("java.util.Arrays.fill(per, 0, n, 0.0);");
      w.line(m("Backward") + "(p, q, per, gp, n, b, f);");
    }
    w.close();
  }
}
