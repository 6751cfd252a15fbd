package dev.flowvi.engine.model;

/**
 * A read-only view of a model's {@link CompiledGraph} for code generators outside this package:
 * the deduplicated nodes with their operation, operands and kind, the evaluation orders, the
 * folded data (constants and columns), and the interpreted density built from the same graph.
 * Arrays returned are copies; the view never exposes the graph's own state.
 */
public final class GraphView {
  public static final int FIXED_SCALAR = CompiledGraph.FIXED_SCALAR;
  public static final int FIXED_ROW = CompiledGraph.FIXED_ROW;
  public static final int PARAM = CompiledGraph.PARAM;
  public static final int SCALAR = CompiledGraph.SCALAR;
  public static final int ROW = CompiledGraph.ROW;
  public static final int SUM = CompiledGraph.SUM;
  public static final int POST = CompiledGraph.POST;

  private final CompiledGraph graph;

  private GraphView(CompiledGraph graph) {
    this.graph = graph;
  }

  /** Builds and binds the graph, with the same checks of data and support as {@link Model#bind}. */
  public static GraphView of(Model model, DataTable data) {
    if (model == null) {
      throw new IllegalArgumentException("model is null, expected a Model");
    }
    return new GraphView(new CompiledGraph(model, data));
  }

  public Model model() {
    return graph.model;
  }

  /** The interpreted log density of the same graph, with the default row kernels. */
  public ModelLogDensity interpreted() {
    return new ModelLogDensity(graph.model, graph, ModelLogDensity.defaultKernels());
  }

  /** The interpreted log density with the scalar reference kernels (java.lang.Math throughout). */
  public ModelLogDensity interpretedScalar() {
    return interpreted().withScalarKernels();
  }

  /** Number of nodes; ids run from 0 to size − 1 in topological order (inputs first). */
  public int size() {
    return graph.size;
  }

  public int rows() {
    return graph.rows;
  }

  /** The operation's name, one of the constants of the builder's operation set (e.g. ADD, LOG_SUM_EXP). */
  public String op(int id) {
    return graph.op[id].name();
  }

  public int[] inputs(int id) {
    return graph.in[id].clone();
  }

  /** The coefficients c_k of a LINEAR node (Σ c_k·a_k), one per operand; null for other operations. */
  public double[] coefficients(int id) {
    double[] c = graph.coef[id];
    return c == null ? null : c.clone();
  }

  public int kind(int id) {
    return graph.kind[id];
  }

  /** Index in the constrained parameter vector of a PARAM node. */
  public int paramIndex(int id) {
    return graph.paramIndex[id];
  }

  /** Value of a FIXED_SCALAR node (a constant, or folded from data alone). */
  public double fixedValue(int id) {
    return graph.fixedValue[id];
  }

  /** Whether the node is a literal constant of the model (not folded from data). */
  public boolean isConstant(int id) {
    return graph.op[id] == Op.CONSTANT;
  }

  /** A copy of a FIXED_ROW node's column (a data column, or a data-only expression of rows). */
  public double[] fixedColumn(int id) {
    return graph.fixedColumn[id].clone();
  }

  public int[] preOrder() {
    return graph.preOrder.clone();
  }

  public int[] rowOrder() {
    return graph.rowOrder.clone();
  }

  public int[] sumNodes() {
    return graph.sumNodes.clone();
  }

  public int[] postOrder() {
    return graph.postOrder.clone();
  }

  /** The term roots, one per model term; the log density is their sum plus log|J|. */
  public int[] roots() {
    return graph.roots.clone();
  }

  /** True when every POST node is +, − or negation, so sum adjoints are known before the sweep. */
  public boolean linearInSums() {
    return graph.linearInSums;
  }

  /** The constraint's family: real, positive, interval, simplex or ordered. */
  public static String constraintKind(Constraint c) {
    if (c == Constraint.real()) {
      return "real";
    }
    if (c == Constraint.positive()) {
      return "positive";
    }
    if (c == Constraint.simplex()) {
      return "simplex";
    }
    if (c == Constraint.ordered()) {
      return "ordered";
    }
    if (c.intervalBounds() != null) {
      return "interval";
    }
    throw new IllegalArgumentException("constraint is " + c + ", expected real, positive, interval, simplex or ordered");
  }

  /** The (lo, hi) of an interval constraint. */
  public static double[] intervalBounds(Constraint c) {
    double[] b = c.intervalBounds();
    if (b == null) {
      throw new IllegalArgumentException("constraint is " + c + ", expected an interval constraint");
    }
    return b.clone();
  }
}
