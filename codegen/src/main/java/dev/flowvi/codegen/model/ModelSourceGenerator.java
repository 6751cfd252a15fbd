package dev.flowvi.codegen.model;

import dev.flowvi.codegen.SourceWriter;
import dev.flowvi.engine.model.Constraint;
import dev.flowvi.engine.model.GraphView;
import dev.flowvi.engine.model.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the Java source of one model's log density and gradient, a subclass of {@link
 * CompiledModelDensity}, from its bound graph.
 *
 * <p>Per sample: the constraint transforms and their log-Jacobians, then the per-sample scalars
 * (priors, parameter functions), as straight-line code over a scratch array {@code w}; then one
 * fused loop over the data rows in which every row-wise node is a local variable, the sums over
 * rows are accumulators, and (for the gradient) the adjoints of the row-wise nodes follow in
 * reverse order inside the same iteration, adding into accumulators of the per-sample scalars that
 * the rows use ({@link RowBody}). Scalars the rows read are hoisted out of the loop. With {@link RowLanes#VECTOR}
 * the same body runs over DoubleVector lanes, cut into tile segments ({@link TiledRowLoop}), with
 * a scalar loop for the last rows.
 *
 * <p>Scratch layout: node values at w[id], their adjoints at w[N + id], the constrained values at
 * w[X + j] and their gradient at w[GX + j], then log|J| and the total, then the vector loop's tile
 * rows and accumulator lanes. Straight-line parts are
 * split into methods of bounded size so that none reaches HotSpot's huge-method limit. Data
 * columns and data-folded scalars are constructor arguments, not literals: the source depends on
 * the graph's structure and the model's constants only, never on the data values.
 */
final class ModelSourceGenerator {
  static final String PACKAGE = "dev.flowvi.codegen.gen";
  /** Source characters per split method: straight-line code compiles to fewer bytes than characters. */
  private static final int METHOD_CHARS = 4000;
  private static final String NAME_PLACEHOLDER = "GENERATED_MODEL_CLASS";

  private final GraphView g;
  private final boolean vector;
  private final int n;
  private final int xBase;
  private final int gxBase;
  private final int logJSlot;
  private final int totalSlot;
  private final int scratchSize;
  /** The vector row loops cut into tile segments; null without vector lanes or rows. */
  private final TiledRowLoop valueTiles;
  private final TiledRowLoop gradientTiles;
  /** FIXED_ROW nodes read by the row loop, in field order. */
  private final List<Integer> columns = new ArrayList<>();
  /** FIXED_SCALAR nodes folded from data, by index in the {@code folded} field. */
  private final Map<Integer, Integer> folded = new LinkedHashMap<>();
  /** Scalar nodes (any FIXED_SCALAR, PARAM or SCALAR) read by the row loop. */
  private final List<Integer> rowScalars = new ArrayList<>();
  private final int[] sumOfRow;

  ModelSourceGenerator(GraphView g, boolean vector) {
    this(g, vector, TiledRowLoop.CALLS_PER_SEGMENT);
  }

  /** With at most {@code callsPerSegment} Vector API calls per tile segment (tests vary it). */
  ModelSourceGenerator(GraphView g, boolean vector, int callsPerSegment) {
    this.g = g;
    this.vector = vector;
    this.n = g.size();
    int cdim = g.model().constrainedDim();
    this.xBase = 2 * n;
    this.gxBase = xBase + cdim;
    this.logJSlot = gxBase + cdim;
    this.totalSlot = logJSlot + 1;
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
    int tileBase = totalSlot + 1;
    if (vector && g.rowOrder().length > 0) {
      valueTiles = tiles("rowsValueVector", false, tileBase, callsPerSegment);
      gradientTiles = tiles("rowsGradientVector", true, tileBase, callsPerSegment);
      this.scratchSize = tileBase + Math.max(valueTiles.scratchSize(), gradientTiles.scratchSize());
    } else {
      valueTiles = null;
      gradientTiles = null;
      this.scratchSize = tileBase;
    }
  }

  /** Plans the vector loop's body as tile segments; their scratch starts at w[base]. */
  private TiledRowLoop tiles(String name, boolean gradient, int base, int callsPerSegment) {
    SourceWriter body = new SourceWriter();
    RowBody rows = rowBody(RowLanes.VECTOR, gradient);
    rows.write(body);
    List<String> statements = new ArrayList<>();
    for (String line : body.build().split("\n")) {
      if (!line.isBlank()) {
        statements.add(line.trim());
      }
    }
    Map<String, String> constants = new LinkedHashMap<>();
    Map<String, String> accumulators = new LinkedHashMap<>();
    Map<String, String> columnArrays = new LinkedHashMap<>();
    for (int c : columns) {
      columnArrays.put("C" + c, "c" + c);
    }
    for (int p : rowScalars) {
      constants.put("P" + p, value(p));
    }
    for (int sum : g.sumNodes()) {
      accumulators.put("S" + sum, value(sum) + " += %s;");
    }
    if (gradient) {
      for (int sum : g.sumNodes()) {
        constants.put("Q" + g.inputs(sum)[0], adjoint(sum));
      }
    }
    constants.putAll(rows.constants());
    accumulators.putAll(rows.accumulators());
    return new TiledRowLoop(name, statements, constants, columnArrays, accumulators, rows.logProducts(), base,
        callsPerSegment);
  }

  private RowBody rowBody(RowLanes lanes, boolean gradient) {
    return new RowBody(g, lanes, gradient, sumOfRow, this::value, this::adjoint);
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
    w.line("super(model, rows, " + scratchSize + ");");
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
   * tiled vector loop and the scalar loop over the remaining rows are separate methods, each adding
   * its partial sums into w.
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
    if (vector) {
      (gradient ? gradientTiles : valueTiles).emit(w);
    }
    scalarLoop(w, name + "Scalar", gradient);
  }

  /** The loop over rows from {@code from} on, one row per iteration. */
  private void scalarLoop(SourceWriter w, String name, boolean gradient) {
    RowLanes lanes = RowLanes.SCALAR;
    int[] sums = g.sumNodes();
    SourceWriter bodyText = new SourceWriter();
    RowBody body = rowBody(lanes, gradient);
    body.write(bodyText);
    w.blank();
    w.open("private void " + name + "(double[] w, int from)");
    w.line("final int rows = this.rows;");
    for (int c : columns) {
      w.line("final double[] c" + c + " = this.c" + c + ";");
    }
    for (int p : rowScalars) {
      w.line("final double p" + p + " = " + value(p) + ";");
    }
    for (Map.Entry<String, String> c : body.constants().entrySet()) {
      w.line("final double " + c.getKey() + " = " + c.getValue() + ";");
    }
    for (int s : sums) {
      w.line("double s" + s + " = 0.0;");
    }
    if (gradient) {
      for (int s : sums) {
        w.line("final double q" + g.inputs(s)[0] + " = " + adjoint(s) + ";");
      }
    }
    for (String acc : body.accumulators().keySet()) {
      w.line("double " + acc + " = 0.0;");
    }
    w.open("for (int i = from; i < rows; i++)");
    for (int c : columns) {
      w.line("double C" + c + " = " + lanes.load("c" + c) + ";");
    }
    for (String line : bodyText.build().split("\n")) {
      if (!line.isBlank()) {
        w.line(line.trim());
      }
    }
    w.close();
    for (int s : sums) {
      w.line("w[" + s + "] += s" + s + ";");
    }
    for (Map.Entry<String, String> acc : body.accumulators().entrySet()) {
      w.line(acc.getValue().replace("%s", acc.getKey()));
    }
    w.close();
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
