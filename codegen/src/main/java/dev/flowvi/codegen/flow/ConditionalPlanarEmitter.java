package dev.flowvi.codegen.flow;

import dev.flowvi.codegen.SourceWriter;
import dev.flowvi.engine.nn.Activation;

/**
 * Emits a compiled conditional {@link FlowLayer.PlanarLayer}: an Mlp of the conditioning inputs
 * (sizes and activation constants of the class) adds a per-point offset to (w, u, b), so û and
 * m = wᵀû are formed per point and the backward passes chain each point through û(w, u) into
 * per-point adjoint rows, which are summed into the shared values and sent back through the
 * network. Every formula and its order is the engine's {@code Planar}; the network's dense rows
 * use the engine's row primitives as its {@code FeedForwardNetwork} does.
 */
final class ConditionalPlanarEmitter {
  private static final String ROWS = "dev.flowvi.codegen.flow.FlowRows";
  private static final String SOFTPLUS = "dev.flowvi.engine.nn.Softplus";
  private static final double LEAK = 0.01;

  private final FlowSourceGenerator g;
  private final SourceWriter w;
  private final int k;
  private final FlowLayer.PlanarLayer layer;
  private final int dim;
  private final int rows;
  private final int[] sizes;
  private final int netLayers;
  private final int[] weightOffset;
  private final int[] biasOffset;
  private final int uHat;
  private final int gradUHat;
  private final int scalars;
  private final int pointParams;
  private final int gradRows;
  private final int aRow;
  private final int[] pre;
  private final int[] post;
  private final int gradPre;
  private final int gradPost;

  ConditionalPlanarEmitter(FlowSourceGenerator g, int k, FlowLayer.PlanarLayer layer) {
    this.g = g;
    this.w = g.w;
    this.k = k;
    this.layer = layer;
    this.dim = layer.dim();
    this.rows = 2 * dim + 1;
    this.sizes = layer.sizes();
    this.netLayers = sizes.length - 1;
    weightOffset = new int[netLayers];
    biasOffset = new int[netLayers];
    int next = layer.paramOffset() + rows;
    for (int l = 0; l < netLayers; l++) {
      weightOffset[l] = next;
      next += sizes[l + 1] * sizes[l];
      biasOffset[l] = next;
      next += sizes[l + 1];
    }
    uHat = g.fixed(dim);
    gradUHat = g.fixed(dim);
    scalars = g.fixed(4);
    pointParams = g.batch(rows);
    gradRows = g.batch(rows);
    aRow = g.batch(1);
    pre = new int[netLayers - 1];
    post = new int[netLayers - 1];
    int widest = 1;
    for (int l = 0; l < netLayers - 1; l++) {
      pre[l] = g.batch(sizes[l + 1]);
      post[l] = g.batch(sizes[l + 1]);
      widest = Math.max(widest, sizes[l + 1]);
    }
    gradPre = g.batch(widest);
    gradPost = g.batch(widest);
  }

  void emit() {
    emitNetwork();
    emitNetworkBackward();
    emitConstrain();
    emitPass("Forward", true, false);
    emitPass("Inverse", false, false);
    emitPass("ForwardBackward", true, true);
    emitPass("InverseBackward", false, true);
  }

  private String m(String name) {
    return "l" + k + name;
  }

  private String activation(String z) {
    switch (layer.activation()) {
      case RELU:
        return z + " > 0 ? " + z + " : 0.0";
      case TANH:
        return "Math.tanh(" + z + ")";
      default:
        return z + " > 0 ? " + z + " : Math.expm1(" + z + ")";
    }
  }

  private String activationDerivative(String z, String h) {
    Activation a = layer.activation();
    if (a == Activation.RELU) {
      return z + " > 0 ? 1.0 : 0.0";
    }
    return a == Activation.TANH ? "1.0 - " + h + " * " + h : z + " > 0 ? 1.0 : " + h + " + 1.0";
  }

