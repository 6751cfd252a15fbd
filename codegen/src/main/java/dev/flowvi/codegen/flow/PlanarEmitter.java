package dev.flowvi.codegen.flow;

import dev.flowvi.codegen.SourceWriter;

/**
 * Emits the four pass methods of a compiled {@link FlowLayer.PlanarLayer} (engine {@code Planar},
 * Rezende and Mohamed 2015 eq. 10): y = x + û·h(wᵀx + b). The dimension, the parameter offsets and
 * the nonlinearity are constants; û and m = wᵀû are formed once per pass (the parameters are shared
 * by every point), and the batch loops run on the engine's row primitives.
 *
 * <p>The backward passes exploit that sharing: dL/dû is linear in the per-point adjoints, so it is
 * summed over the batch first (one dot product per coordinate) and pushed through û(w, u) once,
 * where the engine chains every point. The two differ only in summation order.
 */
final class PlanarEmitter {
  private static final String ROWS = "dev.flowvi.codegen.flow.FlowRows";
  private static final String SOFTPLUS = "dev.flowvi.engine.nn.Softplus";
  /** The engine's tanh root solve, so compiled and interpreted inverses take the same Newton steps. */
  static final String SOLVE_TANH = "dev.flowvi.engine.flow.Planar.solveTanh";
  private static final double LEAK = 0.01;

  private final FlowSourceGenerator g;
  private final SourceWriter w;
  private final int k;
  private final FlowLayer.PlanarLayer layer;
  private final int dim;
  /** Fixed buffers: û (D), (α, ‖w‖², m, k), Σ_i dL/dû (D), direct dL/dw (D). */
  private final int uHat;
  private final int scalars;
  private final int gradUHat;
  private final int gradW;
  /** Batch rows: a = wᵀx + b saved by the value passes, h(a) saved, and two adjoint rows. */
  private final int aRow;
  private final int hRow;
  private final int coefRow;
  private final int weightRow;

  PlanarEmitter(FlowSourceGenerator g, int k, FlowLayer.PlanarLayer layer) {
    this.g = g;
    this.w = g.w;
    this.k = k;
    this.layer = layer;
    this.dim = layer.dim();
    uHat = g.fixed(dim);
    scalars = g.fixed(4);
    gradUHat = g.fixed(dim);
    gradW = g.fixed(dim);
    aRow = g.batch(1);
    hRow = g.batch(1);
    coefRow = g.batch(1);
    weightRow = g.batch(1);
  }

  void emit() {
    emitConstrain();
    emitPass("Forward", true, false);
    emitPass("Inverse", false, false);
    emitPass("ForwardBackward", true, true);
    emitPass("InverseBackward", false, true);
  }

  /** û = u + k·w with k = (m(α) − α)/‖w‖², α = wᵀu, m(α) = softplus(α) − 1 (their appendix A); returns m. */
  private void emitConstrain() {
    w.open("private static double l" + k + "Constrain(double[] p, int q, double[] uh, double[] sc)");
    constrainBody(w, dim, "p[q + j]", "p[q + " + dim + " + j]");
    w.close();
  }

  /**
   * The body of a Constrain method, shared with {@link ConditionalPlanarEmitter}: given the source
   * expressions of w_j and u_j (in terms of the loop variable {@code j}), computes α = wᵀu, ‖w‖²,
   * m = softplus(α) − 1 and k = (m − α)/‖w‖², writes û = u + k·w into {@code uh} and (α, ‖w‖², m, k)
   * into {@code sc}, and returns m.
   */
  static void constrainBody(SourceWriter w, int dim, String wj, String uj) {
    w.line("double alpha = 0.0;");
    w.line("double qq = 0.0;");
    w.open("for (int j = 0; j < " + dim + "; j++)");
    w.line("double wj = " + wj + ";");
    w.line("alpha += wj * " + uj + ";");
    w.line("qq += wj * wj;");
    w.close();
    w.line("double m = " + SOFTPLUS + ".value(alpha) - 1;");
    w.line("double kk = (m - alpha) / qq;");
    w.open("for (int j = 0; j < " + dim + "; j++)");
    w.line("uh[j] = " + uj + " + kk * " + wj + ";");
    w.close();
    w.line("sc[0] = alpha;");
    w.line("sc[1] = qq;");
    w.line("sc[2] = m;");
    w.line("sc[3] = kk;");
    w.line("return m;");
  }

  private String value(String a) {
    return value(layer.tanh(), a);
  }

  private String slope(String a, String h) {
    return slope(layer.tanh(), a, h);
  }

  private String curvature(String h, String slope) {
    return curvature(layer.tanh(), h, slope);
  }

  /** h(a) as a Java expression. */
  static String value(boolean tanh, String a) {
    return tanh ? "Math.tanh(" + a + ")" : "(" + a + " >= 0 ? " + a + " : " + SourceWriter.literal(LEAK) + " * " + a + ")";
  }

  /** h'(a), given h = h(a). */
  static String slope(boolean tanh, String a, String h) {
    return tanh ? "(1 - " + h + " * " + h + ")" : "(" + a + " >= 0 ? 1.0 : " + SourceWriter.literal(LEAK) + ")";
  }

  /** h''(a), given h and h'. */
  static String curvature(boolean tanh, String h, String slope) {
    return tanh ? "(-2 * " + h + " * " + slope + ")" : "0.0";
  }

