package dev.flowvi.codegen.flow;

import dev.flowvi.codegen.SourceWriter;
import dev.flowvi.engine.kernel.SplineKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Emits an {@link FlowLayer.ElementwiseGroup}: consecutive elementwise maps fused into one loop
 * over the batch per coordinate, so a chain of maps costs one read and one write of each value.
 * Coordinates are split into segments on which the same steps act (a Stack gives several); per
 * coordinate, quantities shared by all points (spline knots, scales and shifts) are computed once
 * before the point loop, and parameter gradients are summed over the points in registers.
 */
final class ElementwiseEmitter {
  private static final String MATH = "dev.flowvi.codegen.flow.FlowMath";
  private static final String SPLINE = "dev.flowvi.codegen.flow.SplineMath";
  private static final String SOFTPLUS = "dev.flowvi.engine.nn.Softplus";

  private final FlowSourceGenerator gen;
  private final SourceWriter w;
  private final int k;
  private final List<FlowLayer.ElementwiseStep> steps;
  /** Per step: fixed buffers of its knot table, adjoint accumulator and (value, log-det) pair; −1 unless a spline. */
  private final int[] table;
  private final int[] accumulator;
  private final int[] result;
  /** Batch buffers holding the values between steps, saved by the value passes for the backward passes. */
  private final int[] between;

  ElementwiseEmitter(FlowSourceGenerator gen, int k, FlowLayer.ElementwiseGroup group) {
    this.gen = gen;
    this.w = gen.w;
    this.k = k;
    this.steps = group.steps();
    between = new int[Math.max(0, steps.size() - 1)];
    for (int t = 0; t < between.length; t++) {
      between[t] = gen.batch(gen.dim);
    }
    table = new int[steps.size()];
    accumulator = new int[steps.size()];
    result = new int[steps.size()];
    for (int t = 0; t < steps.size(); t++) {
      table[t] = -1;
      if (steps.get(t) instanceof FlowLayer.SplineStep s) {
        table[t] = gen.fixed(SplineMath.tableSize(s.knots()));
        accumulator[t] = gen.fixed(SplineMath.accumulatorSize(s.knots()));
        result[t] = gen.fixed(2);
      }
    }
  }

  void emit() {
    for (int t = 0; t < steps.size(); t++) {
      if (steps.get(t) instanceof FlowLayer.MapStep m && m.kind() == FlowLayer.MapKind.BOUNDED) {
        double[] logWidth = new double[m.lo().length];
        for (int j = 0; j < logWidth.length; j++) {
          logWidth[j] = Math.log(m.hi()[j] - m.lo()[j]);
        }
        gen.field("static final double[] LO_" + k + "_" + t + " = " + FlowSourceGenerator.doubles(m.lo()) + ";");
        gen.field("static final double[] HI_" + k + "_" + t + " = " + FlowSourceGenerator.doubles(m.hi()) + ";");
        gen.field("static final double[] LW_" + k + "_" + t + " = " + FlowSourceGenerator.doubles(logWidth) + ";");
      }
    }
    emitPass("Forward", true, false);
    emitPass("Inverse", false, false);
    emitPass("ForwardBackward", true, true);
    emitPass("InverseBackward", false, true);
  }

  /** Segment boundaries: every coordinate of a segment sees the same steps. */
  private int[] boundaries() {
    TreeSet<Integer> cuts = new TreeSet<>();
    cuts.add(0);
    cuts.add(gen.dim);
    for (FlowLayer.ElementwiseStep s : steps) {
      cuts.add(s.from());
      cuts.add(s.to());
    }
    return cuts.stream().mapToInt(Integer::intValue).toArray();
  }