  /** Per-point (w, u, b) rows: the network of the conditioning inputs plus the shared values. */
  private void emitNetwork() {
    w.open("private static void " + m("Network") + "(double[] p, int o, double[] c, double[] pp, int n, double[][] b)");
    for (int l = 0; l < netLayers; l++) {
      boolean last = l == netLayers - 1;
      int in = sizes[l];
      String prev = l == 0 ? "c" : "b[" + post[l - 1] + "]";
      String out = last ? "pp" : "b[" + pre[l] + "]";
      w.open("for (int r = 0; r < " + sizes[l + 1] + "; r++)");
      w.line("java.util.Arrays.fill(" + out + ", r * n, r * n + n, p[o + " + biasOffset[l] + " + r]);");
      w.open("for (int cc = 0; cc < " + in + "; cc++)");
      w.line(ROWS + ".axpy(p[o + " + weightOffset[l] + " + r * " + in + " + cc], " + prev + ", cc * n, " + out + ", r * n, n);");
      w.close();
      w.close();
      if (!last) {
        w.line("double[] z" + l + " = b[" + pre[l] + "];");
        w.line("double[] h" + l + " = b[" + post[l] + "];");
        w.open("for (int e = 0; e < " + sizes[l + 1] + " * n; e++)");
        w.line("h" + l + "[e] = " + activation("z" + l + "[e]") + ";");
        w.close();
      }
    }
    w.open("for (int r = 0; r < " + rows + "; r++)");
    w.line("double v = p[o + " + layer.paramOffset() + " + r];");
    w.open("for (int i = 0; i < n; i++)");
    w.line("pp[r * n + i] += v;");
    w.close();
    w.close();
    w.close();
  }

  /** Reverse mode through the network from the per-point adjoint rows gpr (conditioning inputs get no gradient). */
  private void emitNetworkBackward() {
    w.open("private static void " + m("NetworkBackward") + "(double[] p, int o, double[] c, double[] gpr, double[] gp, int n, double[][] b)");
    w.line("double[] gy = gpr;");
    for (int l = netLayers - 1; l >= 0; l--) {
      int in = sizes[l];
      String x = l == 0 ? "c" : "b[" + post[l - 1] + "]";
      if (l > 0) {
        w.line("java.util.Arrays.fill(b[" + gradPost + "], 0, " + in + " * n, 0.0);");
      }
      w.open("for (int r = 0; r < " + sizes[l + 1] + "; r++)");
      w.line("gp[o + " + biasOffset[l] + " + r] += " + ROWS + ".sum(gy, r * n, n);");
      w.open("for (int cc = 0; cc < " + in + "; cc++)");
      w.line("gp[o + " + weightOffset[l] + " + r * " + in + " + cc] += " + ROWS + ".dot(gy, r * n, " + x + ", cc * n, n);");
      if (l > 0) {
        w.line(ROWS + ".axpy(p[o + " + weightOffset[l] + " + r * " + in + " + cc], gy, r * n, b[" + gradPost + "], cc * n, n);");
      }
      w.close();
      w.close();
      if (l > 0) {
        w.line("double[] zb" + l + " = b[" + pre[l - 1] + "];");
        w.line("double[] hb" + l + " = b[" + post[l - 1] + "];");
        w.line("double[] gpost" + l + " = b[" + gradPost + "];");
        w.line("double[] gpre" + l + " = b[" + gradPre + "];");
        w.open("for (int e = 0; e < " + in + " * n; e++)");
        w.line("gpre" + l + "[e] = gpost" + l + "[e] * (" + activationDerivative("zb" + l + "[e]", "hb" + l + "[e]") + ");");
        w.close();
        w.line("gy = gpre" + l + ";");
      }
    }
    w.close();
  }

  /** û, m = wᵀû and (α, ‖w‖², m, k) of point i (their appendix A); returns m. */
  private void emitConstrain() {
    w.open("private static double " + m("Constrain") + "(double[] pp, int i, int n, double[] uh, double[] sc)");
    PlanarEmitter.constrainBody(w, dim, "pp[j * n + i]", "pp[(" + dim + " + j) * n + i]");
    w.close();
  }

