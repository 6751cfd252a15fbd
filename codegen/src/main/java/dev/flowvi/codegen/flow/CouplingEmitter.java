package dev.flowvi.codegen.flow;

import dev.flowvi.codegen.SourceWriter;

/**
 * Emits a {@link FlowLayer.CouplingLayer} (Dinh et al. 2017). Coordinates below d₁ = ⌊D/2⌋ pass
 * through and, with the conditioning inputs, feed the dense conditioner ({@link NetworkEmitter});
 * its output parameterises the transformer of each coordinate from d₁ on. Both directions of the
 * layer take one network pass; the backward passes run the transformer's backward, then one
 * network backward pass, whose input adjoint adds to the pass-through coordinates' adjoint.
 */
final class CouplingEmitter {
  private static final String KERNEL = "dev.flowvi.codegen.flow.FlowMath.SPLINE_KERNEL";

  private final FlowSourceGenerator gen;
  private final SourceWriter w;
  private final int k;
  private final FlowLayer.CouplingLayer c;
  private final int d1;
  private final int perDim;
  private final NetworkEmitter net;
  private final int raw;
  private final int gradRaw;

  CouplingEmitter(FlowSourceGenerator gen, int k, FlowLayer.CouplingLayer c) {
    this.gen = gen;
    this.w = gen.w;
    this.k = k;
    this.c = c;
    this.d1 = c.dim() / 2;
    this.perDim = c.perDim();
    this.net = new NetworkEmitter(gen, String.valueOf(k), c.paramOffset(), c.sizes(), null, c.activation(), perDim, d1);
    this.raw = gen.batch((c.dim() - d1) * perDim);
    this.gradRaw = gen.batch((c.dim() - d1) * perDim);
  }

  void emit() {
    net.emitTables(c.transformer().identity());
    if (c.transformer() instanceof FlowLayer.AffineKind a) {
      AffineLanes.emitScale(w, "l" + k, a);
    }
    emitPass("Forward", true, false);
    emitPass("Inverse", false, false);
    emitPass("ForwardBackward", true, true);
    emitPass("InverseBackward", false, true);
  }

  private String splineArgs() {
    FlowLayer.SplineKind s = (FlowLayer.SplineKind) c.transformer();
    return s.knots() + ", " + SourceWriter.literal(s.lo()) + ", " + SourceWriter.literal(s.hi());
  }

  private void emitPass(String pass, boolean flowForward, boolean backward) {
    String[] rows = gen.open(k, pass, flowForward, backward);
    // The layer's own forward map, or its inverse (flow inverse, or an odd number of Inverts).
    boolean own = flowForward == c.forward();
    boolean affine = c.transformer() instanceof FlowLayer.AffineKind;
    String src = rows[0];
    String dst = rows[1];
    String scale = "l" + k;
    w.line("double[] th = b[" + raw + "];");
    if (!backward) {
      String in0 = net.inputRows();
      w.open("for (int j = 0; j < " + d1 + "; j++)");
      w.line("System.arraycopy(src, " + src + "[j] * n, " + in0 + ", j * n, n);");
      w.line("System.arraycopy(src, " + src + "[j] * n, dst, " + dst + "[j] * n, n);");
      w.close();
      if (c.conditionDim() > 0) {
        w.line("System.arraycopy(c, 0, " + in0 + ", " + d1 + " * n, " + c.conditionDim() + " * n);");
      }
      net.forward("th");
      w.open("for (int j = " + d1 + "; j < " + c.dim() + "; j++)");
      w.line("int xr = " + src + "[j] * n;");
      w.line("int yr = " + dst + "[j] * n;");
      w.line("int tr = (j - " + d1 + ") * " + perDim + " * n;");
      if (affine) {
        w.line("int sr = tr + n;");
        AffineLanes.values(w, scale, (FlowLayer.AffineKind) c.transformer(), gen.program.vector, !own, "src", "xr", "dst", "yr",
            null, null);
      } else {
        w.line(KERNEL + "." + (own ? "forward" : "inverse") + "(" + splineArgs() + ", th, tr, n, src, xr, dst, yr, ld, n);");
      }
      w.close();
    } else {
      w.line("double[] gth = b[" + gradRaw + "];");
      w.open("for (int j = " + d1 + "; j < " + c.dim() + "; j++)");
      w.line("int xr = " + src + "[j] * n;");
      w.line("int yr = " + dst + "[j] * n;");
      w.line("int tr = (j - " + d1 + ") * " + perDim + " * n;");
      if (affine) {
        w.line("int sr = tr + n;");
        // The transformer's x is the pass input (own direction) or its output (inverse).
        AffineLanes.backward(w, scale, (FlowLayer.AffineKind) c.transformer(), gen.program.vector, !own, own ? "src" : "dst",
            own ? "xr" : "yr", "gDst", "yr", "gSrc", "xr");
      } else {
        w.line(KERNEL + "." + (own ? "forwardBackward" : "inverseBackward") + "(" + splineArgs()
            + ", th, tr, n, src, xr, gDst, yr, gld, gSrc, xr, gth, tr, n);");
      }
      w.close();
      net.backward("gth");
      String gx0 = net.gradInputRows();
      w.open("for (int j = 0; j < " + d1 + "; j++)");
      w.line("int xr = " + src + "[j] * n;");
      w.line("int yr = " + dst + "[j] * n;");
      w.open("for (int i = 0; i < n; i++)");
      w.line("gSrc[xr + i] = gDst[yr + i] + " + gx0 + "[j * n + i];");
      w.close();
      w.close();
    }
    w.close();
  }
}