  private void emitPass(String pass, boolean flowForward, boolean backward) {
    String[] rows = gen.open(k, pass, flowForward, backward);
    boolean shiftScale = false;
    for (int t = 0; t < steps.size(); t++) {
      if (table[t] >= 0) {
        w.line("double[] tab" + t + " = f[" + table[t] + "];");
        w.line("double[] res" + t + " = f[" + result[t] + "];");
        if (backward) {
          w.line("double[] acc" + t + " = f[" + accumulator[t] + "];");
        }
      }
      shiftScale |= steps.get(t) instanceof FlowLayer.ShiftScaleStep;
    }
    if (backward && shiftScale) {
      // The log-det adjoint is the same for every coordinate: its sum over points is taken once.
      w.line("double gls = " + MATH + ".sum(gld, 0, n);");
    }
    int[] cuts = boundaries();
    for (int c = 0; c + 1 < cuts.length; c++) {
      int from = cuts[c];
      int to = cuts[c + 1];
      List<Integer> active = new ArrayList<>();
      for (int t = 0; t < steps.size(); t++) {
        if (steps.get(t).from() <= from && to <= steps.get(t).to()) {
          // The inverse pass applies the steps last first.
          active.add(flowForward ? active.size() : 0, t);
        }
      }
      segment(from, to, active, rows, flowForward, backward);
    }
    w.close();
  }

  private FlowLayer.ElementwiseStep applied(int index, boolean flowForward) {
    FlowLayer.ElementwiseStep s = steps.get(index);
    return flowForward ? s : s.flipped();
  }

  /** Coordinate j counted from the start of the step's block. */
  private static String local(FlowLayer.ElementwiseStep s) {
    return s.from() == 0 ? "j" : "(j - " + s.from() + ")";
  }

  private void segment(int from, int to, List<Integer> order, String[] rows, boolean flowForward, boolean backward) {
    int q = order.size();
    w.open("for (int j = " + from + "; j < " + to + "; j++)");
    w.line("int si = " + rows[0] + "[j] * n;");
    w.line("int di = " + rows[1] + "[j] * n;");
    for (int t : order) {
      perCoordinate(t, applied(t, flowForward), backward);
    }
    if (!backward && splitsForLanes(order, flowForward)) {
      splitValues(order, flowForward);
      w.close();
      return;
    }
    w.line("int i = 0;");
    if (vectorisable(order, flowForward)) {
      if (backward) {
        vectorBackward(order, flowForward);
      } else {
        vectorValues(order, flowForward);
      }
    }
    // The scalar loop: the tail after the vector loop, or every point.
    w.open("for (; i < n; i++)");
    w.line("double v0 = src[si + i];");
    if (!backward) {
      if (q > 0) {
        w.line("double l = 0.0;");
      }
      for (int t = 0; t < q; t++) {
        step(t, order.get(t), applied(order.get(t), flowForward));
        if (t < q - 1) {
          w.line("b[" + between[t] + "][j * n + i] = v" + (t + 1) + ";");
        }
      }
      w.line("dst[di + i] = v" + q + ";");
      if (q > 0) {
        w.line("ld[i] += l;");
      }
    } else {
      for (int t = 0; t < q - 1; t++) {
        w.line("double v" + (t + 1) + " = b[" + between[t] + "][j * n + i];");
      }
      if (q > 0) {
        w.line("double v" + q + " = dst[di + i];");
        w.line("double gl = gld[i];");
      }
      w.line("double g = gDst[di + i];");
      // dL/dv_t from dL/dv_{t+1} and dL/dlogDet, last step first.
      for (int t = q - 1; t >= 0; t--) {
        stepBackward(t, order.get(t), applied(order.get(t), flowForward));
      }
      w.line("gSrc[si + i] = g;");
    }
    w.close();
    if (backward) {
      for (int t : order) {
        parameterGradient(t, applied(t, flowForward));
      }
    }
    w.close();
  }

  // ---------------------------------------------------------------- Vector API loops

  private static final String DV = "jdk.incubator.vector.DoubleVector";

