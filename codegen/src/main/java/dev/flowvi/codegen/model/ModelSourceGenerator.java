package dev.flowvi.codegen.model;

import dev.flowvi.codegen.SourceWriter;
import dev.flowvi.engine.model.Constraint;
import dev.flowvi.engine.model.GraphView;
import dev.flowvi.engine.model.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the Java source of one model's log density and gradient, a subclass of {@link
 * CompiledModelDensity}, from its bound graph.
 *
 * <p>Per sample: the constraint transforms and their log-Jacobians, then the per-sample scalars
 * (priors, parameter functions), as straight-line code over a scratch array {@code w}; then one
 * fused loop over the data rows in which every row-wise node is a local variable, the sums over
 * rows are accumulators, and (for the gradient) the adjoints of the row-wise nodes follow in
 * reverse order inside the same iteration, adding into accumulators of the per-sample scalars that
 * the rows use. Scalars the rows read are hoisted out of the loop. With {@link RowLanes#VECTOR}
 * the loop runs over DoubleVector lanes with a scalar tail; its gradient runs by tiles of rows in two
 * passes, because HotSpot spills every live vector around each lanewise EXP/LOG call: the first
 * pass computes values and sums and stores the call results, the second recomputes the cheap row
 * values and runs the adjoints without any call ({@link #tiledGradient}).
 *
 * <p>Scratch layout: node values at w[id], their adjoints at w[N + id], the constrained values at
 * w[X + j] and their gradient at w[GX + j], then log|J| and the total. Straight-line parts are
 * split into methods of bounded size so that none reaches HotSpot's huge-method limit. Data
 * columns and data-folded scalars are constructor arguments, not literals: the source depends on
 * the graph's structure and the model's constants only, never on the data values.
 */
final class ModelSourceGenerator {
  static final String PACKAGE = "dev.flowvi.codegen.gen";
  /** Source characters per split method: straight-line code compiles to fewer bytes than characters. */
  private static final int METHOD_CHARS = 4000;
  private static final String NAME_PLACEHOLDER = "GENERATED_MODEL_CLASS";
  /** Rows per tile of the vector gradient loop: the saved values of a tile stay in L1. */
  static final int TILE = 128;

  private final GraphView g;
  private final boolean vector;
  private final int n;
  private final int xBase;
  private final int gxBase;
  private final int logJSlot;
  private final int totalSlot;
  private final int scratchSize;
  /** Where the vector gradient loop's tile of saved transcendental results starts in w. */
  private final int tileBase;
  /** Saved row values of a tile, by node: the slot of its first value (LOG_SUM_EXP saves out, e_k, Σe). */
  private final Map<Integer, Integer> savedSlot = new LinkedHashMap<>();
  /** Where the tiled gradient's vector accumulators (S.length() slots each) start in w. */
  private final int accBase;
  /** FIXED_ROW nodes read by the row loop, in field order. */
  private final List<Integer> columns = new ArrayList<>();
  /** FIXED_SCALAR nodes folded from data, by index in the {@code folded} field. */
  private final Map<Integer, Integer> folded = new LinkedHashMap<>();
  /** Scalar nodes (any FIXED_SCALAR, PARAM or SCALAR) read by the row loop. */
  private final List<Integer> rowScalars = new ArrayList<>();
  private final int[] sumOfRow;
  /** Adjoint locals of row nodes already declared in the row body being written. */
  private final Set<String> declared = new HashSet<>();

  ModelSourceGenerator(GraphView g, boolean vector) {
    this.g = g;
    this.vector = vector;
    this.n = g.size();
    int cdim = g.model().constrainedDim();
    this.xBase = 2 * n;
    this.gxBase = xBase + cdim;
    this.logJSlot = gxBase + cdim;
    this.totalSlot = logJSlot + 1;
    this.tileBase = totalSlot + 1;
    int slots = 0;
    if (vector) {
      for (int r : g.rowOrder()) {
        if (callsOut(g.op(r))) {
          savedSlot.put(r, slots);
          slots += g.op(r).equals("LOG_SUM_EXP") ? g.inputs(r).length + 2 : 1;
        }
      }
    }
    this.accBase = tileBase + slots * TILE;
    this.scratchSize = accBase;
    this.sumOfRow = new int[n];
    Arrays.fill(sumOfRow, -1);
    for (int s : g.sumNodes()) {
      sumOfRow[g.inputs(s)[0]] = s;
    }
    boolean[] seen = new boolean[n];
    for (int r : g.rowOrder()) {
      for (int a : g.inputs(r)) {
        int k = g.kind(a);
        if (seen[a] || k == GraphView.ROW) {
          continue;
        }
        seen[a] = true;
        if (k == GraphView.FIXED_ROW) {
          columns.add(a);
        } else {
          rowScalars.add(a);
        }
      }
    }
    for (int id = 0; id < n; id++) {
      if (g.kind(id) == GraphView.FIXED_SCALAR && !g.isConstant(id)) {
        folded.put(id, folded.size());
      }
    }
  }

  /**
   * Whether the vector form of a row-wise operation calls a math stub (lanewise EXP, LOG, …). HotSpot
   * keeps no vector register across such a call, so every vector live across it is spilled and
   * reloaded: the gradient loop therefore saves these results in a tile and runs the adjoints in a
   * second pass without calls.
   */
  static boolean callsOut(String op) {
    switch (op) {
      case "EXP": case "LOG": case "LOG1P": case "EXPM1": case "LOGISTIC": case "LOG1P_EXP": case "LOG_SUM_EXP":
        return true;
      default:
        return false;
    }
  }

  /** Whether every row-wise operation has a Vector API form (log-gamma and pow have none). */
  static boolean vectorisable(GraphView g) {
    for (int r : g.rowOrder()) {
      String op = g.op(r);
      if (op.equals("LGAMMA") || op.equals("POW")) {
        return false;
      }
    }
    return true;
  }

  /** FIXED_ROW node ids whose columns the constructor takes, in order. */
  int[] columnNodes() {
    return columns.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Values of the data-folded scalars, in the order of the constructor's {@code folded} argument. */
  double[] foldedValues() {
    double[] v = new double[folded.size()];
    for (Map.Entry<Integer, Integer> e : folded.entrySet()) {
      v[e.getValue()] = g.fixedValue(e.getKey());
    }
    return v;
  }

  /** The source with a placeholder class name: equal graphs (up to data values) give equal text. */
  String template() {
    SourceWriter w = new SourceWriter();
    w.line("package " + PACKAGE + ";");
    w.blank();
    w.line("import dev.flowvi.codegen.model.CompiledModelDensity;");
    if (vector) {
      w.line("import jdk.incubator.vector.DoubleVector;");
      w.line("import jdk.incubator.vector.VectorMask;");
      w.line("import jdk.incubator.vector.VectorOperators;");
      w.line("import jdk.incubator.vector.VectorSpecies;");
    }
    w.blank();
    w.line("/** Generated by FlowVI's ModelCompiler: " + n + " nodes, " + g.rowOrder().length + " row-wise, "
        + (vector ? "vector" : "scalar") + " row loop. */");
    w.open("public final class " + NAME_PLACEHOLDER + " extends CompiledModelDensity");
    if (vector) {
      w.line("private static final VectorSpecies S = DoubleVector.SPECIES_PREFERRED;");
      for (String op : new String[] {"EXP", "LOG", "LOG1P", "EXPM1", "SQRT", "ABS"}) {
        w.line("private static final VectorOperators.Unary " + op + " = VectorOperators." + op + ";");
      }
      w.line("private static final VectorOperators.Associative ADD = VectorOperators.ADD;");
      w.line("private static final VectorOperators.Comparison GE = VectorOperators.GE;");
      w.line("private static final VectorOperators.Comparison LE = VectorOperators.LE;");
    }
    w.line("private final int rows;");
    w.line("private final double[] folded;");
    for (int c : columns) {
      w.line("private final double[] c" + c + ";");
    }
    w.blank();
    w.open("public " + NAME_PLACEHOLDER + "(dev.flowvi.engine.model.Model model, int rows, double[][] columns, double[] folded)");
    w.line("super(model, rows, " + scratchSize + (vector ? " + " + (g.sumNodes().length + rowParams().size()) + " * S.length()" : "") + ");");
    w.line("this.rows = rows;");
    w.line("this.folded = folded;");
    for (int k = 0; k < columns.size(); k++) {
      w.line("this.c" + columns.get(k) + " = columns[" + k + "];");
    }
    w.close();
    List<String> constrain = split(w, "constrain", constrainStatements());
    List<String> pre = split(w, "preValues", valueStatements(g.preOrder()));
    List<String> post = split(w, "postValues", valueStatements(g.postOrder()));
    List<String> total = split(w, "total", totalStatements());
    List<String> seed = split(w, "seedRoots", seedStatements());
    List<String> postBack = split(w, "postBackward", backwardStatements(g.postOrder()));
    List<String> preBack = split(w, "preBackward", backwardStatements(g.preOrder()));
    List<String> constrainBack = split(w, "constrainBackward", constrainBackwardStatements());
    boolean rowLoop = g.rowOrder().length > 0;
    if (rowLoop) {
      rowLoop(w, false);
      rowLoop(w, true);
    }
    if (vector) {
      vectorHelpers(w);
    }
    w.blank();
    w.open("protected double sample(double[] z, int n, int s, double[] grad, double[] w)");
    calls(w, constrain);
    calls(w, pre);
    w.open("if (grad == null)");
    if (rowLoop) {
      w.line("rowsValue(w);");
    }
    calls(w, post);
    calls(w, total);
    w.line("return w[" + totalSlot + "];");
    w.close();
    w.line("zero(w, " + n + ", " + 2 * n + ");");
    calls(w, seed);
    if (g.linearInSums()) {
      // Sum adjoints through +, − and negation do not read values: one fused sweep.
      calls(w, postBack);
      if (rowLoop) {
        w.line("rowsGradient(w);");
      }
      calls(w, post);
    } else {
      if (rowLoop) {
        w.line("rowsValue(w);");
      }
      calls(w, post);
      calls(w, postBack);
      if (rowLoop) {
        w.line("rowsGradient(w);");
      }
    }
    calls(w, total);
    calls(w, preBack);
    calls(w, constrainBack);
    w.line("return w[" + totalSlot + "];");
    w.close();
    w.close();
    return w.build();
  }

  static String withClassName(String template, String simpleName) {
    return template.replace(NAME_PLACEHOLDER, simpleName);
  }

  private static void calls(SourceWriter w, List<String> methods) {
    for (String m : methods) {
      w.line(m + "(z, n, s, grad, w);");
    }
  }

  /** Emits the statements as methods prefix0, prefix1, … of bounded size; returns their names. */
  private static List<String> split(SourceWriter w, String prefix, List<String> statements) {
    List<String> names = new ArrayList<>();
    int k = 0;
    while (k < statements.size()) {
      String name = prefix + names.size();
      names.add(name);
      w.blank();
      w.open("private void " + name + "(double[] z, int n, int s, double[] grad, double[] w)");
      int chars = 0;
      while (k < statements.size() && (chars == 0 || chars + statements.get(k).length() <= METHOD_CHARS)) {
        chars += statements.get(k).length();
        w.line(statements.get(k++));
      }
      w.close();
    }
    return names;
  }

  // ---- operands of straight-line scalar code ----

  private String value(int id) {
    if (g.kind(id) == GraphView.FIXED_SCALAR) {
      return g.isConstant(id) ? SourceWriter.literal(g.fixedValue(id)) : "folded[" + folded.get(id) + "]";
    }
    return "w[" + id + "]";
  }

  private String adjoint(int id) {
    return "w[" + (n + id) + "]";
  }

  private static String free(int j) {
    return "z[" + j + " * n + s]";
  }

  private String x(int j) {
    return "w[" + (xBase + j) + "]";
  }

  private String gx(int j) {
    return "w[" + (gxBase + j) + "]";
  }

  // ---- constraint transforms (Stan reference manual, "Constraint transforms"; as Constraint.java) ----

  private List<String> constrainStatements() {
    List<String> out = new ArrayList<>();
    String logJ = "w[" + logJSlot + "]";
    out.add(logJ + " = 0.0;");
    for (Parameter p : g.model().parameters()) {
      Constraint c = p.constraint();
      int fo = p.freeOffset();
      int xo = p.offset();
      int size = p.size();
      switch (GraphView.constraintKind(c)) {
        case "real":
          for (int k = 0; k < size; k++) {
            out.add(x(xo + k) + " = " + free(fo + k) + ";");
          }
          break;
        case "positive":
          for (int k = 0; k < size; k++) {
            out.add("{ double u = " + free(fo + k) + "; " + x(xo + k) + " = Math.exp(u); " + logJ + " += u; }");
          }
          break;
        case "interval": {
          double[] b = GraphView.intervalBounds(c);
          double width = b[1] - b[0];
          String lo = SourceWriter.literal(b[0]);
          String wd = SourceWriter.literal(width);
          String logWidth = SourceWriter.literal(Math.log(width));
          for (int k = 0; k < size; k++) {
            // log σ(u) + log(1 − σ(u)) = −|u| − 2·log1p(e^−|u|).
            out.add("{ double u = " + free(fo + k) + "; " + x(xo + k) + " = " + lo + " + " + wd + " * CompiledModelDensity.logistic(u); "
                + logJ + " += " + logWidth + " - Math.abs(u) - 2 * Math.log1p(Math.exp(-Math.abs(u))); }");
          }
          break;
        }
        case "ordered":
          out.add(x(xo) + " = " + free(fo) + ";");
          for (int k = 1; k < size; k++) {
            out.add("{ double u = " + free(fo + k) + "; " + x(xo + k) + " = " + x(xo + k - 1) + " + Math.exp(u); " + logJ + " += u; }");
          }
          break;
        default: {
          // simplex: stick-breaking, z_k = logistic(u_k − log(K − k)), x_k = r_k z_k, r_{k+1} = r_k − x_k.
          StringBuilder sb = new StringBuilder("{ double rest = 1.0;");
          for (int k = 0; k < size - 1; k++) {
            sb.append(" { double v = ").append(free(fo + k)).append(" - ").append(SourceWriter.literal(Math.log(size - 1 - k)))
                .append("; ").append(x(xo + k)).append(" = rest * CompiledModelDensity.logistic(v); ")
                .append(logJ).append(" += -Math.abs(v) - 2 * Math.log1p(Math.exp(-Math.abs(v))) + Math.log(rest); rest -= ")
                .append(x(xo + k)).append("; }");
          }
          sb.append(' ').append(x(xo + size - 1)).append(" = rest; }");
          out.add(sb.toString());
        }
      }
    }
    return out;
  }

  private List<String> constrainBackwardStatements() {
    List<String> out = new ArrayList<>();
    for (int id : g.preOrder()) {
      if (g.kind(id) == GraphView.PARAM) {
        out.add(gx(g.paramIndex(id)) + " += " + adjoint(id) + ";");
      }
    }
    for (Parameter p : g.model().parameters()) {
      Constraint c = p.constraint();
      int fo = p.freeOffset();
      int xo = p.offset();
      int size = p.size();
      String gu0 = "grad[" + fo + " * n + s]";
      switch (GraphView.constraintKind(c)) {
        case "real":
          for (int k = 0; k < size; k++) {
            out.add(grad(fo + k) + " = " + gx(xo + k) + ";");
          }
          break;
        case "positive":
          for (int k = 0; k < size; k++) {
            out.add(grad(fo + k) + " = " + gx(xo + k) + " * " + x(xo + k) + " + 1;");
          }
          break;
        case "interval": {
          double[] b = GraphView.intervalBounds(c);
          String wd = SourceWriter.literal(b[1] - b[0]);
          for (int k = 0; k < size; k++) {
            // dx/du = width·σ(1−σ); d log|J|/du = 1 − 2σ.
            out.add("{ double t = CompiledModelDensity.logistic(" + free(fo + k) + "); " + grad(fo + k) + " = "
                + gx(xo + k) + " * " + wd + " * t * (1 - t) + 1 - 2 * t; }");
          }
          break;
        }
        case "ordered": {
          StringBuilder sb = new StringBuilder("{ double tail = 0.0;");
          for (int k = size - 1; k >= 1; k--) {
            sb.append(" tail += ").append(gx(xo + k)).append("; ").append(grad(fo + k))
                .append(" = tail * Math.exp(").append(free(fo + k)).append(") + 1;");
          }
          sb.append(' ').append(gu0).append(" = tail + ").append(gx(xo)).append("; }");
          out.add(sb.toString());
          break;
        }
        default: {
          // simplex: rebuild r_k from x and run the stick-breaking backwards (as Constraint.Simplex).
          StringBuilder sb = new StringBuilder("{ double gRest = " + gx(xo + size - 1) + "; double rest = " + x(xo + size - 1) + ";");
          for (int k = size - 2; k >= 0; k--) {
            sb.append(" { double restK = rest + ").append(x(xo + k)).append("; double t = CompiledModelDensity.logistic(")
                .append(free(fo + k)).append(" - ").append(SourceWriter.literal(Math.log(size - 1 - k))).append("); ")
                .append("double gz = (").append(gx(xo + k)).append(" - gRest) * restK; ")
                .append("double gRestK = gRest * (1 - t) + ").append(gx(xo + k)).append(" * t + 1 / restK; ")
                .append(grad(fo + k)).append(" = gz * t * (1 - t) + 1 - 2 * t; gRest = gRestK; rest = restK; }");
          }
          sb.append(" }");
          out.add(sb.toString());
        }
      }
    }
    return out;
  }

  private static String grad(int j) {
    return "grad[" + j + " * n + s]";
  }

  // ---- per-sample scalars ----

  private List<String> valueStatements(int[] order) {
    List<String> out = new ArrayList<>();
    for (int id : order) {
      String op = g.op(id);
      int[] in = g.inputs(id);
      String target = "w[" + id + "] = ";
      if (op.equals("PARAMETER")) {
        out.add(target + x(g.paramIndex(id)) + ";");
        continue;
      }
      String a = value(in[0]);
      String b = in.length > 1 ? value(in[1]) : null;
      String c = in.length > 2 ? value(in[2]) : null;
      switch (op) {
        case "LOG_SUM_EXP": {
          String max = "Double.NEGATIVE_INFINITY";
          StringBuilder sum = new StringBuilder("0.0");
          for (int k : in) {
            max = "Math.max(" + max + ", " + value(k) + ")";
            sum.append(" + Math.exp(").append(value(k)).append(" - m)");
          }
          out.add("{ double m = " + max + "; " + target + "m == Double.NEGATIVE_INFINITY || m != m ? m : m + Math.log(" + sum + "); }");
          break;
        }
        case "HALF_SQUARED_Z":
          out.add("{ double t = (" + a + " - " + b + ") * " + c + "; " + target + "-0.5 * t * t; }");
          break;
        case "LINEAR": {
          double[] coef = g.coefficients(id);
          StringBuilder sum = new StringBuilder("0.0");
          for (int k = 0; k < in.length; k++) {
            sum.append(" + ").append(SourceWriter.literal(coef[k])).append(" * ").append(value(in[k]));
          }
          out.add(target + sum + ";");
          break;
        }
        default:
          out.add(target + scalarExpression(op, a, b, c) + ";");
      }
    }
    return out;
  }

  private static String scalarExpression(String op, String a, String b, String c) {
    switch (op) {
      case "ADD": return a + " + " + b;
      case "SUB": return a + " - " + b;
      case "MUL": return a + " * " + b;
      case "DIV": return a + " / " + b;
      case "POW": return "Math.pow(" + a + ", " + b + ")";
      case "NEG": return "-(" + a + ")";
      case "EXP": return "Math.exp(" + a + ")";
      case "LOG": return "Math.log(" + a + ")";
      case "LOG1P": return "Math.log1p(" + a + ")";
      case "EXPM1": return "Math.expm1(" + a + ")";
      case "SQRT": return "Math.sqrt(" + a + ")";
      case "SQUARE": return a + " * " + a;
      case "LOGISTIC": return "CompiledModelDensity.logistic(" + a + ")";
      case "LOG1P_EXP": return "CompiledModelDensity.log1pExp(" + a + ")";
      case "LGAMMA": return "CompiledModelDensity.logGamma(" + a + ")";
      case "IN_INTERVAL": return a + " >= " + b + " && " + a + " <= " + c + " ? 0.0 : Double.NEGATIVE_INFINITY";
      default: throw new IllegalStateException(op + " has no scalar form");
    }
  }

  /** ∂out/∂(argument k), as Op.partial. */
  private static String partial(String op, int k, String a, String b, String c, String out) {
    switch (op) {
      case "ADD": return "1.0";
      case "SUB": return k == 0 ? "1.0" : "-1.0";
      case "MUL": return k == 0 ? b : a;
      case "DIV": return k == 0 ? "1 / " + b : "-" + out + " / " + b;
      case "POW": return k == 0 ? "CompiledModelDensity.powBase(" + a + ", " + b + ")" : "CompiledModelDensity.powExponent(" + a + ", " + out + ")";
      case "NEG": return "-1.0";
      case "EXP": return out;
      case "LOG": return "1 / " + a;
      case "LOG1P": return "1 / (1 + " + a + ")";
      case "EXPM1": return "(" + out + " + 1)";
      case "SQRT": return "0.5 / " + out;
      case "SQUARE": return "2 * " + a;
      case "LOGISTIC": return out + " * (1 - " + out + ")";
      case "LOG1P_EXP": return "CompiledModelDensity.logistic(" + a + ")";
      case "LGAMMA": return "CompiledModelDensity.digamma(" + a + ")";
      case "IN_INTERVAL": return "0.0";
      case "HALF_SQUARED_Z": {
        // With d = x − μ and z = d·τ: ∂/∂x = −zτ, ∂/∂μ = zτ, ∂/∂τ = −z·d.
        String d = "(" + a + " - " + b + ")";
        String z = "(" + d + " * " + c + ")";
        return k == 0 ? "-" + z + " * " + c : k == 1 ? z + " * " + c : "-" + z + " * " + d;
      }
      default: throw new IllegalStateException(op + " has no scalar partial");
    }
  }

  /** Reverse mode over scalar nodes, in reverse of the given topological order. */
  private List<String> backwardStatements(int[] order) {
    List<String> out = new ArrayList<>();
    for (int t = order.length - 1; t >= 0; t--) {
      int id = order[t];
      String op = g.op(id);
      if (op.equals("PARAMETER") || op.equals("SUM_ROWS")) {
        continue;
      }
      int[] in = g.inputs(id);
      StringBuilder sb = new StringBuilder("if (" + adjoint(id) + " != 0.0) { double ga = " + adjoint(id) + ";");
      boolean any = false;
      for (int k = 0; k < in.length; k++) {
        if (g.kind(in[k]) < GraphView.PARAM) {
          continue;
        }
        any = true;
        String p = op.equals("LOG_SUM_EXP") ? "Math.exp(" + value(in[k]) + " - " + value(id) + ")"
            : op.equals("LINEAR") ? SourceWriter.literal(g.coefficients(id)[k])
            : partial(op, k, value(in[0]), in.length > 1 ? value(in[1]) : "0.0", in.length > 2 ? value(in[2]) : "0.0", value(id));
        sb.append(' ').append(adjoint(in[k])).append(" += ga * (").append(p).append(");");
      }
      if (any) {
        out.add(sb.append(" }").toString());
      }
    }
    return out;
  }

  private List<String> totalStatements() {
    List<String> out = new ArrayList<>();
    String total = "w[" + totalSlot + "]";
    out.add(total + " = w[" + logJSlot + "];");
    for (int r : g.roots()) {
      out.add(total + " += " + value(r) + ";");
    }
    return out;
  }

  private List<String> seedStatements() {
    List<String> out = new ArrayList<>();
    for (int r : g.roots()) {
      if (g.kind(r) >= GraphView.PARAM) {
        out.add(adjoint(r) + " += 1.0;");
      }
    }
    for (int j = 0; j < g.model().constrainedDim(); j++) {
      out.add(gx(j) + " = 0.0;");
    }
    return out;
  }

  // ---- the fused loop over rows ----

  /**
   * rowsValue (sums only) or rowsGradient (sums, and adjoints of the row-wise nodes' operands): the
   * vector loop and the scalar loop over the remaining rows are separate methods, each adding its
   * partial sums into w, so that neither reaches the huge-method limit.
   */
  private void rowLoop(SourceWriter w, boolean gradient) {
    String name = gradient ? "rowsGradient" : "rowsValue";
    w.blank();
    w.open("private void " + name + "(double[] w)");
    for (int s : g.sumNodes()) {
      w.line("w[" + s + "] = 0.0;");
    }
    w.line(name + "Scalar(w, " + (vector ? name + "Vector(w)" : "0") + ");");
    w.close();
    if (vector && gradient) {
      tiledGradient(w);
    } else if (vector) {
      loopMethod(w, name + "Vector", RowLanes.VECTOR, false);
    }
    loopMethod(w, name + "Scalar", RowLanes.SCALAR, gradient);
  }

  /** Parameters whose adjoints the row loop accumulates. */
  private List<Integer> rowParams() {
    List<Integer> out = new ArrayList<>();
    for (int p : rowScalars) {
      if (g.kind(p) >= GraphView.PARAM) {
        out.add(p);
      }
    }
    return out;
  }

  /** w offset of the k-th vector accumulator of the tiled gradient (sums first, then parameter adjoints). */
  private String accSlot(int k) {
    return accBase + " + " + k + " * S.length()";
  }

  /**
   * The vector gradient loop, by tiles of {@link #TILE} rows: tileValues computes the row values and
   * sums and stores the results of math-stub calls (EXP, LOG, …) in the tile; tileAdjoints
   * recomputes the cheap row values, reloads the stored ones and runs the adjoints, with no call in
   * its loop, so that its vectors stay in registers. Each is a plain loop in its own method; the
   * vector accumulators persist in w between tiles and are reduced once at the end.
   */
  private void tiledGradient(SourceWriter w) {
    int[] sums = g.sumNodes();
    List<Integer> params = rowParams();
    int accs = sums.length + params.size();
    w.blank();
    w.open("private int rowsGradientVector(double[] w)");
    w.line("final int bound = S.loopBound(rows);");
    w.line("final DoubleVector Z = DoubleVector.zero(S);");
    for (int k = 0; k < accs; k++) {
      w.line("Z.intoArray(w, " + accSlot(k) + ");");
    }
    w.open("for (int start = 0; start < bound; start += " + TILE + ")");
    w.line("final int end = Math.min(bound, start + " + TILE + ");");
    w.line("tileValues(w, start, end);");
    w.line("tileAdjoints(w, start, end);");
    w.close();
    for (int k = 0; k < sums.length; k++) {
      w.line("w[" + sums[k] + "] += DoubleVector.fromArray(S, w, " + accSlot(k) + ").reduceLanes(ADD);");
    }
    for (int k = 0; k < params.size(); k++) {
      w.line(adjoint(params.get(k)) + " += DoubleVector.fromArray(S, w, " + accSlot(sums.length + k) + ").reduceLanes(ADD);");
    }
    w.line("return bound;");
    w.close();
    for (boolean adjoints : new boolean[] {false, true}) {
      w.blank();
      w.open("private void " + (adjoints ? "tileAdjoints" : "tileValues") + "(double[] w, int start, int end)");
      for (int c : columns) {
        w.line("final double[] c" + c + " = this.c" + c + ";");
      }
      for (int p : rowScalars) {
        w.line("final DoubleVector P" + p + " = DoubleVector.broadcast(S, " + value(p) + ");");
      }
      if (adjoints) {
        w.line("final DoubleVector Z = DoubleVector.zero(S);");
        for (int s : sums) {
          w.line("final DoubleVector Q" + g.inputs(s)[0] + " = DoubleVector.broadcast(S, " + adjoint(s) + ");");
        }
        for (int k = 0; k < params.size(); k++) {
          w.line("DoubleVector B" + params.get(k) + " = DoubleVector.fromArray(S, w, " + accSlot(sums.length + k) + ");");
        }
      } else {
        for (int k = 0; k < sums.length; k++) {
          w.line("DoubleVector S" + sums[k] + " = DoubleVector.fromArray(S, w, " + accSlot(k) + ");");
        }
      }
      w.open("for (int i = start; i < end; i += S.length())");
      w.line("final int o = i - start;");
      if (adjoints) {
        rowValues(w, RowLanes.VECTOR, Pass.RELOAD);
        rowAdjoints(w, RowLanes.VECTOR);
      } else {
        rowValues(w, RowLanes.VECTOR, Pass.SAVE);
      }
      w.close();
      if (adjoints) {
        for (int k = 0; k < params.size(); k++) {
          w.line("B" + params.get(k) + ".intoArray(w, " + accSlot(sums.length + k) + ");");
        }
      } else {
        for (int k = 0; k < sums.length; k++) {
          w.line("S" + sums[k] + ".intoArray(w, " + accSlot(k) + ");");
        }
      }
      w.close();
    }
  }

  /** One loop over rows with the given lanes; the vector loop returns where the scalar tail starts. */
  private void loopMethod(SourceWriter w, String name, RowLanes lanes, boolean gradient) {
    boolean vec = lanes == RowLanes.VECTOR;
    int[] sums = g.sumNodes();
    w.blank();
    w.open(vec ? "private int " + name + "(double[] w)" : "private void " + name + "(double[] w, int from)");
    w.line("final int rows = this.rows;");
    for (int c : columns) {
      w.line("final double[] c" + c + " = this.c" + c + ";");
    }
    for (int p : rowScalars) {
      w.line("final double p" + p + " = " + value(p) + ";");
      if (vec) {
        w.line("final DoubleVector P" + p + " = DoubleVector.broadcast(S, p" + p + ");");
      }
    }
    String sumPrefix = vec ? "S" : "s";
    String accPrefix = vec ? "B" : "b";
    String zero = vec ? "DoubleVector.zero(S)" : "0.0";
    String type = lanes.type();
    for (int s : sums) {
      w.line(type + " " + sumPrefix + s + " = " + zero + ";");
    }
    if (gradient) {
      if (vec) {
        w.line("final DoubleVector Z = DoubleVector.zero(S);");
      }
      for (int s : sums) {
        int r = g.inputs(s)[0];
        w.line("final double q" + r + " = " + adjoint(s) + ";");
        if (vec) {
          w.line("final DoubleVector Q" + r + " = DoubleVector.broadcast(S, q" + r + ");");
        }
      }
      for (int p : rowScalars) {
        if (g.kind(p) >= GraphView.PARAM) {
          w.line(type + " " + accPrefix + p + " = " + zero + ";");
        }
      }
    }
    if (vec) {
      w.line("int i = 0;");
      w.open("for (int bound = S.loopBound(rows); i < bound; i += S.length())");
    } else {
      w.open("for (int i = from; i < rows; i++)");
    }
    rowValues(w, lanes, Pass.PLAIN);
    if (gradient) {
      rowAdjoints(w, lanes);
    }
    w.close();
    String reduce = vec ? ".reduceLanes(ADD)" : "";
    for (int s : sums) {
      w.line("w[" + s + "] += " + sumPrefix + s + reduce + ";");
    }
    if (gradient) {
      for (int p : rowScalars) {
        if (g.kind(p) >= GraphView.PARAM) {
          w.line(adjoint(p) + " += " + accPrefix + p + reduce + ";");
        }
      }
    }
    if (vec) {
      w.line("return i;");
    }
    w.close();
  }

  /** How a loop pass treats the row values whose vector form calls a math stub. */
  private enum Pass {
    /** Computes them. */
    PLAIN,
    /** Computes them, adds the sums, and stores them in the tile. */
    SAVE,
    /** Loads them from the tile (the sums were added by the SAVE pass). */
    RELOAD
  }

  private String tileSlot(int r, int k) {
    return (tileBase + (savedSlot.get(r) + k) * TILE) + " + o";
  }

  private String operand(int id, RowLanes lanes) {
    switch (g.kind(id)) {
      case GraphView.ROW: return "r" + id;
      case GraphView.FIXED_ROW: return "C" + id;
      default: return lanes.scalar(id);
    }
  }

  /** The accumulator that receives the adjoint of operand {@code id}, or null for data and constants. */
  private String adjointTarget(int id, RowLanes lanes) {
    switch (g.kind(id)) {
      case GraphView.ROW: return "g" + id;
      case GraphView.PARAM:
      case GraphView.SCALAR: return (lanes == RowLanes.VECTOR ? "B" : "b") + id;
      default: return null;
    }
  }

  /** Data loads and forward values of one iteration; outside RELOAD, also the sums. */
  private void rowValues(SourceWriter w, RowLanes L, Pass pass) {
    String type = L.type();
    for (int c : columns) {
      w.line(type + " C" + c + " = " + L.load("c" + c) + ";");
    }
    int[] rowOrder = g.rowOrder();
    for (int r : rowOrder) {
      if (pass == Pass.RELOAD && savedSlot.containsKey(r)) {
        reload(w, r);
      } else {
        forward(w, L, r);
        if (pass == Pass.SAVE && savedSlot.containsKey(r)) {
          save(w, r);
        }
      }
    }
    if (pass != Pass.RELOAD) {
      for (int s : g.sumNodes()) {
        w.line(L.accumulate((L == RowLanes.VECTOR ? "S" : "s") + s, "r" + g.inputs(s)[0]));
      }
    }
  }

  private void save(SourceWriter w, int r) {
    String out = "r" + r;
    w.line(out + ".intoArray(w, " + tileSlot(r, 0) + ");");
    if (g.op(r).equals("LOG_SUM_EXP")) {
      int k = g.inputs(r).length;
      for (int j = 0; j < k; j++) {
        w.line(RowLanes.lseTerm(out, j) + ".intoArray(w, " + tileSlot(r, 1 + j) + ");");
      }
      w.line(RowLanes.lseSum(out) + ".intoArray(w, " + tileSlot(r, 1 + k) + ");");
    }
  }

  private void reload(SourceWriter w, int r) {
    String out = "r" + r;
    w.line("DoubleVector " + out + " = DoubleVector.fromArray(S, w, " + tileSlot(r, 0) + ");");
    if (g.op(r).equals("LOG_SUM_EXP")) {
      int k = g.inputs(r).length;
      for (int j = 0; j < k; j++) {
        w.line("DoubleVector " + RowLanes.lseTerm(out, j) + " = DoubleVector.fromArray(S, w, " + tileSlot(r, 1 + j) + ");");
      }
      w.line("DoubleVector " + RowLanes.lseSum(out) + " = DoubleVector.fromArray(S, w, " + tileSlot(r, 1 + k) + ");");
    }
  }

  /** The adjoints of one iteration's row nodes, in reverse order, into their operands' accumulators. */
  private void rowAdjoints(SourceWriter w, RowLanes L) {
    String type = L.type();
    int[] rowOrder = g.rowOrder();
    // A row node's adjoint local is declared at its first contribution (g = value, not 0 + value):
    // only the summed nodes start from their seed, so no iteration adds into a zero vector.
    declared.clear();
    for (int r : rowOrder) {
      if (sumOfRow[r] >= 0) {
        w.line(type + " g" + r + " = " + (L == RowLanes.VECTOR ? "Q" : "q") + r + ";");
        declared.add("g" + r);
      }
    }
    for (int t = rowOrder.length - 1; t >= 0; t--) {
      backward(w, L, rowOrder[t]);
    }
  }

  private void forward(SourceWriter w, RowLanes L, int r) {
    String op = g.op(r);
    int[] in = g.inputs(r);
    String[] a = new String[in.length];
    for (int k = 0; k < in.length; k++) {
      a[k] = operand(in[k], L);
    }
    String out = "r" + r;
    String e;
    switch (op) {
      case "ADD": e = L.add(a[0], a[1]); break;
      case "SUB": e = L.sub(a[0], a[1]); break;
      case "MUL": e = L.mul(a[0], a[1]); break;
      case "DIV": e = L.div(a[0], a[1]); break;
      case "NEG": e = L.neg(a[0]); break;
      case "SQUARE": e = L.mul(a[0], a[0]); break;
      case "EXP": case "LOG": case "LOG1P": case "EXPM1": case "SQRT": e = L.unary(op, a[0]); break;
      case "LOGISTIC": e = L.logistic(a[0]); break;
      case "LOG1P_EXP": e = L.log1pExp(a[0]); break;
      case "IN_INTERVAL": e = L.inInterval(a[0], a[1], a[2]); break;
      case "HALF_SQUARED_Z": {
        // −½((x − μ)·τ)² with the precision τ = 1/σ.
        String d = "d_" + out;
        String z = "z_" + out;
        w.line(L.type() + " " + d + " = " + L.sub(a[0], a[1]) + ";");
        w.line(L.type() + " " + z + " = " + L.mul(d, a[2]) + ";");
        e = L.mul(L.scale(z, -0.5), z);
        break;
      }
      case "LINEAR": {
        double[] coef = g.coefficients(r);
        e = signed(L, a[0], coef[0]);
        for (int k = 1; k < a.length; k++) {
          e = coef[k] == -1 ? L.sub(e, a[k]) : L.add(e, signed(L, a[k], coef[k]));
        }
        break;
      }
      case "LOG_SUM_EXP":
        L.logSumExp(w, out, a);
        return;
      case "POW": e = "Math.pow(" + a[0] + ", " + a[1] + ")"; break;
      case "LGAMMA": e = "CompiledModelDensity.logGamma(" + a[0] + ")"; break;
      default: throw new IllegalStateException(op + " is not a row-wise operation");
    }
    w.line(L.type() + " " + out + " = " + e + ";");
  }

  /** Adds node r's adjoint into its operands' accumulators, as RowKernels.backward. */
  private void backward(SourceWriter w, RowLanes L, int r) {
    String op = g.op(r);
    int[] in = g.inputs(r);
    String[] a = new String[in.length];
    String[] t = new String[in.length];
    boolean any = false;
    for (int k = 0; k < in.length; k++) {
      a[k] = operand(in[k], L);
      t[k] = adjointTarget(in[k], L);
      any |= t[k] != null;
    }
    if (!any) {
      return;
    }
    String gr = "g" + r;
    if (declared.add(gr)) {
      // No consumer passed an adjoint to r: it is zero in every lane.
      w.line(L.type() + " " + gr + " = " + (L == RowLanes.VECTOR ? "Z" : "0.0") + ";");
    }
    String out = "r" + r;
    switch (op) {
      case "ADD":
        add(w, L, t[0], gr);
        add(w, L, t[1], gr);
        break;
      case "SUB":
        add(w, L, t[0], gr);
        deduct(w, L, t[1], gr);
        break;
      case "NEG":
        deduct(w, L, t[0], gr);
        break;
      case "MUL":
        add(w, L, t[0], L.mul(gr, a[1]));
        add(w, L, t[1], L.mul(gr, a[0]));
        break;
      case "DIV":
        add(w, L, t[0], L.div(gr, a[1]));
        deduct(w, L, t[1], L.div(L.mul(gr, out), a[1]));
        break;
      case "SQUARE":
        add(w, L, t[0], L.mul(L.scale(gr, 2), a[0]));
        break;
      case "SQRT":
        add(w, L, t[0], L.div(L.scale(gr, 0.5), out));
        break;
      case "EXP":
        add(w, L, t[0], L.mul(gr, out));
        break;
      case "EXPM1":
        add(w, L, t[0], L.mul(gr, L.add(out, L.literal(1))));
        break;
      case "LOG":
        add(w, L, t[0], L.div(gr, a[0]));
        break;
      case "LOG1P":
        add(w, L, t[0], L.div(gr, L.add(L.literal(1), a[0])));
        break;
      case "LOGISTIC":
        add(w, L, t[0], L.mul(L.mul(gr, out), L.sub(L.literal(1), out)));
        break;
      case "LOG1P_EXP":
        add(w, L, t[0], L.mul(gr, L.logistic(a[0])));
        break;
      case "LOG_SUM_EXP": {
        // ∂out/∂a_k = e_k / Σ e, from the forward pass's shifted exponentials.
        String share = "gs_" + r;
        w.line(L.type() + " " + share + " = " + L.div(gr, RowLanes.lseSum(out)) + ";");
        for (int k = 0; k < in.length; k++) {
          add(w, L, t[k], L.mul(share, RowLanes.lseTerm(out, k)));
        }
        break;
      }
      case "POW":
        add(w, L, t[0], gr + " * CompiledModelDensity.powBase(" + a[0] + ", " + a[1] + ")");
        add(w, L, t[1], gr + " * CompiledModelDensity.powExponent(" + a[0] + ", " + out + ")");
        break;
      case "LGAMMA":
        add(w, L, t[0], gr + " * CompiledModelDensity.digamma(" + a[0] + ")");
        break;
      case "IN_INTERVAL":
        break;
      case "HALF_SQUARED_Z": {
        // With d = x − μ and z = dτ from the forward pass, and gz = g·z: ∂/∂x = −gz·τ, ∂/∂μ = gz·τ, ∂/∂τ = −gz·d.
        String gz = "gz_" + r;
        w.line(L.type() + " " + gz + " = " + L.mul(gr, "z_" + out) + ";");
        if (t[0] != null || t[1] != null) {
          String gzt = "gzt_" + r;
          w.line(L.type() + " " + gzt + " = " + L.mul(gz, a[2]) + ";");
          deduct(w, L, t[0], gzt);
          add(w, L, t[1], gzt);
        }
        deduct(w, L, t[2], L.mul(gz, "d_" + out));
        break;
      }
      case "LINEAR": {
        double[] coef = g.coefficients(r);
        for (int k = 0; k < in.length; k++) {
          if (coef[k] == -1) {
            deduct(w, L, t[k], gr);
          } else {
            add(w, L, t[k], signed(L, gr, coef[k]));
          }
        }
        break;
      }
      default:
        throw new IllegalStateException(op + " is not a row-wise operation");
    }
  }

  /** c·a, written as a or −a for the usual coefficients ±1. */
  private static String signed(RowLanes L, String a, double c) {
    return c == 1 ? a : c == -1 ? L.neg(a) : L.scale(a, c);
  }

  private void deduct(SourceWriter w, RowLanes L, String target, String value) {
    if (target == null) {
      return;
    }
    if (isRowAdjoint(target) && declared.add(target)) {
      w.line(L.type() + " " + target + " = " + L.neg(value) + ";");
    } else {
      w.line(L.deduct(target, value));
    }
  }

  private void add(SourceWriter w, RowLanes L, String target, String value) {
    if (target == null) {
      return;
    }
    if (isRowAdjoint(target) && declared.add(target)) {
      w.line(L.type() + " " + target + " = " + value + ";");
    } else {
      w.line(L.accumulate(target, value));
    }
  }

  /** Row nodes' adjoints are locals g<id> of one iteration; B/b accumulators live across the loop. */
  private static boolean isRowAdjoint(String target) {
    return target.charAt(0) == 'g';
  }

  private static void vectorHelpers(SourceWriter w) {
    w.blank();
    w.line("/** logistic(a) = e^{min(a,0)} / (1 + e^{−|a|}): no overflow on either side. */");
    w.open("private static DoubleVector logistic(DoubleVector v)");
    w.line("DoubleVector e = v.lanewise(ABS).mul(-1.0).lanewise(EXP);");
    w.line("return v.min(0.0).lanewise(EXP).div(e.add(1.0));");
    w.close();
    w.blank();
    w.open("private static DoubleVector log1pExp(DoubleVector v)");
    w.line("return v.max(0.0).add(v.lanewise(ABS).mul(-1.0).lanewise(EXP).lanewise(LOG1P));");
    w.close();
    w.blank();
    w.open("private static DoubleVector inInterval(DoubleVector a, DoubleVector lo, DoubleVector hi)");
    w.line("VectorMask inside = a.compare(GE, lo).and(a.compare(LE, hi));");
    w.line("return DoubleVector.broadcast(S, Double.NEGATIVE_INFINITY).blend(0.0, inside);");
    w.close();
  }
}
