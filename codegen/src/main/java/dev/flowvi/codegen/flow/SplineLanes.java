package dev.flowvi.codegen.flow;

import dev.flowvi.codegen.SourceWriter;

/**
 * A rational-quadratic spline step of an elementwise group, in Vector API lanes. Its knots are
 * shared by every point, so each bin's quantities are scalars computed once per coordinate, and a
 * lane picks its bin's values with one blend per inner knot: the knots ascend, so the last knot
 * ≤ v wins, as in {@link SplineMath}'s bin search. The formulas are SplineMath's, operation for
 * operation; only the log-slope differs, by VectorOperators.LOG's ulp. Points outside [lo, hi]
 * (and NaN) keep the identity and add no adjoint. The backward lanes sum each knot adjoint per bin
 * in a vector accumulator of its own and add the lane sums to the scalar accumulator after the
 * loop, where {@link SplineMath#rawGradient} turns them into raw-parameter gradients.
 *
 * <p>Variables are prefixed with {@code sp<x>_}, x the step's index in its group, so several
 * spline steps can share one loop.
 */
final class SplineLanes {
  private static final String DV = "jdk.incubator.vector.DoubleVector";
  private static final String MASK = "jdk.incubator.vector.VectorMask<Double>";
  /** Adjoint kinds per bin, in SplineMath's accumulator order: left x knot, width, left y knot, height. */
  private static final int BIN_ADJOINTS = 4;

  private final SourceWriter w;
  private final FlowLayer.SplineStep step;
  private final String x;
  private final String pre;
  private final int knots;
  private final int bins;

  /** {@code step} as applied (its direction is the pass's), step {@code index} of its group. */
  SplineLanes(SourceWriter w, int index, FlowLayer.SplineStep step) {
    this.w = w;
    this.step = step;
    this.x = Integer.toString(index);
    this.pre = "sp" + index + "_";
    this.knots = step.knots();
    this.bins = knots + 1;
  }

  /** Before the lane loop, after the coordinate's knot table is filled: each bin's scalars. */
  void binScalars() {
    String tab = "tab" + x;
    int y0 = knots + 2;
    int d = 2 * y0;
    for (int b = 0; b <= bins; b++) {
      w.line("double " + pre + "sl" + b + " = " + tab + "[" + (d + b) + "];");
    }
    for (int b = 0; b < bins; b++) {
      w.line("double " + pre + "xk" + b + " = " + tab + "[" + b + "];");
      w.line("double " + pre + "w" + b + " = " + tab + "[" + (b + 1) + "] - " + pre + "xk" + b + ";");
      w.line("double " + pre + "yk" + b + " = " + tab + "[" + (y0 + b) + "];");
      w.line("double " + pre + "h" + b + " = " + tab + "[" + (y0 + b + 1) + "] - " + pre + "yk" + b + ";");
      w.line("double " + pre + "s" + b + " = " + pre + "h" + b + " / " + pre + "w" + b + ";");
    }
  }

  /** In the lane loop: {@code out} and {@code ldv} (vectors declared here) from the input lanes {@code v}. */
  void value(String v, String out, String ldv) {
    select(v);
    String xi = pre + "xi";
    if (step.forward()) {
      w.line(DV + " " + xi + " = " + v + ".sub(" + pre + "xk).div(" + pre + "w).min(1.0);");
      shape();
      String val = v + ".add(" + pre + "yk.sub(" + pre + "xk)).add(" + pre + "s.sub(1.0).mul(" + v + ".sub(" + pre + "xk))).add("
          + pre + "h.mul(" + pre + "t).mul(" + pre + "d0.sub(" + pre + "s).sub(" + pre + "dd.mul(" + xi + "))).div(" + pre + "den))";
      w.line(DV + " " + out + " = " + v + ".blend(" + val + ".max(" + lit(step.lo()) + ").min(" + lit(step.hi()) + "), " + pre + "in);");
      w.line(DV + " " + ldv + " = " + DV + ".zero(V_S).blend(" + logSlope() + ", " + pre + "in);");
    } else {
      root(v);
      String val = v + ".add(" + pre + "xk.sub(" + pre + "yk)).add(" + pre + "delta.mul(" + pre + "h.mul(2.0).sub(" + pre + "qb).sub("
          + pre + "root)).div(" + pre + "qden))";
      shape();
      w.line(DV + " " + out + " = " + v + ".blend(" + val + ".max(" + lit(step.lo()) + ").min(" + lit(step.hi()) + "), " + pre + "in);");
      w.line(DV + " " + ldv + " = " + DV + ".zero(V_S).blend(" + logSlope() + ".neg(), " + pre + "in);");
    }
  }