  private void emitPass(String pass, boolean flowForward, boolean backward) {
    String[] rt = g.open(k, pass, flowForward, backward);
    boolean own = flowForward == layer.forward();
    boolean tanh = layer.tanh();
    int d = dim;
    String sr = rt[0];
    String dr = rt[1];
    w.line("double[] pp = b[" + pointParams + "];");
    w.line("double[] uh = f[" + uHat + "];");
    w.line("double[] sc = f[" + scalars + "];");
    w.line("double[] a = b[" + aRow + "];");
    if (!backward) {
      w.line(m("Network") + "(p, o, c, pp, n, b);");
      w.open("for (int i = 0; i < n; i++)");
      w.line("double m = " + m("Constrain") + "(pp, i, n, uh, sc);");
      w.line("double ai = pp[" + 2 * d + " * n + i];");
      w.open("for (int j = 0; j < " + d + "; j++)");
      w.line("ai += pp[j * n + i] * src[" + sr + "[j] * n + i];");
      w.close();
      if (!own) {
        // ai holds c = wᵀy + b: the root of a + m h(a) = c.
        w.line("double ci = ai;");
        w.line("ai = " + (tanh ? PlanarEmitter.SOLVE_TANH + "(ci, m)"
            : "ci >= 0 ? ci / (1 + m) : ci / (1 + " + SourceWriter.literal(LEAK) + " * m)") + ";");
      }
      w.line("double h = " + PlanarEmitter.value(tanh, "ai") + ";");
      w.open("for (int j = 0; j < " + d + "; j++)");
      w.line("dst[" + dr + "[j] * n + i] = src[" + sr + "[j] * n + i] " + (own ? "+" : "-") + " uh[j] * h;");
      w.close();
      w.line("ld[i] " + (own ? "+=" : "-=") + " Math.log1p(m * " + PlanarEmitter.slope(tanh, "ai", "h") + ");");
      w.line("a[i] = ai;");
      w.close();
    } else {
      w.line("double[] gu = f[" + gradUHat + "];");
      w.line("double[] gpr = b[" + gradRows + "];");
      w.open("for (int i = 0; i < n; i++)");
      w.line("double m = " + m("Constrain") + "(pp, i, n, uh, sc);");
      w.line("double ai = a[i];");
      w.line("double h = " + PlanarEmitter.value(tanh, "ai") + ";");
      w.line("double sl = " + PlanarEmitter.slope(tanh, "ai", "h") + ";");
      w.line("double d1 = 1 + m * sl;");
      w.line("double gl = gld[i];");
      w.line("double s = 0.0;");
      w.open("for (int j = 0; j < " + d + "; j++)");
      w.line("s += gDst[" + dr + "[j] * n + i] * uh[j];");
      w.close();
      String coef;
      if (own) {
        // y = x + û h(a), logDet = log(1 + m h'(a)).
        w.line("double ga = s * sl + gl * m * " + PlanarEmitter.curvature(tanh, "h", "sl") + " / d1;");
        w.line("double gm = gl * sl / d1;");
        coef = "ga";
      } else {
        // x = y − û h(a), a + m h(a) = c = wᵀy + b: da = (dc − h dm)/(1 + m h') (implicit function theorem).
        w.line("double ga = -s * sl - gl * m * " + PlanarEmitter.curvature(tanh, "h", "sl") + " / d1;");
        w.line("double gc = ga / d1;");
        w.line("double gm = -gl * sl / d1 - ga * h / d1;");
        coef = "gc";
      }
      w.open("for (int j = 0; j < " + d + "; j++)");
      w.line("double wj = pp[j * n + i];");
      w.line("double gd = gDst[" + dr + "[j] * n + i];");
      w.line("gSrc[" + sr + "[j] * n + i] = gd + " + coef + " * wj;");
      w.line("gu[j] = " + (own ? "gd * h" : "-gd * h") + " + gm * wj;");
      w.line("gpr[j * n + i] = " + coef + " * src[" + sr + "[j] * n + i] + gm * uh[j];");
      w.close();
      w.line("gpr[" + 2 * d + " * n + i] = " + coef + ";");
      // Through û = u + k(α, ‖w‖²)·w: dk/dα = (σ(α) − 1)/‖w‖², dk/d‖w‖² = −k/‖w‖².
      w.line("double sw = 0.0;");
      w.open("for (int j = 0; j < " + d + "; j++)");
      w.line("sw += gu[j] * pp[j * n + i];");
      w.close();
      w.line("double kk = sc[3];");
      w.line("double dkDalpha = (" + SOFTPLUS + ".derivative(sc[0]) - 1) / sc[1];");
      w.line("double dkDq = -kk / sc[1];");
      w.open("for (int j = 0; j < " + d + "; j++)");
      w.line("double wj = pp[j * n + i];");
      w.line("double uj = pp[(" + d + " + j) * n + i];");
      w.line("gpr[j * n + i] += kk * gu[j] + sw * (dkDalpha * uj + dkDq * 2 * wj);");
      w.line("gpr[(" + d + " + j) * n + i] = gu[j] + sw * dkDalpha * wj;");
      w.close();
      w.close();
      w.line("int q = o + " + layer.paramOffset() + ";");
      w.open("for (int r = 0; r < " + rows + "; r++)");
      w.line("double sum = 0.0;");
      w.open("for (int i = 0; i < n; i++)");
      w.line("sum += gpr[r * n + i];");
      w.close();
      w.line("gp[q + r] += sum;");
      w.close();
      w.line(m("NetworkBackward") + "(p, o, c, gpr, gp, n, b);");
    }
    w.close();
  }
}
