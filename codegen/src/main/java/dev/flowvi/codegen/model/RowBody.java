package dev.flowvi.codegen.model;

import dev.flowvi.codegen.SourceWriter;
import dev.flowvi.engine.model.GraphView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * The statements of one row iteration: the row-wise nodes' values, the sums' accumulators and, for
 * the gradient, the adjoints in reverse order, in the syntax of one {@link RowLanes}.
 *
 * <p>The adjoint code does less than one statement per partial derivative:
 * <ul>
 *   <li>An adjoint with one contribution is that contribution: a plain pass-through (add, subtract,
 *       negate, ±1 coefficients) becomes another name for its source, with a sign, rather than a
 *       copy, and signs turn later additions into subtractions.
 *   <li>Factors that do not depend on the row (precisions, parameters, their products) leave the
 *       loop: into a parameter's adjoint, the rows' products are summed in an accumulator of their
 *       own and multiplied by the factor once after the loop; into a row node's adjoint, the
 *       product of several such factors is one broadcast constant.
 *   <li>The half squared z-score keeps its residual from the forward pass.
 *   <li>In vector lanes, products that are added or subtracted are fused multiply-adds, and a
 *       product of a row-invariant factor whose only use is an addition or subtraction is folded
 *       into it.
 * </ul>
 * These change the order of roundings only, not the derivative: each row's terms are the
 * interpreter's up to a few ulp.
 */
final class RowBody {
  private static final Pattern NAME = Pattern.compile("\\w+");
  /**
   * The most terms of a log-sum-exp whose log is taken per tile: a tile's product of shifted sums
   * is at most k^TILE, under 2^1023 for k ≤ 8 even with one lane.
   */
  static final int MAX_LOG_FOLDED_TERMS = 8;

  private final GraphView g;
  private final RowLanes L;
  private final boolean vector;
  private final boolean gradient;
  private final int[] sumOfRow;
  private final IntFunction<String> value;
  private final IntFunction<String> adjoint;
  /** Row nodes' operand slots that read each node. */
  private final int[] uses;
  /** Contributions each row node's adjoint receives (seed included); 0 means its adjoint is zero. */
  private final int[] contributions;
  /** Products folded into their one consumer's add or subtract (vector lanes). */
  private final boolean[] fused;
  private final String[] adjName;
  private final int[] adjSign;
  /** A name's row-invariant scale: node r's adjoint is adjSign·adjName·(adjScalars)·adjLiteral. */
  private final List<List<Integer>> adjScalars = new ArrayList<>();
  private final double[] adjLiteral;
  /** Half squared z-scores summed by their one consumer as −½Σz² (vector lanes). */
  private final boolean[] squareFolded;
  /** Log-sum-exps whose only use is one sum: their logs are taken once per tile (vector lanes). */
  private final boolean[] logFolded;
  /** Tile products of those log-sum-exps' shifted sums: name → the sum accumulator their log goes to. */
  private final Map<String, String> logProducts = new LinkedHashMap<>();
  /** Row-invariant constants beyond the nodes' own: name → scalar expression. */
  private final Map<String, String> constants = new LinkedHashMap<>();
  private final Map<String, Integer> scaleIndex = new HashMap<>();
  /** Adjoint accumulators: name → statement folding their total (written %s) into the adjoint. */
  private final Map<String, String> accumulators = new LinkedHashMap<>();
  private final Map<String, Integer> accumulatorSign = new HashMap<>();

