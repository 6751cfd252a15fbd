package dev.flowvi.engine.model;

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
    this.roots = rootIds;
    this.op = b.ops.toArray(new Op[0]);
    this.in = b.inputs.toArray(new int[0][]);
    this.paramIndex = new int[n];
    this.kind = new int[n];
    this.fixedValue = new double[n];
    this.fixedColumn = new double[n][];
    this.rows = data == null ? 1 : data.rows();
    List<Integer> pre = new ArrayList<>();
    List<Integer> row = new ArrayList<>();
    List<Integer> sums = new ArrayList<>();
    List<Integer> post = new ArrayList<>();
    boolean linear = true;
    for (int id = 0; id < n; id++) {
      Expr e = b.exprs.get(id);
      paramIndex[id] = e.index;
      kind[id] = classify(id);
      switch (kind[id]) {
        case FIXED_SCALAR:
          fixedValue[id] = op[id] == Op.CONSTANT ? e.value : foldScalar(id);
          break;
        case FIXED_ROW:
          fixedColumn[id] = op[id] == Op.DATA ? bindColumn(data, e.name) : foldRows(id);
          break;
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
        default:
          post.add(id);
          linear &= op[id] == Op.ADD || op[id] == Op.SUB || op[id] == Op.NEG;
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