  private void emitPass(String pass, boolean flowForward, boolean backward) {
    String[] rows = g.open(k, pass, flowForward, backward);
    boolean own = flowForward == layer.forward();
    int d = dim;
    w.line("int q = o + " + layer.paramOffset() + ";");
    w.line("double[] uh = f[" + uHat + "];");
    w.line("double[] sc = f[" + scalars + "];");
    w.line("double m = l" + k + "Constrain(p, q, uh, sc);");
    w.line("double[] a = b[" + aRow + "];");
    w.line("double[] hv = b[" + hRow + "];");
    if (!backward) {
      // a = b + Σ_j w_j·src_j (forward: a = wᵀx + b; inverse: c = wᵀy + b, then the root of a + m h(a) = c).
      w.line("java.util.Arrays.fill(a, 0, n, p[q + " + 2 * d + "]);");
      w.open("for (int j = 0; j < " + d + "; j++)");
      w.line(ROWS + ".axpy(p[q + j], src, " + rows[0] + "[j] * n, a, 0, n);");
      w.close();
      w.open("for (int i = 0; i < n; i++)");
      if (own) {
        w.line("double ai = a[i];");
      } else if (layer.tanh()) {
        w.line("double ai = " + SOLVE_TANH + "(a[i], m);");
        w.line("a[i] = ai;");
      } else {
        // Leaky ReLU: a + m·h(a) is linear on each side of 0, and sign(a) = sign(c).
        w.line("double ci = a[i];");
        w.line("double ai = ci >= 0 ? ci / (1 + m) : ci / (1 + " + SourceWriter.literal(LEAK) + " * m);");
        w.line("a[i] = ai;");
      }
      w.line("double h = " + value("ai") + ";");
      w.line("hv[i] = h;");
      w.line("ld[i] " + (own ? "+=" : "-=") + " Math.log1p(m * " + slope("ai", "h") + ");");
      w.close();
      // dst = src ± û_j h(a), one row at a time.
      w.open("for (int j = 0; j < " + d + "; j++)");
      w.line("int sr = " + rows[0] + "[j] * n;");
      w.line("int dr = " + rows[1] + "[j] * n;");
      w.line("System.arraycopy(src, sr, dst, dr, n);");
      w.line(ROWS + ".axpy(" + (own ? "uh[j]" : "-uh[j]") + ", hv, 0, dst, dr, n);");
      w.close();
    } else {
      w.line("double[] coef = b[" + coefRow + "];");
      w.line("double[] weight = b[" + weightRow + "];");
      w.line("double[] gu = f[" + gradUHat + "];");
      w.line("double[] gw = f[" + gradW + "];");
      // s = Σ_j dL/d(out)_j û_j per point.
      w.line("java.util.Arrays.fill(coef, 0, n, 0.0);");
      w.open("for (int j = 0; j < " + d + "; j++)");
      w.line(ROWS + ".axpy(uh[j], gDst, " + rows[1] + "[j] * n, coef, 0, n);");
      w.close();
      w.line("double gmSum = 0.0;");
      w.open("for (int i = 0; i < n; i++)");
      w.line("double ai = a[i];");
      w.line("double h = hv[i];");
      w.line("double sl = " + slope("ai", "h") + ";");
      w.line("double d1 = 1 + m * sl;");
      w.line("double gl = gld[i];");
      if (own) {
        // y = x + û h(a), logDet = log(1 + m h'(a)): coef = dL/da, weight = ∂y/∂û per unit dL/dy.
        w.line("coef[i] = coef[i] * sl + gl * m * " + curvature("h", "sl") + " / d1;");
        w.line("gmSum += gl * sl / d1;");
        w.line("weight[i] = h;");
      } else {
        // x = y − û h(a) with a + m h(a) = c = wᵀy + b: da = (dc − h dm)/(1 + m h') (implicit
        // function theorem); coef = dL/dc.
        w.line("double ga = -coef[i] * sl - gl * m * " + curvature("h", "sl") + " / d1;");
        w.line("coef[i] = ga / d1;");
        w.line("gmSum += -gl * sl / d1 - ga * h / d1;");
        w.line("weight[i] = -h;");
      }
      w.close();
      // dL/d(in)_j = dL/d(out)_j + coef w_j; Σ_i dL/dû_j and the direct dL/dw_j, summed over the batch.
      w.open("for (int j = 0; j < " + d + "; j++)");
      w.line("int sr = " + rows[0] + "[j] * n;");
      w.line("int dr = " + rows[1] + "[j] * n;");
      w.line("double wj = p[q + j];");
      w.line("System.arraycopy(gDst, dr, gSrc, sr, n);");
      w.line(ROWS + ".axpy(wj, coef, 0, gSrc, sr, n);");
      w.line("gu[j] = " + ROWS + ".dot(gDst, dr, weight, 0, n) + wj * gmSum;");
      w.line("gw[j] = " + ROWS + ".dot(coef, 0, src, sr, n) + uh[j] * gmSum;");
      w.close();
      // Through û = u + k(α, ‖w‖²)·w: dk/dα = (σ(α) − 1)/‖w‖², dk/d‖w‖² = −k/‖w‖².
      w.line("double sw = 0.0;");
      w.open("for (int j = 0; j < " + d + "; j++)");
      w.line("sw += gu[j] * p[q + j];");
      w.close();
      w.line("double kk = sc[3];");
      w.line("double dkDalpha = (" + SOFTPLUS + ".derivative(sc[0]) - 1) / sc[1];");
      w.line("double dkDq = -kk / sc[1];");
      w.open("for (int j = 0; j < " + d + "; j++)");
      w.line("double wj = p[q + j];");
      w.line("double uj = p[q + " + d + " + j];");
      w.line("gp[q + j] += gw[j] + kk * gu[j] + sw * (dkDalpha * uj + dkDq * 2 * wj);");
      w.line("gp[q + " + d + " + j] += gu[j] + sw * dkDalpha * wj;");
      w.close();
      w.line("gp[q + " + 2 * d + "] += " + ROWS + ".sum(coef, 0, n);");
    }
    w.close();
  }
}