  /**
   * @param value a per-sample scalar node's value, as a scalar expression
   * @param adjoint a per-sample scalar node's adjoint slot, as an assignable expression
   */
  RowBody(GraphView g, RowLanes lanes, boolean gradient, int[] sumOfRow, IntFunction<String> value,
      IntFunction<String> adjoint) {
    this.g = g;
    this.L = lanes;
    this.vector = lanes == RowLanes.VECTOR;
    this.gradient = gradient;
    this.sumOfRow = sumOfRow;
    this.value = value;
    this.adjoint = adjoint;
    int n = g.size();
    this.uses = new int[n];
    int[] consumer = new int[n];
    int[] rowOrder = g.rowOrder();
    for (int r : rowOrder) {
      for (int a : g.inputs(r)) {
        if (g.kind(a) == GraphView.ROW) {
          uses[a]++;
          consumer[a] = r;
        }
      }
    }
    this.contributions = new int[n];
    for (int r : rowOrder) {
      contributions[r] = sumOfRow[r] >= 0 ? 1 : 0;
    }
    for (int t = rowOrder.length - 1; t >= 0; t--) {
      int r = rowOrder[t];
      if (contributions[r] > 0 && !g.op(r).equals("IN_INTERVAL")) {
        for (int a : g.inputs(r)) {
          if (g.kind(a) == GraphView.ROW) {
            contributions[a]++;
          }
        }
      }
    }
    this.fused = new boolean[n];
    this.squareFolded = new boolean[n];
    this.logFolded = new boolean[n];
    int[] sumsReading = new int[n];
    for (int s : g.sumNodes()) {
      sumsReading[g.inputs(s)[0]]++;
    }
    if (vector) {
      for (int r : rowOrder) {
        fused[r] = foldable(r) && foldsInto(r, consumer[r]);
        squareFolded[r] = g.op(r).equals("HALF_SQUARED_Z") && uses[r] == 1 && sumOfRow[r] < 0
            && g.op(consumer[r]).equals("LINEAR") && coefficientOf(consumer[r], r) == 1;
        logFolded[r] = g.op(r).equals("LOG_SUM_EXP") && uses[r] == 0 && sumsReading[r] == 1
            && g.inputs(r).length <= MAX_LOG_FOLDED_TERMS;
      }
    }
    this.adjName = new String[n];
    this.adjSign = new int[n];
    this.adjLiteral = new double[n];
    for (int k = 0; k < n; k++) {
      adjScalars.add(List.of());
    }
  }

  private double coefficientOf(int linear, int operand) {
    int[] in = g.inputs(linear);
    for (int k = 0; k < in.length; k++) {
      if (in[k] == operand) {
        return g.coefficients(linear)[k];
      }
    }
    throw new IllegalStateException(operand + " is not an operand of " + linear);
  }

  /** Constants the body reads besides the nodes' broadcasts: name → scalar expression. */
  Map<String, String> constants() {
    return constants;
  }

  /**
   * Vector products a tile's segment starts at one and, after its loop, adds the log of into a sum
   * accumulator: name → that accumulator.
   */
  Map<String, String> logProducts() {
    return logProducts;
  }

  /** Adjoint accumulators in first-use order: name → fold statement with %s for their total. */
  Map<String, String> accumulators() {
    return accumulators;
  }

  /** Writes the statements; the caller has loaded the data columns into C locals. */
  void write(SourceWriter w) {
    int[] rowOrder = g.rowOrder();
    for (int r : rowOrder) {
      if (!fused[r]) {
        forward(w, r);
      }
    }
    for (int s : g.sumNodes()) {
      int r = g.inputs(s)[0];
      String acc = (vector ? "S" : "s") + s;
      if (logFolded[r]) {
        // Σ (m + log Σe) as Σ m + log Π Σe: each Σe lies in [1, k] (its largest term is e⁰), so a
        // tile's product cannot overflow, and one LOG per tile replaces one per row.
        String product = "LP" + r;
        logProducts.put(product, acc);
        w.line(L.accumulate(acc, RowLanes.lseShift("r" + r)));
        w.line(product + " = " + L.mul(product, RowLanes.lseSum("r" + r)) + ";");
      } else {
        w.line(L.accumulate(acc, "r" + r));
      }
    }
    if (!gradient) {
      return;
    }
    for (int r : rowOrder) {
      if (sumOfRow[r] >= 0) {
        contribute(w, r, new Term(1).row((vector ? "Q" : "q") + r));
      }
    }
    for (int t = rowOrder.length - 1; t >= 0; t--) {
      int r = rowOrder[t];
      if (contributions[r] > 0) {
        backward(w, r);
      }
    }
  }

