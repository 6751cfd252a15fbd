package dev.flowvi.engine.train;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.random.RandomStream;
import java.util.Arrays;

/**
 * Maximum likelihood on data: −(1/N) Σ_i log q(x_i | c_i), one unit per data row. Each row runs
 * the density direction g⁻¹ and its backward pass. Rows whose log q is non-finite are dropped.
 *
 * <p>The data are feature-major: coordinate j of row i at {@code x[j*rows + i]}, conditioning
 * coordinate j at {@code cond[j*rows + i]} (null for an unconditional flow). The loss keeps a
 * reference to the arrays, which must not change while it is in use.
 */
public final class MaximumLikelihoodLoss implements ChunkedLoss {
  private final TransformedDistribution flow;
  private final double[] x;
  private final double[] cond;
  private final int rows;
  private final ParameterLayout layout;

  private MaximumLikelihoodLoss(TransformedDistribution flow, double[] x, double[] cond, int rows) {
    this.flow = flow;
    this.x = x;
    this.cond = cond;
    this.rows = rows;
    this.layout = flow.layout();
  }

  /** The loss of {@code flow} on {@code rows} data points {@code x} with conditioning {@code cond}. */
  public static MaximumLikelihoodLoss of(TransformedDistribution flow, double[] x, double[] cond, int rows) {
    if (flow == null) {
      throw new IllegalArgumentException("flow must not be null");
    }
    Checks.positive("rows", rows);
    Checks.exactLength("x (" + flow.dim() + " coordinates × " + rows + " rows, feature-major)", x, flow.dim() * rows);
    int c = flow.conditionDim();
    if (c == 0) {
      if (cond != null) {
        throw new IllegalArgumentException("cond has length " + cond.length + ", expected null: the flow is unconditional");
      }
    } else {
      Checks.exactLength("cond (" + c + " conditioning coordinates × " + rows + " rows, feature-major)", cond, c * rows);
    }
    return new MaximumLikelihoodLoss(flow, x, cond, rows);
  }

  public int rows() {
    return rows;
  }

  @Override
  public int parameterCount() {
    return flow.parameterCount();
  }

  @Override
  public ParameterLayout layout() {
    return layout;
  }

  @Override
  public Workspace newWorkspace(int capacity) {
    Checks.positive("capacity", capacity);
    return new Scratch(flow, capacity);
  }

  /** All rows in order: for {@link #valueAndGradient} over the whole data set. */
  public int[] allRows() {
    int[] all = new int[rows];
    Arrays.setAll(all, i -> i);
    return all;
  }

  @Override
  public void evaluate(double[] params, int[] rowIndex, int from, int count, RandomStream rng, Workspace workspace, double[] grad, LossTotals totals) {
    Checks.exactLength("params", params, parameterCount());
    Checks.batchSize(count, workspace);
    if (rowIndex == null || from < 0 || from + count > rowIndex.length) {
      throw new IllegalArgumentException(
          "rows covers " + (rowIndex == null ? "nothing" : rowIndex.length + " entries") + ", expected indices for units [" + from + ", " + (from + count) + ")");
    }
    Scratch ws = (Scratch) workspace;
    int d = flow.dim();
    int c = flow.conditionDim();
    int n = 0;
    for (int t = 0; t < count; t++) {
      int r = rowIndex[from + t];
      if (r < 0 || r >= rows) {
        throw new IllegalArgumentException("row index is " + r + ", expected 0.." + (rows - 1));
      }
      ws.order[t] = r;
    }
    n = count;
    gather(ws, n);
    double[] cb = c == 0 ? null : ws.cond;
    flow.logProb(params, 0, ws.x, cb, ws.logq, n, ws.flow);
    int good = 0;
    for (int i = 0; i < n; i++) {
      if (Double.isFinite(ws.logq[i])) {
        ws.order[good++] = ws.order[i];
      }
    }
    int dropped = n - good;
    if (good < n) {
      n = good;
      if (n == 0) {
        totals.add(0.0, 0, dropped);
        return;
      }
      gather(ws, n);
      flow.logProb(params, 0, ws.x, cb, ws.logq, n, ws.flow);
    }
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
      sum -= ws.logq[i];
    }
    totals.add(sum, n, dropped);
    if (grad == null) {
      return;
    }
    Arrays.fill(ws.gradLogq, 0, n, -1.0);
    flow.logProbBackward(params, 0, ws.x, cb, ws.gradLogq, null, grad, n, ws.flow);
  }

  /** Copies rows {@code order[0..n)} into contiguous feature-major buffers of stride n. */
  private void gather(Scratch ws, int n) {
    int d = flow.dim();
    for (int j = 0; j < d; j++) {
      for (int i = 0; i < n; i++) {
        ws.x[j * n + i] = x[j * rows + ws.order[i]];
      }
    }
    int c = flow.conditionDim();
    for (int j = 0; j < c; j++) {
      for (int i = 0; i < n; i++) {
        ws.cond[j * n + i] = cond[j * rows + ws.order[i]];
      }
    }
  }

  private static final class Scratch implements Workspace {
    final int capacity;
    final TransformedDistribution.Scratch flow;
    final double[] x;
    final double[] cond;
    final double[] logq;
    final double[] gradLogq;
    final int[] order;

    Scratch(TransformedDistribution q, int capacity) {
      this.capacity = capacity;
      flow = q.newWorkspace(capacity);
      x = new double[Math.multiplyExact(q.dim(), capacity)];
      cond = new double[Math.multiplyExact(Math.max(q.conditionDim(), 0), capacity)];
      logq = new double[capacity];
      gradLogq = new double[capacity];
      order = new int[capacity];
    }

    @Override
    public int capacity() {
      return capacity;
    }
  }
}
