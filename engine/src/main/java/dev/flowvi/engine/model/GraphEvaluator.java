package dev.flowvi.engine.model;

import java.util.Arrays;

/**
 * Interprets a {@link CompiledGraph} for one sample at a time, with reverse-mode gradients. One
 * evaluator per thread: it owns all scratch memory, sized once, so evaluation allocates nothing.
 *
 * <p>Per sample: constrain the free coordinates (adding log|J|); evaluate the per-sample scalars;
 * sweep the data in tiles of {@link #TILE} rows, each row-wise node a tight loop over its tile,
 * accumulating the sums over rows; then evaluate the scalars that use the sums. For the gradient,
 * each tile's adjoints are propagated right after its values, while they are still in cache, when
 * the sums' adjoints do not depend on values (the usual Σ of terms); otherwise the sweep runs twice.
 * Per-sample scalars used by row-wise nodes are broadcast into tile buffers once per sample; their
 * adjoints accumulate in tile buffers over the sweep and are reduced once at the end.
 */
final class GraphEvaluator {
  static final int TILE = 256;
  private static final int ROW_BUFFER = 0;
  private static final int COLUMN = 1;
  private static final int BROADCAST = 2;

  private final CompiledGraph g;
  private final RowKernels kernels;
  private final int tile;
  private final double[] x;
  private final double[] gx;
  private final double[] val;
  private final double[] adj;
  private final double[][] rowVal;
  private final double[][] rowAdj;
  private final int[] rowSlot;
  private final double[][] bVal;
  private final double[][] bAdj;
  private final int[] bSlot;
  /** Scalar nodes (PARAM or SCALAR) broadcast into tile buffers. */
  private final int[] broadcastNodes;
  /** Per ROW node and operand: where the operand lives (row buffer, data column, broadcast). */
  private final int[][] operandKind;
  private final int[][] operandRef;
  private final double[][] opArr;
  private final int[] opOff;
  private final double[][] opAdj;
  /** One parameter's free coordinates and their gradient, gathered from the strided batch. */
  private final double[] uLocal;
  private final double[] guLocal;

  GraphEvaluator(CompiledGraph g, RowKernels kernels) {
    this.g = g;
    this.kernels = kernels;
    int n = g.size;
    this.tile = Math.min(TILE, g.rows);
    this.x = new double[g.model.constrainedDim()];
    this.gx = new double[x.length];
    this.val = new double[n];
    this.adj = new double[n];
    for (int id = 0; id < n; id++) {
      if (g.kind[id] == CompiledGraph.FIXED_SCALAR) {
        val[id] = g.fixedValue[id];
      }
    }
    this.rowSlot = new int[n];
    this.bSlot = new int[n];
    Arrays.fill(rowSlot, -1);
    Arrays.fill(bSlot, -1);
    for (int k = 0; k < g.rowOrder.length; k++) {
      rowSlot[g.rowOrder[k]] = k;
    }
    int broadcasts = 0;
    int maxArity = 1;
    int[] bNodes = new int[n];
    int paramBroadcasts = 0;
    for (int r : g.rowOrder) {
      maxArity = Math.max(maxArity, g.in[r].length);
      for (int a : g.in[r]) {
        int k = g.kind[a];
        boolean scalar = k == CompiledGraph.FIXED_SCALAR || k == CompiledGraph.PARAM || k == CompiledGraph.SCALAR;
        if (scalar && bSlot[a] < 0) {
          bSlot[a] = broadcasts++;
          if (k != CompiledGraph.FIXED_SCALAR) {
            bNodes[paramBroadcasts++] = a;
          }
        }
      }
    }
    this.broadcastNodes = Arrays.copyOf(bNodes, paramBroadcasts);
    this.rowVal = new double[g.rowOrder.length][tile];
    this.rowAdj = new double[g.rowOrder.length][tile];
    this.bVal = new double[broadcasts][tile];
    this.bAdj = new double[broadcasts][tile];
    for (int id = 0; id < n; id++) {
      if (bSlot[id] >= 0 && g.kind[id] == CompiledGraph.FIXED_SCALAR) {
        Arrays.fill(bVal[bSlot[id]], g.fixedValue[id]);
      }
    }
    this.operandKind = new int[n][];
    this.operandRef = new int[n][];
    for (int r : g.rowOrder) {
      int[] a = g.in[r];
      operandKind[r] = new int[a.length];
      operandRef[r] = new int[a.length];
      for (int k = 0; k < a.length; k++) {
        int ka = g.kind[a[k]];
        if (ka == CompiledGraph.ROW) {
          operandKind[r][k] = ROW_BUFFER;
          operandRef[r][k] = rowSlot[a[k]];
        } else if (ka == CompiledGraph.FIXED_ROW) {
          operandKind[r][k] = COLUMN;
          operandRef[r][k] = a[k];
        } else {
          operandKind[r][k] = BROADCAST;
          operandRef[r][k] = bSlot[a[k]];
        }
      }
    }
    this.opArr = new double[maxArity][];
    this.opOff = new int[maxArity];
    this.opAdj = new double[maxArity][];
    this.uLocal = new double[g.model.dim()];
    this.guLocal = new double[g.model.dim()];
  }