  // ---- forward ----

  private String operand(int id) {
    switch (g.kind(id)) {
      case GraphView.ROW: return "r" + id;
      case GraphView.FIXED_ROW: return "C" + id;
      default: return L.scalar(id);
    }
  }

  private String[] operands(int[] in) {
    String[] a = new String[in.length];
    for (int k = 0; k < in.length; k++) {
      a[k] = operand(in[k]);
    }
    return a;
  }

  private boolean rowScalar(int id) {
    int k = g.kind(id);
    return k == GraphView.FIXED_SCALAR || k == GraphView.PARAM || k == GraphView.SCALAR;
  }

  /** Whether node id is a product that only one row node reads (and no sum). */
  private boolean foldable(int id) {
    return g.kind(id) == GraphView.ROW && g.op(id).equals("MUL") && uses[id] == 1 && sumOfRow[id] < 0;
  }

  /** Whether product m can be one fused multiply-add inside consumer c. */
  private boolean foldsInto(int m, int c) {
    int[] in = g.inputs(c);
    switch (g.op(c)) {
      case "ADD":
        // Of a sum of two products, only the second is folded: the first must exist as the addend.
        return in[1] == m || !foldable(in[1]);
      case "SUB":
      case "HALF_SQUARED_Z":
        // x − a·b = fma(−a, b, x) needs a row-invariant factor to negate once, outside the loop.
        return in[1] == m && in[0] != m && (rowScalar(g.inputs(m)[0]) || rowScalar(g.inputs(m)[1]));
      default:
        return false;
    }
  }

  private String plus(int x, int y) {
    if (fused[y]) {
      int[] p = g.inputs(y);
      return L.fma(operand(p[0]), operand(p[1]), operand(x));
    }
    if (fused[x]) {
      int[] p = g.inputs(x);
      return L.fma(operand(p[0]), operand(p[1]), operand(y));
    }
    return L.add(operand(x), operand(y));
  }

  private String minus(int x, int y) {
    if (fused[y]) {
      int[] p = g.inputs(y);
      int invariant = rowScalar(p[0]) ? p[0] : p[1];
      int other = invariant == p[0] ? p[1] : p[0];
      String negated = "N" + invariant;
      constants.put(negated, "-(" + value.apply(invariant) + ")");
      return L.fma(negated, operand(other), operand(x));
    }
    return L.sub(operand(x), operand(y));
  }