  /** Before the lane loop of a backward pass: the zeroed adjoint accumulators. */
  void openAccumulators() {
    for (int kind = 0; kind < BIN_ADJOINTS; kind++) {
      for (int b = 0; b < bins; b++) {
        w.line(DV + " " + accumulator(kind, b) + " = " + DV + ".zero(V_S);");
      }
    }
    for (int j = 0; j <= bins; j++) {
      w.line(DV + " " + slopeAccumulator(j) + " = " + DV + ".zero(V_S);");
    }
  }

  /**
   * In the lane loop of a backward pass: the step's input lanes {@code v}, the vector {@code g}
   * (dL/d output, replaced by dL/d input) and {@code gl} (dL/d log-det).
   */
  void backward(String v) {
    select(v);
    String xi = pre + "xi";
    String[] c = new String[6];
    String gOut;
    if (step.forward()) {
      w.line(DV + " " + xi + " = " + v + ".sub(" + pre + "xk).div(" + pre + "w).min(1.0);");
      shape();
      adjointTerms("g", "gl");
      w.line(DV + " " + pre + "gXi = " + pre + "gNum.mul(" + pre + "s.mul(2.0).mul(" + xi + ").add(" + pre + "d0.mul(" + pre + "om))).add("
          + pre + "gDen.mul(" + pre + "dd).mul(" + pre + "om)).add(" + pre + "gM.mul(" + pre + "mdxi));");
      slopeTerms("g", "gl");
      c[0] = pre + "gXi.neg().div(" + pre + "w)";
      c[1] = pre + "gXi.mul(" + xi + ").add(" + pre + "gS.mul(" + pre + "s)).neg().div(" + pre + "w)";
      c[2] = "g";
      gOut = pre + "gXi.div(" + pre + "w)";
    } else {
      root(v);
      shape();
      // dL/dy through the implicit function theorem, then the forward adjoints with c_y = −dL/dy, c_l = −dL/dlogDet.
      w.line(DV + " " + pre + "yXi = " + pre + "h.mul(" + pre + "s).mul(" + pre + "mm).div(" + pre + "den.mul(" + pre + "den));");
      w.line(DV + " " + pre + "ldXi = " + pre + "mdxi.div(" + pre + "mm).sub(" + pre + "dd.mul(2.0).mul(" + pre + "om).div(" + pre + "den));");
      w.line(DV + " " + pre + "gY = g.mul(" + pre + "w).sub(gl.mul(" + pre + "ldXi)).div(" + pre + "yXi);");
      w.line(DV + " " + pre + "cy = " + pre + "gY.neg();");
      w.line(DV + " " + pre + "cl = gl.neg();");
      adjointTerms(pre + "cy", pre + "cl");
      slopeTerms(pre + "cy", pre + "cl");
      c[0] = "g";
      c[1] = "g.mul(" + xi + ").sub(" + pre + "gS.mul(" + pre + "s).div(" + pre + "w))";
      c[2] = pre + "cy";
      gOut = pre + "gY";
    }
    c[3] = pre + "gH";
    for (int k = 0; k < 3; k++) {
      w.line(DV + " " + pre + "c" + k + " = " + c[k] + ";");
      c[k] = pre + "c" + k;
    }
    // Each bin's lanes: the selected left knot on the search axis is that bin's own.
    String left = step.forward() ? "xk" : "yk";
    for (int b = 0; b < bins; b++) {
      String e = pre + "e" + b;
      w.line(MASK + " " + e + " = " + pre + left + ".compare(V_EQ, " + pre + left + b + ").and(" + pre + "in);");
      for (int kind = 0; kind < BIN_ADJOINTS; kind++) {
        w.line(accumulator(kind, b) + " = " + accumulator(kind, b) + ".add(" + c[kind] + ", " + e + ");");
      }
      w.line(slopeAccumulator(b) + " = " + slopeAccumulator(b) + ".add(" + pre + "gD0, " + e + ");");
      w.line(slopeAccumulator(b + 1) + " = " + slopeAccumulator(b + 1) + ".add(" + pre + "gD1, " + e + ");");
    }
    w.line("g = g.blend(" + gOut + ", " + pre + "in);");
  }