  /**
   * Whether the segment gets a Vector API loop over the points before its scalar tail: shifts and
   * scales (two lane operations) and Exp (VectorOperators.EXP, within 1 ulp of Math.exp, not
   * bit-identical). The other maps and the inverse maps (whose input is checked against the image
   * point by point, as the engine does) stay scalar. A value pass with a spline or LeakyTanh runs
   * those in lanes, each in a loop of its own ({@link #splitsForLanes}); their backward passes stay
   * scalar: spline adjoints in lanes (one vector accumulator per bin and adjoint) made the M2 seed
   * preset 2–3 s slower on JDK 25, C2 taking 0.8–1 s per compile of each backward pass method
   * and compiling each several times, for 8 % less time per step afterwards (docs/PERFORMANCE.md).
   */
  private boolean vectorisable(List<Integer> order, boolean flowForward) {
    if (!gen.program.vector || order.isEmpty()) {
      return false;
    }
    for (int x : order) {
      FlowLayer.ElementwiseStep s = applied(x, flowForward);
      boolean ok = s instanceof FlowLayer.ShiftScaleStep
          || s instanceof FlowLayer.MapStep m && m.kind() == FlowLayer.MapKind.EXP && m.forward();
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether a value pass runs one loop per step instead of one fused loop: when it has a spline or
   * a LeakyTanh, alone or in a chain with steps that stay scalar. The fused scalar loop is bound by
   * the spline's bin search and LeakyTanh's exp and log calls; in loops of their own they run in lanes.
   */
  private boolean splitsForLanes(List<Integer> order, boolean flowForward) {
    if (!gen.program.vector || order.isEmpty()) {
      return false;
    }
    for (int x : order) {
      FlowLayer.ElementwiseStep s = applied(x, flowForward);
      if (s instanceof FlowLayer.LeakyTanhStep || s instanceof FlowLayer.SplineStep) {
        return true;
      }
    }
    return false;
  }

  /**
   * The value pass as one loop over the points per step: step t reads the previous step's saved
   * values (or the source) and writes its own (or the destination), and adds its log-det to ld.
   * LeakyTanh and spline steps get a lane loop before their scalar tail.
   */
  private void splitValues(List<Integer> order, boolean flowForward) {
    int q = order.size();
    for (int t = 0; t < q; t++) {
      int x = order.get(t);
      FlowLayer.ElementwiseStep s = applied(x, flowForward);
      String inArray = t == 0 ? "src" : "b[" + between[t - 1] + "]";
      String inIndex = t == 0 ? "si + i" : "j * n + i";
      String outArray = t == q - 1 ? "dst" : "b[" + between[t] + "]";
      String outIndex = t == q - 1 ? "di + i" : "j * n + i";
      w.open("");
      w.line("int i = 0;");
      if (s instanceof FlowLayer.LeakyTanhStep || s instanceof FlowLayer.SplineStep) {
        SplineLanes spline = s instanceof FlowLayer.SplineStep sp ? new SplineLanes(w, x, sp) : null;
        if (spline != null) {
          spline.binScalars();
        }
        w.open("for (int bound = V_S.loopBound(n); i < bound; i += V_S.length())");
        w.line(DV + " v = " + load(inArray, inIndex) + ";");
        if (spline != null) {
          spline.value("v", "out", "ldv");
        } else {
          leakyTanhLanes((FlowLayer.LeakyTanhStep) s);
        }
        w.line("out.intoArray(" + outArray + ", " + outIndex + ");");
        w.line(load("ld", "i") + ".add(ldv).intoArray(ld, i);");
        w.close();
      }
      w.open("for (; i < n; i++)");
      w.line("double v" + t + " = " + inArray + "[" + inIndex + "];");
      w.line("double l = 0.0;");
      step(t, x, s);
      w.line(outArray + "[" + outIndex + "] = v" + (t + 1) + ";");
      w.line("ld[i] += l;");
      w.close();
      w.close();
    }
  }

  /**
   * LeakyTanh(m) or its inverse on the lanes of {@code v}, into {@code out} and its log-det into
   * {@code ldv}: the scalar step's formulas (leakyTanh) with EXPM1, LOG and LOG1P lanes, both sides
   * of |x| = m computed and blended (lanes of the other side may hold NaN, which the blend drops).
   */
  private void leakyTanhLanes(FlowLayer.LeakyTanhStep lt) {
    double m = lt.maxVal();
    String mask = "jdk.incubator.vector.VectorMask<Double>";
    w.line(DV + " a = v.abs();");
    w.line(mask + " neg = v.compare(V_LT, 0.0);");
    if (lt.forward()) {
      String tm = SourceWriter.literal(Math.tanh(m));
      w.line(DV + " em = a.mul(-2.0).lanewise(V_EXPM1);");
      w.line(DV + " th = em.neg().div(em.add(2.0));");
      w.line(DV + " lin = " + DV + ".broadcast(V_S, " + tm + ").blend(-" + tm + ", neg).add(v.sub(" + DV + ".broadcast(V_S, "
          + SourceWriter.literal(m) + ").blend(-" + SourceWriter.literal(m) + ", neg)).mul(" + SourceWriter.literal(FlowMath.sech2(m)) + "));");
      w.line(mask + " in = a.compare(V_LT, " + SourceWriter.literal(m) + ");");
      w.line(DV + " out = lin.blend(th.blend(th.neg(), neg), in);");
      w.line(DV + " ldv = " + DV + ".broadcast(V_S, " + SourceWriter.literal(FlowMath.logSech2(m)) + ").blend(a.neg().add("
          + SourceWriter.literal(Math.log(2.0)) + ").sub(em.add(2.0).lanewise(V_LOG)).mul(2.0), in);");
    } else {
      String edge = SourceWriter.literal(Math.tanh(m));
      w.line(DV + " at = a.mul(2.0).div(a.neg().add(1.0)).lanewise(V_LOG1P).mul(0.5);");
      w.line(DV + " lin = " + DV + ".broadcast(V_S, " + SourceWriter.literal(m) + ").blend(-" + SourceWriter.literal(m)
          + ", neg).add(v.sub(" + DV + ".broadcast(V_S, " + edge + ").blend(-" + edge + ", neg)).div("
          + SourceWriter.literal(FlowMath.sech2(m)) + "));");
      w.line(mask + " in = a.compare(V_LT, " + edge + ");");
      w.line(DV + " out = lin.blend(at.blend(at.neg(), neg), in);");
      w.line(DV + " ldv = " + DV + ".broadcast(V_S, " + SourceWriter.literal(-FlowMath.logSech2(m)) + ").blend(v.neg().add(1.0).mul(v.add(1.0))"
          + ".lanewise(V_LOG).neg(), in);");
    }
  }

  private static boolean isLoc(FlowLayer.ElementwiseStep s) {
    return s instanceof FlowLayer.ShiftScaleStep ss && ss.kind() == FlowLayer.ShiftScaleKind.LOC;
  }

  private String load(String array, String index) {
    return DV + ".fromArray(V_S, " + array + ", " + index + ")";
  }

  private void vectorValues(List<Integer> order, boolean flowForward) {
    int q = order.size();
    // Shift-scale log-dets are constant per coordinate: one scalar for the segment's steps.
    StringBuilder constant = new StringBuilder("0.0");
    boolean perPoint = false;
    for (int x : order) {
      FlowLayer.ElementwiseStep s = applied(x, flowForward);
      if (s instanceof FlowLayer.ShiftScaleStep && !isLoc(s)) {
        constant.append(s.forward() ? " + ls" : " - ls").append(x);
      }
      perPoint |= s instanceof FlowLayer.MapStep;
    }
    w.line("double lc = " + constant + ";");
    w.open("for (int bound = V_S.loopBound(n); i < bound; i += V_S.length())");
    w.line(DV + " v0 = " + load("src", "si + i") + ";");
    if (perPoint) {
      w.line(DV + " l = " + DV + ".zero(V_S);");
    }
    for (int t = 0; t < q; t++) {
      int x = order.get(t);
      FlowLayer.ElementwiseStep s = applied(x, flowForward);
      String v = "v" + t;
      String out = "v" + (t + 1);
      if (s instanceof FlowLayer.ShiftScaleStep) {
        String value = isLoc(s) ? (s.forward() ? v + ".add(t" + x + ")" : v + ".sub(t" + x + ")")
            : s.forward() ? v + ".mul(s" + x + ").add(t" + x + ")" : v + ".sub(t" + x + ").mul(is" + x + ")";
        w.line(DV + " " + out + " = " + value + ";");
      } else if (s.forward()) {
        // Exp: log-det x.
        w.line(DV + " " + out + " = " + v + ".lanewise(V_EXP);");
        w.line("l = l.add(" + v + ");");
      } else {
        // Log: log-det −log y = −x.
        w.line(DV + " " + out + " = " + v + ".lanewise(V_LOG);");
        w.line("l = l.sub(" + out + ");");
      }
      if (t < q - 1) {
        w.line(out + ".intoArray(b[" + between[t] + "], j * n + i);");
      }
    }
    w.line("v" + q + ".intoArray(dst, di + i);");
    w.line(load("ld", "i") + (perPoint ? ".add(l)" : "") + ".add(lc).intoArray(ld, i);");
    w.close();
  }

  private void vectorBackward(List<Integer> order, boolean flowForward) {
    int q = order.size();
    for (int x : order) {
      if (applied(x, flowForward) instanceof FlowLayer.ShiftScaleStep s) {
        w.line(DV + " sgV" + x + " = " + DV + ".zero(V_S);");
        if (!isLoc(s)) {
          w.line(DV + " sgxV" + x + " = " + DV + ".zero(V_S);");
        }
      }
    }
    w.open("for (int bound = V_S.loopBound(n); i < bound; i += V_S.length())");
    w.line(DV + " v0 = " + load("src", "si + i") + ";");
    for (int t = 0; t < q - 1; t++) {
      w.line(DV + " v" + (t + 1) + " = " + load("b[" + between[t] + "]", "j * n + i") + ";");
    }
    w.line(DV + " v" + q + " = " + load("dst", "di + i") + ";");
    w.line(DV + " gl = " + load("gld", "i") + ";");
    w.line(DV + " g = " + load("gDst", "di + i") + ";");
    for (int t = q - 1; t >= 0; t--) {
      int x = order.get(t);
      FlowLayer.ElementwiseStep s = applied(x, flowForward);
      if (s instanceof FlowLayer.ShiftScaleStep) {
        w.line("sgV" + x + " = sgV" + x + ".add(g);");
        if (!isLoc(s)) {
          w.line("sgxV" + x + " = sgxV" + x + ".add(g.mul(v" + (s.forward() ? t : t + 1) + "));");
          w.line("g = g.mul(" + (s.forward() ? "s" : "is") + x + ");");
        }
      } else if (s.forward()) {
        // Exp: f' = e^x is the saved output, (log f')' = 1.
        w.line("g = g.mul(v" + (t + 1) + ").add(gl);");
      } else {
        // Log: g' = 1/y and (log g')' = −1/y.
        w.line("g = g.sub(gl).div(v" + t + ");");
      }
    }
    w.line("g.intoArray(gSrc, si + i);");
    w.close();
    for (int x : order) {
      if (applied(x, flowForward) instanceof FlowLayer.ShiftScaleStep s) {
        w.line("sg" + x + " += sgV" + x + ".reduceLanes(V_ADD);");
        if (!isLoc(s)) {
          w.line("sgx" + x + " += sgxV" + x + ".reduceLanes(V_ADD);");
        }
      }
    }
  }

  // ---------------------------------------------------------------- per coordinate

  private void perCoordinate(int x, FlowLayer.ElementwiseStep s, boolean backward) {
    String jj = local(s);
    if (s instanceof FlowLayer.SplineStep sp) {
      // Spline knots depend only on the coordinate: computed once here, not per point.
      w.line(SPLINE + ".knots(p, " + splineParams(sp) + ", " + splineArgs(sp) + ", tab" + x + ");");
      if (backward) {
        w.line("java.util.Arrays.fill(acc" + x + ", 0.0);");
      }
    } else if (s instanceof FlowLayer.MapStep m && m.kind() == FlowLayer.MapKind.BOUNDED) {
      w.line("double lo" + x + " = LO_" + k + "_" + x + "[" + jj + "];");
      w.line("double hi" + x + " = HI_" + k + "_" + x + "[" + jj + "];");
      w.line("double lw" + x + " = LW_" + k + "_" + x + "[" + jj + "];");
    } else if (s instanceof FlowLayer.ShiftScaleStep ss) {
      shiftScaleSetup(x, ss, jj);
      if (backward) {
        w.line("double sg" + x + " = 0.0;");
        w.line("double sgx" + x + " = 0.0;");
      }
    }
  }

  /** Indices into p of the shift t and the raw scale r of coordinate jj, or null when the kind has none. */
  private static String[] shiftScaleIndices(FlowLayer.ShiftScaleStep s, String jj) {
    String base = "o + " + s.paramOffset() + " + ";
    int d = s.to() - s.from();
    switch (s.kind()) {
      case LOC:
        return new String[] {base + jj, null};
      case SCALE:
        return new String[] {null, base + jj};
      case AFFINE:
        return new String[] {base + jj, base + d + " + " + jj};
      default:
        return new String[] {base + "2 * " + jj, base + "2 * " + jj + " + 1"};
    }
  }

  /**
   * t, s, log s, 1/s and d log s/dr of the coordinate, evaluated as the engine does: Scale and
   * Affine take s = softplus(r) (log s via logSoftplus), the AffineTransformer s = e^{log s} with
   * log s = log(softplus(r) + 0.01) or Andrade's soft clamp (2α/π) arctan(r/α).
   */
  private void shiftScaleSetup(int x, FlowLayer.ShiftScaleStep s, String jj) {
    String[] idx = shiftScaleIndices(s, jj);
    w.line("double t" + x + " = " + (idx[0] == null ? "0.0" : "p[" + idx[0] + "]") + ";");
    if (idx[1] == null) {
      return;
    }
    String r = "r" + x;
    w.line("double " + r + " = p[" + idx[1] + "];");
    switch (s.kind()) {
      case SCALE:
      case AFFINE:
        w.line("double s" + x + " = " + MATH + ".softplus(" + r + ");");
        w.line("double ls" + x + " = " + MATH + ".logSoftplus(" + r + ");");
        w.line("double is" + x + " = 1.0 / s" + x + ";");
        w.line("double sl" + x + " = " + MATH + ".logSoftplusSlope(" + r + ");");
        break;
      case TRANSFORMER_FLOOR:
        w.line("double ls" + x + " = Math.log(" + SOFTPLUS + ".value(" + r + ") + "
            + SourceWriter.literal(dev.flowvi.engine.bijection.AffineTransformer.SCALE_FLOOR) + ");");
        w.line("double s" + x + " = Math.exp(ls" + x + ");");
        w.line("double is" + x + " = Math.exp(-ls" + x + ");");
        w.line("double sl" + x + " = " + SOFTPLUS + ".derivative(" + r + ") / s" + x + ";");
        break;
      default:
        w.line("double al" + x + " = " + r + " >= 0 ? " + SourceWriter.literal(s.alphaPositive()) + " : "
            + SourceWriter.literal(s.alphaNegative()) + ";");
        w.line("double ls" + x + " = (2.0 * al" + x + " / Math.PI) * Math.atan(" + r + " / al" + x + ");");
        w.line("double s" + x + " = Math.exp(ls" + x + ");");
        w.line("double is" + x + " = Math.exp(-ls" + x + ");");
        w.line("double qq" + x + " = " + r + " / al" + x + ";");
        w.line("double sl" + x + " = (2.0 / Math.PI) / (1.0 + qq" + x + " * qq" + x + ");");
        break;
    }
  }

  /** After the point loop: the sums over points become parameter gradients. */
  private void parameterGradient(int x, FlowLayer.ElementwiseStep s) {
    if (s instanceof FlowLayer.SplineStep sp) {
      w.line(SPLINE + ".rawGradient(p, " + splineParams(sp) + ", " + splineArgs(sp) + ", acc" + x + ", gp);");
    } else if (s instanceof FlowLayer.ShiftScaleStep ss) {
      String[] idx = shiftScaleIndices(ss, local(ss));
      boolean loc = idx[1] == null;
      if (idx[0] != null) {
        // Forward: ∂y/∂t = 1. Inverse x = (y − t)/s: ∂x/∂t = −1/s.
        w.line("gp[" + idx[0] + "] += " + (ss.forward() ? "sg" + x : (loc ? "-sg" + x : "-sg" + x + " * is" + x)) + ";");
      }
      if (!loc) {
        // Forward: ∂y/∂log s = x·s, ∂logDet/∂log s = 1. Inverse: ∂x/∂log s = −x, ∂logDet/∂log s = −1.
        String inner = ss.forward() ? "s" + x + " * sgx" + x + " + gls" : "-sgx" + x + " - gls";
        w.line("gp[" + idx[1] + "] += sl" + x + " * (" + inner + ");");
      }
    }
  }

  // ---------------------------------------------------------------- per point

  private String splineArgs(FlowLayer.SplineStep s) {
    return s.knots() + ", " + SourceWriter.literal(s.lo()) + ", " + SourceWriter.literal(s.hi());
  }

  private String splineParams(FlowLayer.SplineStep s) {
    return "o + " + s.paramOffset() + " + " + local(s) + " * " + SplineKernel.rawRows(s.knots());
  }

  /** {@code double v<t+1> = …} for the t-th applied step (step {@code x} of the group), and {@code l +=} its log-det. */
  private void step(int t, int x, FlowLayer.ElementwiseStep s) {
    String v = "v" + t;
    String out = "v" + (t + 1);
    if (s instanceof FlowLayer.SplineStep sp) {
      String res = "res" + x;
      w.line(SPLINE + "." + (sp.forward() ? "forward" : "inverse") + "(" + v + ", " + splineArgs(sp) + ", tab" + x + ", " + res + ");");
      w.line("double " + out + " = " + res + "[0];");
      w.line("l += " + res + "[1];");
    } else if (s instanceof FlowLayer.ShiftScaleStep ss) {
      boolean loc = ss.kind() == FlowLayer.ShiftScaleKind.LOC;
      if (ss.forward()) {
        w.line("double " + out + " = " + (loc ? v + " + t" + x : v + " * s" + x + " + t" + x) + ";");
        if (!loc) {
          w.line("l += ls" + x + ";");
        }
      } else {
        w.line("double " + out + " = " + (loc ? v + " - t" + x : "(" + v + " - t" + x + ") * is" + x) + ";");
        if (!loc) {
          w.line("l -= ls" + x + ";");
        }
      }
    } else if (s instanceof FlowLayer.MapStep m) {
      String[] image = MapFormulas.image(m, v, x);
      if (image != null) {
        w.open("if (!(" + image[0] + "))");
        w.line("throw dev.flowvi.codegen.flow.MapDomain.outside(\"" + m.kind() + "\", j, i, " + v + ", " + image[1] + ");");
        w.close();
      }
      String[] f = MapFormulas.of(m, v, x);
      w.line("double " + out + " = " + f[0] + ";");
      w.line("l += " + f[1] + ";");
    } else {
      leakyTanh(t, (FlowLayer.LeakyTanhStep) s);
    }
  }

  private void stepBackward(int t, int x, FlowLayer.ElementwiseStep s) {
    String v = "v" + t;
    if (s instanceof FlowLayer.SplineStep sp) {
      w.line("g = " + SPLINE + "." + (sp.forward() ? "forwardBackward" : "inverseBackward") + "(" + v + ", g, gl, "
          + splineArgs(sp) + ", tab" + x + ", acc" + x + ");");
    } else if (s instanceof FlowLayer.ShiftScaleStep ss) {
      boolean loc = ss.kind() == FlowLayer.ShiftScaleKind.LOC;
      w.line("sg" + x + " += g;");
      if (!loc) {
        // Σ g·x with x the step's input (forward) or output (inverse): the gradient of log s.
        w.line("sgx" + x + " += g * v" + (ss.forward() ? t : t + 1) + ";");
        w.line("g *= " + (ss.forward() ? "s" : "is") + x + ";");
      }
    } else if (s instanceof FlowLayer.MapStep m) {
      String[] f = MapFormulas.of(m, v, x);
      w.line("g = g * (" + f[2] + ") + gl * (" + f[3] + ");");
    } else {
      FlowLayer.LeakyTanhStep lt = (FlowLayer.LeakyTanhStep) s;
      if (lt.forward()) {
        // From the saved output h = tanh x: tanh' = (1 − h)(1 + h) and (log tanh')' = −2h.
        String h = "v" + (t + 1);
        String inside = "Math.abs(" + v + ") < " + SourceWriter.literal(lt.maxVal());
        w.line("g = " + inside + " ? g * ((1.0 - " + h + ") * (1.0 + " + h + ")) - gl * 2.0 * " + h + " : g * "
            + SourceWriter.literal(FlowMath.sech2(lt.maxVal())) + ";");
      } else {
        double m = lt.maxVal();
        String inside = "Math.abs(" + v + ") < " + SourceWriter.literal(Math.tanh(m));
        w.line("g = g * (" + inside + " ? 1.0 / ((1.0 - " + v + ") * (1.0 + " + v + ")) : " + SourceWriter.literal(1.0 / FlowMath.sech2(m))
            + ") + gl * (" + inside + " ? 2.0 * " + v + " / ((1.0 - " + v + ") * (1.0 + " + v + ")) : 0.0);");
      }
    }
  }

  private void leakyTanh(int t, FlowLayer.LeakyTanhStep lt) {
    String v = "v" + t;
    String out = "v" + (t + 1);
    double m = lt.maxVal();
    if (lt.forward()) {
      // tanh|x| = −e/(2 + e) and log sech²x = 2(log 2 − |x| − log1p(1 + e)) with e = expm1(−2|x|):
      // one expm1 and one log instead of tanh, exp and log1p.
      String a = "a" + t;
      w.line("double " + out + ";");
      w.line("double " + a + " = Math.abs(" + v + ");");
      w.open("if (" + a + " < " + SourceWriter.literal(m) + ")");
      w.line("double em = " + MATH + ".expm1(-2.0 * " + a + ");");
      w.line(out + " = Math.copySign(-em / (2.0 + em), " + v + ");");
      // log1p(1 + e) = log(2 + e) with 2 + e in (1, 2]: the intrinsic log, absolute error ~ε.
      w.line("l += 2.0 * (" + SourceWriter.literal(Math.log(2.0)) + " - " + a + " - Math.log(2.0 + em));");
      w.close();
      w.open("else");
      w.line(out + " = Math.copySign(" + SourceWriter.literal(Math.tanh(m)) + ", " + v + ") + " + SourceWriter.literal(FlowMath.sech2(m))
          + " * (" + v + " - Math.copySign(" + SourceWriter.literal(m) + ", " + v + "));");
      w.line("l += " + SourceWriter.literal(FlowMath.logSech2(m)) + ";");
      w.close();
    } else {
      // Inverse LeakyTanh(m): artanh inside |y| < tanh m, linear outside (engine LeakyTanh);
      // −log((1 − y)(1 + y)): the product is exact to rounding, and the intrinsic log beats two log1p.
      String edge = SourceWriter.literal(Math.tanh(m));
      String inside = "Math.abs(" + v + ") < " + edge;
      w.line("double " + out + " = " + inside + " ? " + MATH + ".artanh(" + v + ") : Math.copySign(" + SourceWriter.literal(m) + ", "
          + v + ") + (" + v + " - Math.copySign(" + edge + ", " + v + ")) / " + SourceWriter.literal(FlowMath.sech2(m)) + ";");
      w.line("l += " + inside + " ? -Math.log((1.0 - " + v + ") * (1.0 + " + v + ")) : "
          + SourceWriter.literal(-FlowMath.logSech2(m)) + ";");
    }
  }
}