  private void forward(SourceWriter w, int r) {
    String op = g.op(r);
    int[] in = g.inputs(r);
    String[] a = operands(in);
    String out = "r" + r;
    String e;
    switch (op) {
      case "ADD": e = plus(in[0], in[1]); break;
      case "SUB": e = minus(in[0], in[1]); break;
      case "MUL": e = L.mul(a[0], a[1]); break;
      case "DIV": e = L.div(a[0], a[1]); break;
      case "NEG": e = L.neg(a[0]); break;
      case "SQUARE": e = L.mul(a[0], a[0]); break;
      case "EXP": case "LOG": case "LOG1P": case "EXPM1": case "SQRT": e = L.unary(op, a[0]); break;
      case "LOGISTIC": e = L.logistic(a[0]); break;
      case "LOG1P_EXP": e = L.log1pExp(a[0]); break;
      case "IN_INTERVAL": e = L.inInterval(a[0], a[1], a[2]); break;
      case "HALF_SQUARED_Z": {
        // −½(dτ)² with d = x − μ, kept for the adjoints, and the precision τ = 1/σ.
        String d = "d_" + out;
        String z = "z_" + out;
        w.line(L.type() + " " + d + " = " + minus(in[0], in[1]) + ";");
        w.line(L.type() + " " + z + " = " + L.mul(d, a[2]) + ";");
        if (squareFolded[r]) {
          return;
        }
        e = L.mul(L.scale(z, -0.5), z);
        break;
      }
      case "LINEAR": {
        double[] coef = g.coefficients(r);
        // Folded half squared z-scores first: −½·(z₁² + z₂² + …), one multiply-add each.
        String squares = null;
        for (int k = 0; k < a.length; k++) {
          if (squareFolded[in[k]]) {
            String z = "z_r" + in[k];
            squares = squares == null ? L.mul(z, z) : L.fma(z, z, squares);
          }
        }
        e = squares == null ? null : L.scale(squares, -0.5);
        for (int k = 0; k < a.length; k++) {
          if (squareFolded[in[k]]) {
            continue;
          }
          e = e == null ? signed(a[k], coef[k])
              : coef[k] == 1 ? L.add(e, a[k]) : coef[k] == -1 ? L.sub(e, a[k]) : L.add(e, L.scale(a[k], coef[k]));
        }
        break;
      }
      case "LOG_SUM_EXP":
        L.logSumExp(w, out, a, !logFolded[r]);
        return;
      case "POW": e = "Math.pow(" + a[0] + ", " + a[1] + ")"; break;
      case "LGAMMA": e = "CompiledModelDensity.logGamma(" + a[0] + ")"; break;
      default: throw new IllegalStateException(op + " is not a row-wise operation");
    }
    w.line(L.type() + " " + out + " = " + e + ";");
  }

  /** c·a, written as a or −a for the usual coefficients ±1. */
  private String signed(String a, double c) {
    return c == 1 ? a : c == -1 ? L.neg(a) : L.scale(a, c);
  }

  // ---- backward ----

  /** A contribution to an adjoint: sign · (product of row factors) · (row-invariant factors) · literal. */
  private final class Term {
    final int sign;
    final List<String> rows = new ArrayList<>();
    final List<Integer> scalars = new ArrayList<>();
    double literal = 1;

    Term(int sign) {
      this.sign = sign;
    }

    Term row(String factor) {
      rows.add(factor);
      return this;
    }

    /** Operand {@code id} as a factor: row-invariant ones leave the loop. */
    Term factor(int id) {
      if (rowScalar(id)) {
        scalars.add(id);
      } else {
        rows.add(operand(id));
      }
      return this;
    }

    Term times(double c) {
      literal *= c;
      return this;
    }

    int effectiveSign() {
      return literal < 0 ? -sign : sign;
    }

    boolean scaled() {
      return !scalars.isEmpty() || Math.abs(literal) != 1;
    }

    /** A key naming this term's row-invariant scale, equal for equal scales. */
    String scaleKey() {
      List<Integer> sorted = new ArrayList<>(scalars);
      sorted.sort(null);
      return sorted + "|" + SourceWriter.literal(Math.abs(literal));
    }

    /** The scale as a scalar expression. */
    String scaleExpression() {
      List<String> parts = new ArrayList<>();
      for (int id : scalars) {
        parts.add(value.apply(id));
      }
      if (Math.abs(literal) != 1) {
        parts.add(SourceWriter.literal(Math.abs(literal)));
      }
      return String.join(" * ", parts);
    }

    /** The product of the row factors only. */
    String rowProduct() {
      return product(rows, rows.size());
    }

    /** The whole magnitude in lanes: row factors times the scale as one constant. */
    String rowValue() {
      if (!scaled()) {
        return rowProduct();
      }
      return L.mul(rowProduct(), scaleConstant(this));
    }
  }

  /** The name of the constant equal to a term's scale: a node's own broadcast, or a derived one. */
  private String scaleConstant(Term t) {
    if (t.scalars.size() == 1 && Math.abs(t.literal) == 1) {
      return L.scalar(t.scalars.get(0));
    }
    if (t.scalars.isEmpty()) {
      return L.literal(Math.abs(t.literal));
    }
    int k = scaleIndex.computeIfAbsent(t.scaleKey(), x -> scaleIndex.size());
    String name = vector ? "K" + k : "k" + k;
    constants.put(name, t.scaleExpression());
    return name;
  }

