package dev.flowvi.engine.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's expression graph, deduplicated, ordered and bound to data, ready to interpret.
 *
 * <p>Each node gets a kind that says when it is evaluated:
 * <ul>
 *   <li>FIXED_SCALAR, FIXED_ROW: no parameter dependence; computed once here, when data are bound
 *       (constants, data columns and every sub-expression of data alone, e.g. log e);
 *   <li>PARAM, SCALAR: per sample, before the sweep over rows;
 *   <li>ROW: per sample and row, in tiles of rows;
 *   <li>SUM: per sample, accumulated over the tiles;
 *   <li>POST: per sample, after the sweep (scalars that use a sum).
 * </ul>
 * Identical sub-expressions (same operation on the same operands) become one node.
 */
final class CompiledGraph {
  static final int FIXED_SCALAR = 0;
  static final int FIXED_ROW = 1;
  static final int PARAM = 2;
  static final int SCALAR = 3;
  static final int ROW = 4;
  static final int SUM = 5;
  static final int POST = 6;

  final Model model;
  final int rows;
  final Op[] op;
  final int[][] in;
  final int[] kind;
  /** Constrained-vector index of PARAM nodes. */
  final int[] paramIndex;
  /** Values of FIXED_SCALAR nodes. */
  final double[] fixedValue;
  /** Columns of FIXED_ROW nodes (length rows). */
  final double[][] fixedColumn;
  /** PARAM and SCALAR nodes, in topological order. */
  final int[] preOrder;
  final int[] rowOrder;
  final int[] sumNodes;
  final int[] postOrder;
  /** Number of nodes (the arrays have spare room for nodes added by fusion); fixed once constructed. */
  int size;
  /** Coefficients of {@link Op#LINEAR} nodes, one per operand. */
  final double[][] coef;
  /** The term roots, one per model term (a node may appear twice). */
  final int[] roots;
  /** True when every POST node is +, − or negation: sum adjoints are then known before the sweep. */
  final boolean linearInSums;

  CompiledGraph(Model model, DataTable data) {
    if (data == null && !model.dataColumns().isEmpty()) {
      throw new IllegalArgumentException("data is null, expected a DataTable with columns " + model.dataColumns());
    }
    this.model = model;
    Builder b = new Builder();
    int[] rootIds = new int[model.terms().size()];
    for (int t = 0; t < rootIds.length; t++) {
      rootIds[t] = b.visit(model.terms().get(t));
    }
    List<int[]> checkIds = new ArrayList<>();
    List<Support.Check> checks = new ArrayList<>();
    for (Expr term : model.terms()) {
      for (Support.Check c : term.checks) {
        checks.add(c);
        checkIds.add(new int[] {b.visit(c.variate()), b.visit(c.bound())});
      }
    }
    int n = b.ops.size();
    // Room for one per-sample sum of scalar operands per fused linear node (fuseLinearChains).
    int capacity = 2 * n;
    this.roots = rootIds;
    this.op = Arrays.copyOf(b.ops.toArray(new Op[0]), capacity);
    this.in = Arrays.copyOf(b.inputs.toArray(new int[0][]), capacity);
    this.paramIndex = new int[capacity];
    this.kind = new int[capacity];
    this.fixedValue = new double[capacity];
    this.fixedColumn = new double[capacity][];
    this.size = n;
    this.rows = data == null || model.dataColumns().isEmpty() ? 1 : data.rows();
    this.coef = new double[capacity][];
    for (int id = 0; id < n; id++) {
      Expr e = b.exprs.get(id);
      paramIndex[id] = e.index;
      kind[id] = classify(id);
      if (kind[id] == FIXED_SCALAR) {
        fixedValue[id] = op[id] == Op.CONSTANT ? e.value : foldScalar(id);
      } else if (kind[id] == FIXED_ROW) {
        fixedColumn[id] = op[id] == Op.DATA ? bindColumn(data, e.name) : foldRows(id);
      }
    }
    fuseLinearChains();
    boolean[] live = new boolean[size];
    ArrayDeque<Integer> work = new ArrayDeque<>();
    for (int r : roots) {
      work.add(r);
    }
    while (!work.isEmpty()) {
      int id = work.pop();
      if (!live[id]) {
        live[id] = true;
        for (int a : in[id]) {
          work.add(a);
        }
      }
    }
    List<Integer> pre = new ArrayList<>();
    List<Integer> row = new ArrayList<>();
    List<Integer> sums = new ArrayList<>();
    List<Integer> post = new ArrayList<>();
    boolean linear = true;
    // Ids are topological: inputs first (post-order, then the appended per-sample sums).
    for (int id = 0; id < size; id++) {
      if (!live[id]) {
        continue;
      }
      switch (kind[id]) {
        case PARAM:
        case SCALAR:
          pre.add(id);
          break;
        case ROW:
          row.add(id);
          break;
        case SUM:
          sums.add(id);
          break;
        case POST:
          post.add(id);
          linear &= op[id] == Op.ADD || op[id] == Op.SUB || op[id] == Op.NEG;
          break;
        default:
          break;
      }
    }
    this.preOrder = toArray(pre);
    this.rowOrder = toArray(row);
    this.sumNodes = toArray(sums);
    this.postOrder = toArray(post);
    this.linearInSums = linear;
    for (int k = 0; k < checks.size(); k++) {
      checkSupport(checks.get(k), checkIds.get(k)[0], checkIds.get(k)[1], data);
    }
  }