  /**
   * log p̃ at the free coordinates {@code u[uOff + j·stride]}, j = 0..dim−1; when {@code gu} is not
   * null, writes ∇ log p̃ into {@code gu[guOff + j·stride]}.
   */
  double evaluate(double[] u, int uOff, int stride, double[] gu, int guOff) {
    double logJ = constrain(u, uOff, stride);
    for (int id : g.preOrder) {
      val[id] = g.kind[id] == CompiledGraph.PARAM ? x[g.paramIndex[id]] : scalarValue(id);
    }
    for (int id : broadcastNodes) {
      Arrays.fill(bVal[bSlot[id]], val[id]);
    }
    for (int s : g.sumNodes) {
      val[s] = 0;
    }
    boolean gradient = gu != null;
    boolean fused = gradient && g.linearInSums;
    if (gradient) {
      Arrays.fill(adj, 0);
      for (int id : broadcastNodes) {
        Arrays.fill(bAdj[bSlot[id]], 0);
      }
      for (int r : g.roots) {
        adj[r] += 1;
      }
      if (fused) {
        // Sum adjoints through +, − and negation do not read values.
        scalarBackward(g.postOrder);
      }
    }
    sweep(fused);
    for (int id : g.postOrder) {
      val[id] = scalarValue(id);
    }
    double total = logJ;
    for (int r : g.roots) {
      total += val[r];
    }
    if (!gradient) {
      return total;
    }
    if (!fused) {
      scalarBackward(g.postOrder);
      sweep(true);
    }
    for (int id : broadcastNodes) {
      double[] b = bAdj[bSlot[id]];
      double s = 0;
      for (int i = 0; i < tile; i++) {
        s += b[i];
      }
      adj[id] += s;
    }
    scalarBackward(g.preOrder);
    Arrays.fill(gx, 0);
    for (int id : g.preOrder) {
      if (g.kind[id] == CompiledGraph.PARAM) {
        gx[g.paramIndex[id]] += adj[id];
      }
    }
    for (int j = 0; j < g.model.dim(); j++) {
      gu[guOff + j * stride] = 0;
    }
    for (Parameter p : g.model.parameters()) {
      backwardConstraint(p, u, uOff, stride, gu, guOff);
    }
    return total;
  }

  private double constrain(double[] u, int uOff, int stride) {
    double logJ = 0;
    for (Parameter p : g.model.parameters()) {
      double[] free = gatherFree(p, u, uOff, stride);
      logJ += p.constraint().constrain(free, 0, x, p.offset(), p.size());
    }
    return logJ;
  }

  private double[] gatherFree(Parameter p, double[] u, int uOff, int stride) {
    int fs = p.freeSize();
    double[] tmp = uLocal;
    for (int k = 0; k < fs; k++) {
      tmp[k] = u[uOff + (p.freeOffset() + k) * stride];
    }
    return tmp;
  }

  private void backwardConstraint(Parameter p, double[] u, int uOff, int stride, double[] gu, int guOff) {
    double[] free = gatherFree(p, u, uOff, stride);
    int fs = p.freeSize();
    Arrays.fill(guLocal, 0, fs, 0);
    p.constraint().backward(free, 0, x, p.offset(), gx, p.size(), guLocal, 0);
    for (int k = 0; k < fs; k++) {
      gu[guOff + (p.freeOffset() + k) * stride] += guLocal[k];
    }
  }