  private void contribute(SourceWriter w, int target, Term t) {
    int kind = g.kind(target);
    if (kind == GraphView.ROW) {
      toRow(w, target, t);
    } else if (kind == GraphView.PARAM || kind == GraphView.SCALAR) {
      toAccumulator(w, target, t);
    }
  }

  private void toRow(SourceWriter w, int target, Term t) {
    int sign = t.effectiveSign();
    if (adjName[target] == null) {
      adjSign[target] = sign;
      if (contributions[target] == 1 && t.rows.size() == 1 && NAME.matcher(t.rows.get(0)).matches()) {
        // Another name for the term, its scale kept aside until a product needs it.
        adjName[target] = t.rows.get(0);
        adjScalars.set(target, List.copyOf(t.scalars));
        adjLiteral[target] = Math.abs(t.literal);
      } else {
        adjName[target] = "g" + target;
        adjLiteral[target] = 1;
        w.line(L.type() + " " + adjName[target] + " = " + t.rowValue() + ";");
      }
      return;
    }
    String acc = adjName[target];
    addInto(w, acc, t, sign == adjSign[target], true);
  }

  private void toAccumulator(SourceWriter w, int target, Term t) {
    int sign = t.effectiveSign();
    String base = (vector ? "B" : "b") + target;
    String name;
    if (t.scaled()) {
      int k = scaleIndex.computeIfAbsent(t.scaleKey(), x -> scaleIndex.size());
      name = base + "_" + k;
    } else {
      name = base;
    }
    if (!accumulators.containsKey(name)) {
      accumulatorSign.put(name, sign);
      String scale = t.scaled() ? t.scaleExpression() + " * " : "";
      accumulators.put(name, adjoint.apply(target) + (sign > 0 ? " += " : " -= ") + scale + "%s;");
    }
    addInto(w, name, t, sign == accumulatorSign.get(name), false);
  }

  /** acc ± term; with {@code withScale} false the term's scale is left to the accumulator's fold. */
  private void addInto(SourceWriter w, String acc, Term t, boolean add, boolean withScale) {
    List<String> f = new ArrayList<>(t.rows);
    if (withScale && t.scaled()) {
      f.add(scaleConstant(t));
    }
    if (vector && add && f.size() >= 2) {
      w.line(acc + " = " + L.fma(product(f, f.size() - 1), f.get(f.size() - 1), acc) + ";");
      return;
    }
    String v = product(f, f.size());
    w.line(add ? L.accumulate(acc, v) : L.deduct(acc, v));
  }

  /** The product of the first {@code count} factors, left to right. */
  private String product(List<String> factors, int count) {
    String e = factors.get(0);
    for (int k = 1; k < count; k++) {
      e = L.mul(e, factors.get(k));
    }
    return e;
  }

  /** A term of node r's adjoint with the given sign and r's scale, before its row factors. */
  private Term scaleOf(int r, int sign) {
    Term t = new Term(sign * adjSign[r]);
    t.scalars.addAll(adjScalars.get(r));
    t.literal = adjLiteral[r];
    return t;
  }

  /** sign · (node r's adjoint). */
  private Term term(int r, int sign) {
    return scaleOf(r, sign).row(adjName[r]);
  }

