package dev.flowvi.codegen.flow;

import dev.flowvi.codegen.SourceWriter;
import dev.flowvi.engine.bijection.AffineTransformer;

/**
 * The per-point loops of an AffineTransformer whose raw values (t, r) differ per point (rows
 * {@code th[tr + i]}, {@code th[sr + i]}, adjoints into {@code gth}), shared by the MADE and
 * Coupling emitters. With the Vector API the points run in lanes first (log s by the same formula
 * with VectorOperators, within a few ulp of Math), then a scalar tail.
 */
final class AffineLanes {
  private static final String DV = "jdk.incubator.vector.DoubleVector";

  private AffineLanes() {}

  /**
   * {@code <name>LogScale(r)} and {@code <name>LogScaleSlope(r, s)}: log s and d log s/dr, scale
   * floor s = softplus(r) + 0.01 or Andrade's soft clamp log s = (2α/π) arctan(r/α).
   */
  static void emitScale(SourceWriter w, String name, FlowLayer.AffineKind t) {
    String ap = SourceWriter.literal(t.alphaPositive());
    String an = SourceWriter.literal(t.alphaNegative());
    String floor = SourceWriter.literal(AffineTransformer.SCALE_FLOOR);
    w.open("private static double " + name + "LogScale(double r)");
    if (t.softClamped()) {
      w.line("double al = r >= 0 ? " + ap + " : " + an + ";");
      w.line("return (2.0 * al / Math.PI) * Math.atan(r / al);");
    } else {
      w.line("return Math.log(dev.flowvi.engine.nn.Softplus.value(r) + " + floor + ");");
    }
    w.close();
    w.open("private static double " + name + "LogScaleSlope(double r, double s)");
    if (t.softClamped()) {
      w.line("double al = r >= 0 ? " + ap + " : " + an + ";");
      w.line("double qq = r / al;");
      w.line("return (2.0 / Math.PI) / (1.0 + qq * qq);");
    } else {
      w.line("return dev.flowvi.engine.nn.Softplus.derivative(r) / s;");
    }
    w.close();
  }

  /**
   * log s in lanes, written inline in the loop: a helper method taking and returning DoubleVector
   * boxes its vectors whenever C2 does not inline it, and then allocates on every call.
   */
  private static String logScaleV(FlowLayer.AffineKind t, String r) {
    if (t.softClamped()) {
      return alpha(t, r) + ".mul(2.0).div(Math.PI).mul(" + r + ".div(" + alpha(t, r) + ").lanewise(V_ATAN))";
    }
    // softplus(r) = max(r, 0) + log1p(e^{−|r|}), as engine Softplus.value.
    return r + ".max(0.0).add(" + r + ".abs().mul(-1.0).lanewise(V_EXP).lanewise(V_LOG1P)).add("
        + SourceWriter.literal(AffineTransformer.SCALE_FLOOR) + ").lanewise(V_LOG)";
  }

  /** α₊ where r ≥ 0, α₋ elsewhere. */
  private static String alpha(FlowLayer.AffineKind t, String r) {
    return DV + ".broadcast(V_S, " + SourceWriter.literal(t.alphaNegative()) + ").blend(" + SourceWriter.literal(t.alphaPositive())
        + ", " + r + ".compare(V_GE, 0.0))";
  }

  /** d log s/dr in lanes: (2/π)/(1 + (r/α)²), or σ(r)/s = 1/((1 + e^{−r})s), which is 0 instead of e^r/s for r below −709. */
  private static String slopeV(FlowLayer.AffineKind t, String r, String s) {
    if (t.softClamped()) {
      return DV + ".broadcast(V_S, 2.0 / Math.PI).div(" + r + ".div(" + alpha(t, r) + ").mul(" + r + ".div(" + alpha(t, r) + ")).add(1.0))";
    }
    return DV + ".broadcast(V_S, 1.0).div(" + r + ".mul(-1.0).lanewise(V_EXP).add(1.0).mul(" + s + "))";
  }

  private static String load(String array, String offset) {
    return DV + ".fromArray(V_S, " + array + ", " + offset + " + i)";
  }