  /** After the lane loop of a backward pass: the accumulators' lane sums into {@code acc<x>}. */
  void closeAccumulators() {
    String acc = "acc" + x;
    for (int kind = 0; kind < BIN_ADJOINTS; kind++) {
      for (int b = 0; b < bins; b++) {
        w.line(acc + "[" + (kind * bins + b) + "] += " + accumulator(kind, b) + ".reduceLanes(V_ADD);");
      }
    }
    for (int j = 0; j <= bins; j++) {
      w.line(acc + "[" + (BIN_ADJOINTS * bins + j) + "] += " + slopeAccumulator(j) + ".reduceLanes(V_ADD);");
    }
  }

  private String accumulator(int kind, int bin) {
    return pre + "a" + kind + "_" + bin;
  }

  private String slopeAccumulator(int knot) {
    return pre + "ad" + knot;
  }

  /** The in-interval mask and each lane's bin quantities: xk, w, yk, h, s, d0, d1. */
  private void select(String v) {
    w.line(MASK + " " + pre + "in = " + v + ".compare(V_GE, " + lit(step.lo()) + ").and(" + v + ".compare(V_LE, " + lit(step.hi()) + "));");
    String axis = step.forward() ? "xk" : "yk";
    for (int j = 1; j < bins; j++) {
      w.line(MASK + " " + pre + "m" + j + " = " + v + ".compare(V_GE, " + pre + axis + j + ");");
    }
    for (String q : new String[] {"xk", "w", "yk", "h", "s"}) {
      w.line(DV + " " + pre + q + " = " + blended(q, 0) + ";");
    }
    w.line(DV + " " + pre + "d0 = " + blended("sl", 0) + ";");
    w.line(DV + " " + pre + "d1 = " + blended("sl", 1) + ";");
  }

  /** Scalar {@code <q><bin + shift>} of each lane's bin. */
  private String blended(String q, int shift) {
    StringBuilder e = new StringBuilder(DV + ".broadcast(V_S, " + pre + q + shift + ")");
    for (int j = 1; j < bins; j++) {
      e.append(".blend(").append(pre).append(q).append(j + shift).append(", ").append(pre).append("m").append(j).append(")");
    }
    return e.toString();
  }

  /** The inverse's root (Durkan et al. 2019, eqs. 6–8, the stable form) and ξ from it. */
  private void root(String v) {
    w.line(DV + " " + pre + "delta = " + v + ".sub(" + pre + "yk);");
    w.line(DV + " " + pre + "dd = " + pre + "d0.add(" + pre + "d1).sub(" + pre + "s.mul(2.0));");
    w.line(DV + " " + pre + "qa = " + pre + "h.mul(" + pre + "s.sub(" + pre + "d0)).add(" + pre + "delta.mul(" + pre + "dd));");
    w.line(DV + " " + pre + "qb = " + pre + "h.mul(" + pre + "d0).sub(" + pre + "delta.mul(" + pre + "dd));");
    w.line(DV + " " + pre + "root = " + pre + "qb.mul(" + pre + "qb).add(" + pre + "qa.mul(4.0).mul(" + pre + "s).mul(" + pre
        + "delta)).max(0.0).sqrt();");
    w.line(DV + " " + pre + "qden = " + pre + "qb.add(" + pre + "root);");
    w.line(DV + " " + pre + "xi = " + pre + "s.mul(2.0).mul(" + pre + "delta).div(" + pre + "qden).min(1.0);");
  }

