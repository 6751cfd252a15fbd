package dev.flowvi.codegen.flow;

import dev.flowvi.codegen.SourceWriter;

/**
 * A rational-quadratic spline step of an elementwise group's value pass, in Vector API lanes. Its
 * knots are shared by every point, so each bin's quantities are scalars computed once per
 * coordinate, and a lane picks its bin's values with one blend per inner knot: the knots ascend,
 * so the last knot ≤ v wins, as in {@link SplineMath}'s bin search. The formulas are SplineMath's,
 * operation for operation; only the log-slope differs, by VectorOperators.LOG's ulp. Points outside
 * [lo, hi] (and NaN) keep the identity. The backward passes stay scalar (see
 * ElementwiseEmitter#vectorisable).
 *
 * <p>Variables are prefixed with {@code sp<x>_}, x the step's index in its group.
 */
final class SplineLanes {
  private static final String DV = "jdk.incubator.vector.DoubleVector";
  private static final String MASK = "jdk.incubator.vector.VectorMask<Double>";

  private final SourceWriter w;
  private final FlowLayer.SplineStep step;
  private final String x;
  private final String pre;
  private final int bins;

  /** {@code step} as applied (its direction is the pass's), step {@code index} of its group. */
  SplineLanes(SourceWriter w, int index, FlowLayer.SplineStep step) {
    this.w = w;
    this.step = step;
    this.x = Integer.toString(index);
    this.pre = "sp" + index + "_";
    this.bins = step.knots() + 1;
  }

  /** Before the lane loop, after the coordinate's knot table is filled: each bin's scalars. */
  void binScalars() {
    String tab = "tab" + x;
    int y0 = bins + 1;
    int d = 2 * y0;
    for (int b = 0; b <= bins; b++) {
      w.line("double " + pre + "sl" + b + " = " + tab + "[" + (d + b) + "];");
    }
    for (int b = 0; b < bins; b++) {
      w.line("double " + pre + "xk" + b + " = " + tab + "[" + b + "];");
      w.line("double " + pre + "w" + b + " = " + tab + "[" + (b + 1) + "] - " + pre + "xk" + b + ";");
      w.line("double " + pre + "yk" + b + " = " + tab + "[" + (y0 + b) + "];");
      w.line("double " + pre + "h" + b + " = " + tab + "[" + (y0 + b + 1) + "] - " + pre + "yk" + b + ";");
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

  /** The in-interval mask and each lane's bin quantities: xk, w, yk, h, d0, d1, and s = h/w. */
  private void select(String v) {
    w.line(MASK + " " + pre + "in = " + v + ".compare(V_GE, " + lit(step.lo()) + ").and(" + v + ".compare(V_LE, " + lit(step.hi()) + "));");
    String axis = step.forward() ? "xk" : "yk";
    for (int j = 1; j < bins; j++) {
      w.line(MASK + " " + pre + "m" + j + " = " + v + ".compare(V_GE, " + pre + axis + j + ");");
    }
    for (String q : new String[] {"xk", "w", "yk", "h"}) {
      w.line(DV + " " + pre + q + " = " + blended(q, 0) + ";");
    }
    // The bin's exact h and w give its scalar s = h/w bit for bit, in one lane division.
    w.line(DV + " " + pre + "s = " + pre + "h.div(" + pre + "w);");
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

  /** From ξ: u = 1 − ξ, t = ξ(1 − ξ), dd (the inverse's root made it), the denominator D, r = s/D and M. */
  private void shape() {
    String xi = pre + "xi";
    w.line(DV + " " + pre + "u = " + xi + ".neg().add(1.0);");
    w.line(DV + " " + pre + "t = " + xi + ".mul(" + pre + "u);");
    if (step.forward()) {
      w.line(DV + " " + pre + "dd = " + pre + "d0.add(" + pre + "d1).sub(" + pre + "s.mul(2.0));");
    }
    w.line(DV + " " + pre + "den = " + pre + "s.add(" + pre + "dd.mul(" + pre + "t));");
    w.line(DV + " " + pre + "r = " + pre + "s.div(" + pre + "den);");
    w.line(DV + " " + pre + "mm = " + pre + "s.add(" + pre + "d1.sub(" + pre + "s).mul(" + xi + ").mul(" + xi + ")).add(" + pre + "d0.sub("
        + pre + "s).mul(" + pre + "u).mul(" + pre + "u));");
  }

  /** log(r²M) with r = s/D: the log-slope, in lanes. */
  private String logSlope() {
    return pre + "r.mul(" + pre + "r).mul(" + pre + "mm).lanewise(V_LOG)";
  }

  private static String lit(double v) {
    return SourceWriter.literal(v);
  }
}