  /**
   * Rewrites trees of row-wise +, − and negation into single n-ary {@link Op#LINEAR} nodes (Σ ±a_k),
   * absorbing inner nodes that have no other use: a mixture component such as log w + N₁ + N₂ + N₃
   * − log e becomes one pass over the rows instead of one pass per addition.
   */
  private void fuseLinearChains() {
    int n = size;
    int[] uses = new int[n];
    for (int id = 0; id < n; id++) {
      for (int a : in[id]) {
        uses[a]++;
      }
    }
    for (int r : roots) {
      uses[r]++;
    }
    for (int id = 0; id < n; id++) {
      Op o = op[id];
      if (kind[id] != ROW || (o != Op.ADD && o != Op.SUB && o != Op.NEG)) {
        continue;
      }
      List<Integer> operands = new ArrayList<>();
      List<Double> signs = new ArrayList<>();
      boolean absorbed = false;
      for (int k = 0; k < in[id].length; k++) {
        double sign = o == Op.NEG || (o == Op.SUB && k == 1) ? -1 : 1;
        absorbed |= expand(in[id][k], sign, uses, operands, signs);
      }
      if (absorbed) {
        collapseScalars(operands, signs);
        op[id] = Op.LINEAR;
        in[id] = toArray(operands);
        coef[id] = signs.stream().mapToDouble(Double::doubleValue).toArray();
      }
    }
  }

  /**
   * Replaces two or more per-sample scalar operands of a fused linear node by one new node, their
   * signed sum, so the row loop adds one broadcast value instead of several.
   */
  private void collapseScalars(List<Integer> operands, List<Double> signs) {
    List<Integer> scalars = new ArrayList<>();
    List<Double> scalarSigns = new ArrayList<>();
    boolean fixed = true;
    for (int k = operands.size() - 1; k >= 0; k--) {
      int a = operands.get(k);
      if (kind[a] == FIXED_SCALAR || kind[a] == PARAM || kind[a] == SCALAR) {
        scalars.add(0, a);
        scalarSigns.add(0, signs.get(k));
        fixed &= kind[a] == FIXED_SCALAR;
        operands.remove(k);
        signs.remove(k);
      }
    }
    if (scalars.size() < 2) {
      operands.addAll(scalars);
      signs.addAll(scalarSigns);
      return;
    }
    int id = size++;
    op[id] = Op.LINEAR;
    in[id] = toArray(scalars);
    coef[id] = scalarSigns.stream().mapToDouble(Double::doubleValue).toArray();
    paramIndex[id] = -1;
    kind[id] = fixed ? FIXED_SCALAR : SCALAR;
    if (fixed) {
      double v = 0;
      for (int k = 0; k < scalars.size(); k++) {
        v += coef[id][k] * fixedValue[scalars.get(k)];
      }
      fixedValue[id] = v;
    }
    operands.add(id);
    signs.add(1.0);
  }

  /** Appends (a, sign) or, when a is an absorbable linear node, its operands; returns whether it absorbed. */
  private boolean expand(int a, double sign, int[] uses, List<Integer> operands, List<Double> signs) {
    boolean linearNode = kind[a] == ROW && (op[a] == Op.ADD || op[a] == Op.SUB || op[a] == Op.NEG || op[a] == Op.LINEAR);
    if (!linearNode || uses[a] != 1) {
      operands.add(a);
      signs.add(sign);
      return false;
    }
    for (int k = 0; k < in[a].length; k++) {
      double inner = op[a] == Op.LINEAR ? coef[a][k] : op[a] == Op.NEG || (op[a] == Op.SUB && k == 1) ? -1 : 1;
      expand(in[a][k], sign * inner, uses, operands, signs);
    }
    return true;
  }

