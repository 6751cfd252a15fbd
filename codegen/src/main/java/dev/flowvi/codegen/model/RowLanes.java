package dev.flowvi.codegen.model;

import dev.flowvi.codegen.SourceWriter;

/**
 * The syntax of one row-loop body: plain doubles (one row per iteration) or DoubleVector lanes
 * (several rows per iteration). The generator writes each operation once, in terms of these
 * primitives; operands are always local variable names, so repeating them costs nothing.
 */
abstract class RowLanes {
  static final RowLanes SCALAR = new Scalar();
  static final RowLanes VECTOR = new Vector();

  /**
   * Whether a two-term vector log-sum-exp calls EXP once (for the smaller term) rather than twice.
   * M1's compiled gradient over 500 points × 400 rows (min of 40 rounds in a fresh JVM): JDK 25
   * 0.88–0.95 → 0.65–0.66 ms, but JDK 17 0.86–0.87 → 1.71 ms, whose C2 compiles the two
   * compare-and-blend steps poorly. JDK 21 is taken to behave like 25.
   */
  static final boolean ONE_EXP_FOR_TWO_TERMS = Runtime.version().feature() >= 21;

  /** The local variable type of a row value. */
  abstract String type();

  /** A per-sample scalar used inside the loop: p7 (double) or P7 (broadcast vector). */
  abstract String scalar(int id);

  /** A data column's element(s) at row i, loaded into a local at the top of the iteration. */
  abstract String load(String array);

  abstract String literal(double v);

  abstract String add(String a, String b);

  abstract String sub(String a, String b);

  abstract String mul(String a, String b);

  /** a times a literal. */
  abstract String scale(String a, double c);

  abstract String div(String a, String b);

  /** a·b + c: one fused multiply-add in vector lanes; a product and a sum in scalar code, as the interpreter. */
  abstract String fma(String a, String b, String c);

  abstract String neg(String a);

  /** EXP, LOG, LOG1P, EXPM1, SQRT, ABS applied to a. */
  abstract String unary(String fn, String a);

  abstract String max(String a, String b);

  abstract String logistic(String a);

  abstract String log1pExp(String a);

  abstract String inInterval(String a, String lo, String hi);

  /** A statement adding {@code value} into the accumulator {@code target}. */
  abstract String accumulate(String target, String value);

  /** A statement subtracting {@code value} from the accumulator {@code target} (exactly adding its negation). */
  abstract String deduct(String target, String value);

  /**
   * Statements defining {@code out} = log Σ exp(a_k), −∞ when every a_k is −∞, with the shifted
   * exponentials e_k = exp(a_k − m) in locals {@link #lseTerm} and their sum in {@link #lseSum}, so
   * that the adjoint ∂out/∂a_k = e_k / Σ e reuses them instead of computing exp(a_k − out) again.
   * Without {@code value}, out itself is left out: the caller uses the shift {@link #lseShift} and
   * the sum (vector lanes only).
   */
  abstract void logSumExp(SourceWriter w, String out, String[] a, boolean value);

  /** The shift m of a vector log-sum-exp: the largest a_k, or 0 where every a_k is −∞. */
  static String lseShift(String out) {
    return "m_" + out;
  }

  static String lseTerm(String out, int k) {
    return "e" + k + "_" + out;
  }

  static String lseSum(String out) {
    return "sum_" + out;
  }

  private static final class Scalar extends RowLanes {
    @Override String type() { return "double"; }
    @Override String scalar(int id) { return "p" + id; }
    @Override String load(String array) { return array + "[i]"; }
    @Override String literal(double v) { return SourceWriter.literal(v); }
    @Override String add(String a, String b) { return "(" + a + " + " + b + ")"; }
    @Override String sub(String a, String b) { return "(" + a + " - " + b + ")"; }
    @Override String mul(String a, String b) { return "(" + a + " * " + b + ")"; }
    @Override String scale(String a, double c) { return "(" + SourceWriter.literal(c) + " * " + a + ")"; }
    @Override String div(String a, String b) { return "(" + a + " / " + b + ")"; }
    @Override String fma(String a, String b, String c) { return "(" + a + " * " + b + " + " + c + ")"; }
    @Override String neg(String a) { return "(-" + a + ")"; }

    @Override
    String unary(String fn, String a) {
      switch (fn) {
        case "EXP": return "Math.exp(" + a + ")";
        case "LOG": return "Math.log(" + a + ")";
        case "LOG1P": return "Math.log1p(" + a + ")";
        case "EXPM1": return "Math.expm1(" + a + ")";
        case "SQRT": return "Math.sqrt(" + a + ")";
        case "ABS": return "Math.abs(" + a + ")";
        default: throw new IllegalArgumentException("fn is " + fn + ", expected EXP, LOG, LOG1P, EXPM1, SQRT or ABS");
      }
    }

    @Override String max(String a, String b) { return "Math.max(" + a + ", " + b + ")"; }
    @Override String logistic(String a) { return "CompiledModelDensity.logistic(" + a + ")"; }
    @Override String log1pExp(String a) { return "CompiledModelDensity.log1pExp(" + a + ")"; }

    @Override
    String inInterval(String a, String lo, String hi) {
      return "(" + a + " >= " + lo + " && " + a + " <= " + hi + " ? 0.0 : Double.NEGATIVE_INFINITY)";
    }