  private double scalarValue(int id) {
    int[] a = g.in[id];
    Op op = g.op[id];
    switch (op) {
      case SUM_ROWS:
        return val[id];
      case LINEAR: {
        double[] c = g.coef[id];
        double s = 0;
        for (int k = 0; k < a.length; k++) {
          s += c[k] * val[a[k]];
        }
        return s;
      }
      case LOG_SUM_EXP: {
        double max = Double.NEGATIVE_INFINITY;
        for (int k : a) {
          max = Math.max(max, val[k]);
        }
        if (max == Double.NEGATIVE_INFINITY || Double.isNaN(max)) {
          return max;
        }
        double s = 0;
        for (int k : a) {
          s += Math.exp(val[k] - max);
        }
        return max + Math.log(s);
      }
      default:
        return op.apply(val[a[0]], a.length > 1 ? val[a[1]] : 0, a.length > 2 ? val[a[2]] : 0);
    }
  }

  /** Reverse mode over scalar nodes (in reverse of the given topological order). */
  private void scalarBackward(int[] order) {
    for (int t = order.length - 1; t >= 0; t--) {
      int id = order[t];
      double ga = adj[id];
      Op op = g.op[id];
      if (ga == 0 || op == Op.PARAMETER || op == Op.SUM_ROWS) {
        continue;
      }
      int[] a = g.in[id];
      for (int k = 0; k < a.length; k++) {
        if (g.kind[a[k]] < CompiledGraph.PARAM) {
          continue;
        }
        double partial = op == Op.LOG_SUM_EXP ? Math.exp(val[a[k]] - val[id])
            : op == Op.LINEAR ? g.coef[id][k]
            : op.partial(k, val[a[0]], a.length > 1 ? val[a[1]] : 0, a.length > 2 ? val[a[2]] : 0, val[id]);
        adj[a[k]] += ga * partial;
      }
    }
  }

  /** One pass over all rows in tiles: values and sums, and with {@code backward} the adjoints. */
  private void sweep(boolean backward) {
    int[] rowOrder = g.rowOrder;
    for (int start = 0; start < g.rows; start += tile) {
      int len = Math.min(tile, g.rows - start);
      for (int r : rowOrder) {
        int arity = operands(r, start);
        kernels.forward(g.op[r], opArr, opOff, arity, g.coef[r], rowVal[rowSlot[r]], len);
      }
      for (int s : g.sumNodes) {
        double[] v = rowVal[rowSlot[g.in[s][0]]];
        double acc = 0;
        for (int i = 0; i < len; i++) {
          acc += v[i];
        }
        val[s] += acc;
      }
      if (!backward) {
        continue;
      }
      for (double[] a : rowAdj) {
        Arrays.fill(a, 0, len, 0);
      }
      for (int s : g.sumNodes) {
        double seed = adj[s];
        double[] a = rowAdj[rowSlot[g.in[s][0]]];
        for (int i = 0; i < len; i++) {
          a[i] += seed;
        }
      }
      for (int t = rowOrder.length - 1; t >= 0; t--) {
        int r = rowOrder[t];
        int arity = operands(r, start);
        int[] kinds = operandKind[r];
        int[] refs = operandRef[r];
        boolean any = false;
        for (int k = 0; k < arity; k++) {
          opAdj[k] = kinds[k] == ROW_BUFFER ? rowAdj[refs[k]]
              : kinds[k] == BROADCAST && g.kind[g.in[r][k]] != CompiledGraph.FIXED_SCALAR ? bAdj[refs[k]] : null;
          any |= opAdj[k] != null;
        }
        if (any) {
          kernels.backward(g.op[r], opArr, opOff, arity, g.coef[r], rowVal[rowSlot[r]], rowAdj[rowSlot[r]], opAdj, len);
        }
      }
    }
  }

  private int operands(int r, int start) {
    int[] kinds = operandKind[r];
    int[] refs = operandRef[r];
    for (int k = 0; k < kinds.length; k++) {
      switch (kinds[k]) {
        case ROW_BUFFER:
          opArr[k] = rowVal[refs[k]];
          opOff[k] = 0;
          break;
        case COLUMN:
          opArr[k] = g.fixedColumn[refs[k]];
          opOff[k] = start;
          break;
        default:
          opArr[k] = bVal[refs[k]];
          opOff[k] = 0;
      }
    }
    return kinds.length;
  }
}