  /**
   * The value pass: out = in·s + t and logDet += log s ({@code inverse}: out = (in − t)/s and
   * logDet −= log s); {@code out2} (nullable) receives a copy of out.
   */
  static void values(SourceWriter w, String name, FlowLayer.AffineKind kind, boolean vector, boolean inverse, String inA,
      String inOff, String outA, String outOff, String out2A, String out2Off) {
    w.line("int i = 0;");
    if (vector) {
      w.open("for (int bound = V_S.loopBound(n); i < bound; i += V_S.length())");
      w.line(DV + " r = " + load("th", "sr") + ";");
      w.line(DV + " ls = " + logScaleV(kind, "r") + ";");
      w.line(DV + " t = " + load("th", "tr") + ";");
      w.line(DV + " v = " + (inverse ? load(inA, inOff) + ".sub(t).mul(ls.mul(-1.0).lanewise(V_EXP))"
          : load(inA, inOff) + ".mul(ls.lanewise(V_EXP)).add(t)") + ";");
      w.line("v.intoArray(" + outA + ", " + outOff + " + i);");
      if (out2A != null) {
        w.line("v.intoArray(" + out2A + ", " + out2Off + " + i);");
      }
      w.line(DV + ".fromArray(V_S, ld, i)." + (inverse ? "sub" : "add") + "(ls).intoArray(ld, i);");
      w.close();
    }
    w.open("for (; i < n; i++)");
    w.line("double ls = " + name + "LogScale(th[sr + i]);");
    w.line("double v = " + (inverse ? "(" + inA + "[" + inOff + " + i] - th[tr + i]) * Math.exp(-ls)"
        : inA + "[" + inOff + " + i] * Math.exp(ls) + th[tr + i]") + ";");
    w.line(outA + "[" + outOff + " + i] = v;");
    if (out2A != null) {
      w.line(out2A + "[" + out2Off + " + i] = v;");
    }
    w.line("ld[i] " + (inverse ? "-=" : "+=") + " ls;");
    w.close();
  }

  /**
   * The backward pass from the output adjoint {@code g}: the input adjoint into {@code gIn} and
   * the raw adjoints into gth. {@code x} is the transformer's x: the pass input (forward) or its
   * output (inverse). Forward: ∂y/∂t = 1, ∂y/∂log s = x·s, ∂logDet/∂log s = 1. Inverse x = (y − t)
   * e^{−log s}: ∂x/∂t = −1/s, ∂x/∂log s = −x, ∂logDet/∂log s = −1.
   */
  static void backward(SourceWriter w, String name, FlowLayer.AffineKind kind, boolean vector, boolean inverse, String xA,
      String xOff, String gA, String gOff, String gInA, String gInOff) {
    w.line("int i = 0;");
    if (vector) {
      w.open("for (int bound = V_S.loopBound(n); i < bound; i += V_S.length())");
      w.line(DV + " r = " + load("th", "sr") + ";");
      w.line(DV + " sc = " + logScaleV(kind, "r") + ".lanewise(V_EXP);");
      w.line(DV + " go = " + load(gA, gOff) + ";");
      w.line(DV + " gl = " + DV + ".fromArray(V_S, gld, i);");
      w.line(DV + " x = " + load(xA, xOff) + ";");
      w.line(DV + " slope = " + slopeV(kind, "r", "sc") + ";");
      if (inverse) {
        w.line(DV + " gs = go.div(sc);");
        w.line("gs.intoArray(" + gInA + ", " + gInOff + " + i);");
        w.line("gs.mul(-1.0).intoArray(gth, tr + i);");
        w.line("go.mul(x).add(gl).mul(slope).mul(-1.0).intoArray(gth, sr + i);");
      } else {
        w.line("go.mul(sc).intoArray(" + gInA + ", " + gInOff + " + i);");
        w.line("go.intoArray(gth, tr + i);");
        w.line("go.mul(x).mul(sc).add(gl).mul(slope).intoArray(gth, sr + i);");
      }
      w.close();
    }
    w.open("for (; i < n; i++)");
    w.line("double r = th[sr + i];");
    w.line("double sc = Math.exp(" + name + "LogScale(r));");
    w.line("double go = " + gA + "[" + gOff + " + i];");
    if (inverse) {
      w.line(gInA + "[" + gInOff + " + i] = go / sc;");
      w.line("gth[tr + i] = -go / sc;");
      w.line("gth[sr + i] = (-go * " + xA + "[" + xOff + " + i] - gld[i]) * " + name + "LogScaleSlope(r, sc);");
    } else {
      w.line(gInA + "[" + gInOff + " + i] = go * sc;");
      w.line("gth[tr + i] = go;");
      w.line("gth[sr + i] = (go * " + xA + "[" + xOff + " + i] * sc + gld[i]) * " + name + "LogScaleSlope(r, sc);");
    }
    w.close();
  }
}