    @Override String accumulate(String target, String value) { return target + " += " + value + ";"; }
    @Override String deduct(String target, String value) { return target + " -= " + value + ";"; }

    @Override
    void logSumExp(SourceWriter w, String out, String[] a, boolean value) {
      if (!value) {
        throw new IllegalArgumentException("scalar rows always write the log-sum-exp's value (" + out + ")");
      }
      String m = "m_" + out;
      String max = "Double.NEGATIVE_INFINITY";
      for (String x : a) {
        max = "Math.max(" + max + ", " + x + ")";
      }
      w.line("double " + m + " = " + max + ";");
      // Shift by 0 where every component is −∞, so that the e_k are 0 rather than NaN.
      String shift = "sh_" + out;
      w.line("double " + shift + " = " + m + " == Double.NEGATIVE_INFINITY ? 0.0 : " + m + ";");
      StringBuilder sum = new StringBuilder("0.0");
      for (int k = 0; k < a.length; k++) {
        w.line("double " + lseTerm(out, k) + " = Math.exp(" + a[k] + " - " + shift + ");");
        sum.append(" + ").append(lseTerm(out, k));
      }
      w.line("double " + lseSum(out) + " = " + sum + ";");
      w.line("double " + out + " = " + m + " == Double.NEGATIVE_INFINITY || " + m + " != " + m + " ? " + m
          + " : " + m + " + Math.log(" + lseSum(out) + ");");
    }
  }

  /** Vector API syntax; the generated class declares the species S and the operator constants. */
  private static final class Vector extends RowLanes {
    @Override String type() { return "DoubleVector"; }
    @Override String scalar(int id) { return "P" + id; }
    @Override String load(String array) { return "DoubleVector.fromArray(S, " + array + ", i)"; }
    @Override String literal(double v) { return "DoubleVector.broadcast(S, " + SourceWriter.literal(v) + ")"; }
    @Override String add(String a, String b) { return a + ".add(" + b + ")"; }
    @Override String sub(String a, String b) { return a + ".sub(" + b + ")"; }
    @Override String mul(String a, String b) { return a + ".mul(" + b + ")"; }
    @Override String scale(String a, double c) { return a + ".mul(" + SourceWriter.literal(c) + ")"; }
    @Override String div(String a, String b) { return a + ".div(" + b + ")"; }
    @Override String fma(String a, String b, String c) { return a + ".fma(" + b + ", " + c + ")"; }
    /** −a as a·(−1), exact; DoubleVector.neg() is several times slower on JDK 17's C2. */
    @Override String neg(String a) { return a + ".mul(-1.0)"; }
    @Override String unary(String fn, String a) { return a + ".lanewise(" + fn + ")"; }
    @Override String max(String a, String b) { return a + ".max(" + b + ")"; }
    @Override String logistic(String a) { return "logistic(" + a + ")"; }
    @Override String log1pExp(String a) { return "log1pExp(" + a + ")"; }
    @Override String inInterval(String a, String lo, String hi) { return "inInterval(" + a + ", " + lo + ", " + hi + ")"; }
    @Override String accumulate(String target, String value) { return target + " = " + target + ".add(" + value + ");"; }
    @Override String deduct(String target, String value) { return target + " = " + target + ".sub(" + value + ");"; }

    @Override
    void logSumExp(SourceWriter w, String out, String[] a, boolean value) {
      String m = lseShift(out);
      String max = a[0];
      for (int k = 1; k < a.length; k++) {
        max = max + ".max(" + a[k] + ")";
      }
      w.line("DoubleVector " + m + " = " + max + ";");
      // Rows where every component is −∞ give −∞ (log 0), not NaN from −∞ − (−∞).
      w.line(m + " = " + m + ".blend(0.0, " + m + ".eq(Double.NEGATIVE_INFINITY));");
      if (a.length == 2 && ONE_EXP_FOR_TWO_TERMS) {
        // One of a_0 − m, a_1 − m is 0 (its exponential 1) and the other the smaller: one EXP, of
        // that one. Both −∞ give 0 and 0; a NaN shift makes both terms NaN, as it makes their sum.
        String x0 = "x0_" + out;
        String x1 = "x1_" + out;
        String other = "eo_" + out;
        w.line("DoubleVector " + x0 + " = " + a[0] + ".sub(" + m + ");");
        w.line("DoubleVector " + x1 + " = " + a[1] + ".sub(" + m + ");");
        w.line("DoubleVector " + other + " = " + x0 + ".min(" + x1 + ").lanewise(EXP);");
        w.line("DoubleVector " + lseTerm(out, 0) + " = " + other + ".blend(1.0, " + x0 + ".eq(0.0));");
        w.line("DoubleVector " + lseTerm(out, 1) + " = " + other + ".blend(1.0, " + x1 + ".eq(0.0));");
      } else {
        for (int k = 0; k < a.length; k++) {
          w.line("DoubleVector " + lseTerm(out, k) + " = " + a[k] + ".sub(" + m + ").lanewise(EXP);");
        }
      }
      String sum = lseTerm(out, 0);
      for (int k = 1; k < a.length; k++) {
        sum = sum + ".add(" + lseTerm(out, k) + ")";
      }
      w.line("DoubleVector " + lseSum(out) + " = " + sum + ";");
      if (value) {
        w.line("DoubleVector " + out + " = " + m + ".add(" + lseSum(out) + ".lanewise(LOG));");
      }
    }
  }
}