  /** Passes node r's (complete) adjoint to its operands. */
  private void backward(SourceWriter w, int r) {
    String op = g.op(r);
    int[] in = g.inputs(r);
    String[] a = operands(in);
    String gr = adjName[r];
    String out = "r" + r;
    switch (op) {
      case "ADD":
        contribute(w, in[0], term(r, 1));
        contribute(w, in[1], term(r, 1));
        break;
      case "SUB":
        contribute(w, in[0], term(r, 1));
        contribute(w, in[1], term(r, -1));
        break;
      case "NEG":
        contribute(w, in[0], term(r, -1));
        break;
      case "MUL":
        contribute(w, in[0], term(r, 1).factor(in[1]));
        contribute(w, in[1], term(r, 1).factor(in[0]));
        break;
      case "DIV":
        contribute(w, in[0], scaleOf(r, 1).row(L.div(gr, a[1])));
        contribute(w, in[1], scaleOf(r, -1).row(L.div(L.mul(gr, out), a[1])));
        break;
      case "SQUARE":
        contribute(w, in[0], term(r, 1).factor(in[0]).times(2));
        break;
      case "SQRT":
        contribute(w, in[0], scaleOf(r, 1).row(L.div(gr, out)).times(0.5));
        break;
      case "EXP":
        contribute(w, in[0], term(r, 1).row(out));
        break;
      case "EXPM1":
        contribute(w, in[0], term(r, 1).row(L.add(out, L.literal(1))));
        break;
      case "LOG":
        contribute(w, in[0], scaleOf(r, 1).row(L.div(gr, a[0])));
        break;
      case "LOG1P":
        contribute(w, in[0], scaleOf(r, 1).row(L.div(gr, L.add(L.literal(1), a[0]))));
        break;
      case "LOGISTIC":
        contribute(w, in[0], term(r, 1).row(out).row(L.sub(L.literal(1), out)));
        break;
      case "LOG1P_EXP":
        contribute(w, in[0], term(r, 1).row(L.logistic(a[0])));
        break;
      case "LOG_SUM_EXP": {
        // ∂out/∂a_k = e_k / Σ e, from the forward pass's shifted exponentials.
        String share = "gs_" + r;
        w.line(L.type() + " " + share + " = " + L.div(gr, RowLanes.lseSum(out)) + ";");
        for (int k = 0; k < in.length; k++) {
          contribute(w, in[k], scaleOf(r, 1).row(share).row(RowLanes.lseTerm(out, k)));
        }
        break;
      }
      case "POW":
        contribute(w, in[0], scaleOf(r, 1).row(gr + " * CompiledModelDensity.powBase(" + a[0] + ", " + a[1] + ")"));
        contribute(w, in[1], scaleOf(r, 1).row(gr + " * CompiledModelDensity.powExponent(" + a[0] + ", " + out + ")"));
        break;
      case "LGAMMA":
        contribute(w, in[0], scaleOf(r, 1).row(gr + " * CompiledModelDensity.digamma(" + a[0] + ")"));
        break;
      case "IN_INTERVAL":
        break;
      case "HALF_SQUARED_Z": {
        // With d = x − μ: ∂/∂x = −dτ², ∂/∂μ = dτ², ∂/∂τ = −d²τ.
        String d = "d_" + out;
        String gd = "gd_" + r;
        w.line(L.type() + " " + gd + " = " + L.mul(gr, d) + ";");
        boolean both = g.kind(in[0]) == GraphView.ROW && g.kind(in[1]) == GraphView.ROW;
        if (both) {
          String h = "h_" + r;
          w.line(L.type() + " " + h + " = " + new Term(1).row(gd).factor(in[2]).factor(in[2]).rowValue() + ";");
          contribute(w, in[0], scaleOf(r, -1).row(h));
          contribute(w, in[1], scaleOf(r, 1).row(h));
        } else {
          contribute(w, in[0], scaleOf(r, -1).row(gd).factor(in[2]).factor(in[2]));
          contribute(w, in[1], scaleOf(r, 1).row(gd).factor(in[2]).factor(in[2]));
        }
        contribute(w, in[2], scaleOf(r, -1).row(gd).row(d).factor(in[2]));
        break;
      }
      case "LINEAR": {
        double[] coef = g.coefficients(r);
        for (int k = 0; k < in.length; k++) {
          contribute(w, in[k], term(r, 1).times(coef[k]));
        }
        break;
      }
      default:
        throw new IllegalStateException(op + " is not a row-wise operation");
    }
  }
}