  private static int[] toArray(List<Integer> list) {
    return list.stream().mapToInt(Integer::intValue).toArray();
  }

  private int classify(int id) {
    switch (op[id]) {
      case CONSTANT:
        return FIXED_SCALAR;
      case DATA:
        return FIXED_ROW;
      case PARAMETER:
        return PARAM;
      default:
        break;
    }
    boolean params = false;
    boolean rowwise = false;
    boolean afterSum = false;
    for (int a : in[id]) {
      int k = kind[a];
      params |= k >= PARAM;
      rowwise |= k == FIXED_ROW || k == ROW;
      afterSum |= k == SUM || k == POST;
    }
    if (!params) {
      return rowwise && op[id] != Op.SUM_ROWS ? FIXED_ROW : FIXED_SCALAR;
    }
    if (op[id] == Op.SUM_ROWS) {
      return SUM;
    }
    if (rowwise) {
      return ROW;
    }
    return afterSum ? POST : SCALAR;
  }

  private double[] bindColumn(DataTable data, String name) {
    if (!data.has(name)) {
      throw new IllegalArgumentException("unknown column '" + name + "': the model reads it, but " + data.source() + " has only " + data.names());
    }
    double[] v = data.columnView(name);
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        throw new IllegalArgumentException("column '" + name + "' of " + data.source() + " is " + v[i] + " at data row " + (i + 1) + ", expected a finite number");
      }
    }
    return v.clone();
  }

  private double fixedAt(int id, int row) {
    return kind[id] == FIXED_ROW ? fixedColumn[id][row] : fixedValue[id];
  }

  private double foldScalar(int id) {
    int[] a = in[id];
    if (op[id] == Op.SUM_ROWS) {
      double s = 0;
      for (double v : fixedColumn[a[0]]) {
        s += v;
      }
      return s;
    }
    return apply(id, 0);
  }

  private double[] foldRows(int id) {
    double[] out = new double[rows];
    for (int i = 0; i < rows; i++) {
      out[i] = apply(id, i);
    }
    return out;
  }

  private double apply(int id, int row) {
    int[] a = in[id];
    if (op[id] == Op.LOG_SUM_EXP) {
      double[] v = new double[a.length];
      for (int k = 0; k < a.length; k++) {
        v[k] = fixedAt(a[k], row);
      }
      return Expr.logSumExp(v);
    }
    return op[id].apply(fixedAt(a[0], row), a.length > 1 ? fixedAt(a[1], row) : 0, a.length > 2 ? fixedAt(a[2], row) : 0);
  }

  private void checkSupport(Support.Check c, int variate, int bound, DataTable data) {
    for (int i = 0; i < rows; i++) {
      double x = fixedAt(variate, i);
      double n = fixedAt(bound, i);
      if (!c.support().contains(x, n)) {
        throw new IllegalArgumentException("data row " + (i + 1) + " of " + data.source() + ": the " + c.density() + " variate "
            + c.variate() + " is " + x + ", expected " + c.support().expected
            + (c.support() == Support.COUNT_UP_TO ? " (n = " + n + ")" : "") + "; it lies outside the density's support");
      }
    }
  }

  /** Deduplicates the graph: one node per distinct (operation, operands, constant, name). */
  private static final class Builder {
    final List<Op> ops = new ArrayList<>();
    final List<int[]> inputs = new ArrayList<>();
    final List<Expr> exprs = new ArrayList<>();
    final Map<Expr, Integer> ids = new IdentityHashMap<>();
    final Map<List<Object>, Integer> byKey = new HashMap<>();

    int visit(Expr e) {
      Integer known = ids.get(e);
      if (known != null) {
        return known;
      }
      int[] a = new int[e.args.length];
      for (int k = 0; k < a.length; k++) {
        a[k] = visit(e.args[k]);
      }
      int id;
      // x + 0 and x − 0 are x (the node that carries a density's data checks adds 0).
      if ((e.op == Op.ADD || e.op == Op.SUB) && isZero(e.args[1])) {
        id = a[0];
      } else {
        List<Object> key = List.of(e.op, Double.doubleToLongBits(e.value), e.index, String.valueOf(e.name), Arrays.toString(a));
        Integer same = byKey.get(key);
        if (same != null) {
          id = same;
        } else {
          id = ops.size();
          ops.add(e.op);
          inputs.add(a);
          exprs.add(e);
          byKey.put(key, id);
        }
      }
      ids.put(e, id);
      return id;
    }

    private static boolean isZero(Expr e) {
      return e.op == Op.CONSTANT && e.value == 0;
    }
  }
}