  /** From ξ: u = 1 − ξ, t = ξ(1 − ξ), dd, the denominator, M and dM/dξ, 1 − 2ξ. */
  private void shape() {
    String xi = pre + "xi";
    w.line(DV + " " + pre + "u = " + xi + ".neg().add(1.0);");
    w.line(DV + " " + pre + "t = " + xi + ".mul(" + pre + "u);");
    if (step.forward()) {
      w.line(DV + " " + pre + "dd = " + pre + "d0.add(" + pre + "d1).sub(" + pre + "s.mul(2.0));");
    }
    w.line(DV + " " + pre + "den = " + pre + "s.add(" + pre + "dd.mul(" + pre + "t));");
    w.line(DV + " " + pre + "mm = " + pre + "s.add(" + pre + "d1.sub(" + pre + "s).mul(" + xi + ").mul(" + xi + ")).add(" + pre + "d0.sub("
        + pre + "s).mul(" + pre + "u).mul(" + pre + "u));");
    w.line(DV + " " + pre + "mdxi = " + pre + "d1.sub(" + pre + "s).mul(2.0).mul(" + xi + ").sub(" + pre + "d0.sub(" + pre
        + "s).mul(2.0).mul(" + pre + "u));");
    w.line(DV + " " + pre + "om = " + xi + ".mul(2.0).neg().add(1.0);");
  }

  /** log(r²M) with r = s/D: the log-slope, in lanes. */
  private String logSlope() {
    return pre + "s.div(" + pre + "den).mul(" + pre + "s.div(" + pre + "den)).mul(" + pre + "mm).lanewise(V_LOG)";
  }

  /** The adjoints of the numerator, the denominator and M from output and log-det adjoints {@code cy}, {@code cl}. */
  private void adjointTerms(String cy, String cl) {
    w.line(DV + " " + pre + "num = " + pre + "s.mul(" + pre + "xi).mul(" + pre + "xi).add(" + pre + "d0.mul(" + pre + "t));");
    w.line(DV + " " + pre + "gNum = " + cy + ".mul(" + pre + "h).div(" + pre + "den);");
    w.line(DV + " " + pre + "gDen = " + cy + ".neg().mul(" + pre + "h).mul(" + pre + "num).div(" + pre + "den.mul(" + pre + "den)).sub("
        + cl + ".mul(2.0).div(" + pre + "den));");
    w.line(DV + " " + pre + "gM = " + cl + ".div(" + pre + "mm);");
  }

  /** dL/ds, dL/d(d0), dL/d(d1) and dL/dh at fixed ξ. */
  private void slopeTerms(String cy, String cl) {
    String xi = pre + "xi";
    w.line(DV + " " + pre + "gS = " + pre + "gNum.mul(" + xi + ").mul(" + xi + ").add(" + pre + "gDen.mul(" + pre + "t.mul(2.0).neg().add(1.0)))"
        + ".add(" + pre + "gM.mul(2.0).mul(" + pre + "t)).add(" + cl + ".mul(2.0).div(" + pre + "s));");
    w.line(DV + " " + pre + "gD0 = " + pre + "gNum.add(" + pre + "gDen).mul(" + pre + "t).add(" + pre + "gM.mul(" + pre + "u).mul(" + pre + "u));");
    w.line(DV + " " + pre + "gD1 = " + pre + "gDen.mul(" + pre + "t).add(" + pre + "gM.mul(" + xi + ").mul(" + xi + "));");
    w.line(DV + " " + pre + "gH = " + cy + ".mul(" + pre + "num).div(" + pre + "den).add(" + pre + "gS.div(" + pre + "w));");
  }

  private static String lit(double v) {
    return SourceWriter.literal(v);
  }
}
