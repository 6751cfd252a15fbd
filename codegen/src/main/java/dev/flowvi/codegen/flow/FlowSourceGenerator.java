package dev.flowvi.codegen.flow;

import dev.flowvi.codegen.GeneratedSource;
import dev.flowvi.codegen.SourceWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Emits the Java source (Janino's subset) of one {@link CompiledFlow} subclass for a {@link
 * FlowProgram}. Every layer gets four static methods, one per pass of the flow, so no method grows
 * with the number of layers; the four {@code run…} methods only call them in order. A layer whose
 * code equals an earlier one's, up to where its parameters, scratch rows and row tables are, runs
 * the earlier layer's methods ({@link LayerSharing}). Dimensions, relative offsets, identity
 * values and the MADE connectivity are constants of the class.
 */
final class FlowSourceGenerator {
  static final String PACKAGE = "dev.flowvi.codegen.gen";
  private static final String MATH = "dev.flowvi.codegen.flow.FlowMath";
  /** The engine's batched spline kernel, for spline transformers whose raw values differ per point. */
  private static final String KERNEL = "dev.flowvi.codegen.flow.FlowMath.SPLINE_KERNEL";
  /**
   * A layer pass reads its parameters at {@code o + i}, its own scratch rows at {@code b[bb + i]} and
   * {@code f[fb + i]}, and its source and destination rows through {@code rowsIn} and {@code rowsOut},
   * so that layers with the same code can share the method ({@link LayerSharing}).
   */
  private static final String PLACEMENT = "int n, double[][] b, double[][] f, int[] rowsIn, int[] rowsOut, " + LayerSharing.PASS_PARAMETERS;
  private static final String SIGNATURE = "(double[] p, int o, double[] src, double[] c, double[] dst, double[] ld, " + PLACEMENT;
  private static final String BACKWARD_SIGNATURE = "(double[] p, int o, double[] src, double[] c, double[] dst, double[] gDst, double[] gld, "
      + "double[] gSrc, double[] gp, " + PLACEMENT;

  final FlowProgram program;
  final int dim;
  private final List<String> fields = new ArrayList<>();
  private final List<Integer> batchRows = new ArrayList<>();
  private final List<Integer> fixedSizes = new ArrayList<>();
  final SourceWriter w = new SourceWriter();

  private FlowSourceGenerator(FlowProgram program) {
    this.program = program;
    this.dim = program.dim;
  }

  static GeneratedSource generate(FlowProgram program, String key) {
    return new FlowSourceGenerator(program).emit(key);
  }

  private GeneratedSource emit(String key) {
    String simple = "Flow" + Integer.toHexString(key.hashCode()) + "L" + key.length();
    int m = program.layers.size();
    int[] stage = new int[m + 1];
    for (int k = 1; k < m; k++) {
      stage[k] = batch(dim);
    }
    int[] grad = m > 1 ? new int[] {batch(dim), batch(dim)} : new int[0];
    w.open("public final class " + simple + " extends dev.flowvi.codegen.flow.CompiledFlow");
    w.open("public " + simple + "(dev.flowvi.engine.bijection.Bijection interpreted)");
    w.line("super(interpreted, BATCH_ROWS, FIXED_SIZES);");
    w.close();
    if (program.vector) {
      // Vector API constants as static finals, so C2 sees them as constants (the model compiler's convention).
      field("static final jdk.incubator.vector.VectorSpecies V_S = jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED;");
      for (String op : new String[] {"EXP", "EXPM1", "LOG", "LOG1P", "ATAN"}) {
        field("static final jdk.incubator.vector.VectorOperators.Unary V_" + op + " = jdk.incubator.vector.VectorOperators." + op + ";");
      }
      field("static final jdk.incubator.vector.VectorOperators.Associative V_ADD = jdk.incubator.vector.VectorOperators.ADD;");
      field("static final jdk.incubator.vector.VectorOperators.Comparison V_GE = jdk.incubator.vector.VectorOperators.GE;");
      field("static final jdk.incubator.vector.VectorOperators.Comparison V_LT = jdk.incubator.vector.VectorOperators.LT;");
      field("static final jdk.incubator.vector.VectorOperators.Comparison V_LE = jdk.incubator.vector.VectorOperators.LE;");
    }
    LayerSharing sharing = new LayerSharing();
    LayerSharing.Placement[] placements = new LayerSharing.Placement[m];
    for (int k = 0; k < m; k++) {
      field("static final int[] IN_" + k + " = " + ints(program.rowsIn.get(k)) + ";");
      field("static final int[] OUT_" + k + " = " + ints(program.rowsOut.get(k)) + ";");
      int textMark = w.mark();
      int fieldMark = fields.size();
      int batchFrom = batchRows.size();
      int fixedFrom = fixedSizes.size();
      emitLayer(k);
      List<String> own = fields.subList(fieldMark, fields.size());
      LayerSharing.LayerCode code = new LayerSharing.LayerCode(k, w.takeFrom(textMark), List.copyOf(own), batchFrom,
          batchRows.size(), fixedFrom, fixedSizes.size());
      placements[k] = sharing.place(code, batchRows, fixedSizes, gatherSlots());
      if (placements[k].shared(k)) {
        // The earlier layer's methods read its own tables, which hold the same values.
        own.clear();
      } else {
        w.raw(placements[k].text());
      }
    }
    emitRun(m, stage, grad, placements);
    w.close();
    field("static final int[] BATCH_ROWS = " + ints(batchRows.stream().mapToInt(Integer::intValue).toArray()) + ";");
    field("static final int[] FIXED_SIZES = " + ints(fixedSizes.stream().mapToInt(Integer::intValue).toArray()) + ";");
    String body = w.build();
    int open = body.indexOf('\n') + 1;
    StringBuilder src = new StringBuilder();
    src.append("package ").append(PACKAGE).append(";\n\n");
    src.append(body, 0, open);
    for (String f : fields) {
      src.append("  ").append(f).append('\n');
    }
    src.append(body.substring(open));
    return GeneratedSource.of(key, PACKAGE + "." + simple, src.toString());
  }

  private void emitLayer(int k) {
    FlowLayer layer = program.layers.get(k);
    if (layer instanceof FlowLayer.ElementwiseGroup g) {
      new ElementwiseEmitter(this, k, g).emit();
    } else if (layer instanceof FlowLayer.CouplingLayer c) {
      new CouplingEmitter(this, k, c).emit();
    } else if (layer instanceof FlowLayer.Triangular t) {
      new Triangular(k, t).emit();
    } else if (layer instanceof FlowLayer.Autoregressive a) {
      new Autoregressive(k, a).emit();
    } else if (layer instanceof FlowLayer.PlanarLayer pl) {
      if (pl.sizes() == null) {
        new PlanarEmitter(this, k, pl).emit();
      } else {
        new ConditionalPlanarEmitter(this, k, pl).emit();
      }
    } else if (layer instanceof FlowLayer.BlockAutoregressive ba) {
      new BlockAutoregressiveEmitter(this, k, ba).emit();
    }
  }

  private void emitRun(int m, int[] stage, int[] grad, LayerSharing.Placement[] placements) {
    w.open("protected void runForward(double[] p, int o, double[] x, double[] c, double[] y, double[] ld, int n, double[][] b, double[][] f)");
    for (int k = 0; k < m; k++) {
      w.line(call(k, "Forward", placements[k], stageName(k, m, stage) + ", c, " + stageName(k + 1, m, stage) + ", ld"));
    }
    w.close();
    w.open("protected void runInverse(double[] p, int o, double[] y, double[] c, double[] x, double[] ld, int n, double[][] b, double[][] f)");
    for (int k = m - 1; k >= 0; k--) {
      w.line(call(k, "Inverse", placements[k], stageName(k + 1, m, stage) + ", c, " + stageName(k, m, stage) + ", ld"));
    }
    w.close();
    w.open("protected void runForwardBackward(double[] p, int o, double[] x, double[] c, double[] y, double[] gy, double[] gld, "
        + "double[] gx, double[] gp, int n, double[][] b, double[][] f)");
    for (int k = m - 1; k >= 0; k--) {
      w.line(call(k, "ForwardBackward", placements[k], stageName(k, m, stage) + ", c, " + stageName(k + 1, m, stage) + ", "
          + gradName(k + 1, m, grad) + ", gld, " + gradName(k, m, grad) + ", gp"));
    }
    w.close();
    w.open("protected void runInverseBackward(double[] p, int o, double[] y, double[] c, double[] x, double[] gx, double[] gld, "
        + "double[] gy, double[] gp, int n, double[][] b, double[][] f)");
    for (int k = 0; k < m; k++) {
      w.line(call(k, "InverseBackward", placements[k], stageName(k + 1, m, stage) + ", c, " + stageName(k, m, stage) + ", "
          + gradName(k, m, grad) + ", gld, " + gradName(k + 1, m, grad) + ", gp"));
    }
    w.close();
  }

  /** Layer k's pass, run by the methods its placement names, with its own offsets and row tables. */
  private static String call(int k, String pass, LayerSharing.Placement at, String arrays) {
    return "l" + at.methods() + pass + "(p, o + " + at.paramBase() + ", " + arrays + ", n, b, f, IN_" + k + ", OUT_" + k + ", "
        + at.batchBase() + ", " + at.fixedBase() + ");";
  }

  private static String stageName(int k, int m, int[] stage) {
    return k == 0 ? "x" : k == m ? "y" : "b[" + stage[k] + "]";
  }

  /** Adjoints of intermediate stages alternate between two buffers, as in Chain. */
  private static String gradName(int k, int m, int[] grad) {
    return k == 0 ? "gx" : k == m ? "gy" : "b[" + grad[k & 1] + "]";
  }

  /** Gather buffers shared by all layers (a layer uses them only within one pass), made on first use. */
  private final int[] gatherBuffers = {-1, -1, -1};

  /** The gather buffers made so far: shared by all layers, so never relative to one. */
  private java.util.Set<Integer> gatherSlots() {
    java.util.Set<Integer> slots = new java.util.HashSet<>();
    for (int g : gatherBuffers) {
      if (g >= 0) {
        slots.add(g);
      }
    }
    return slots;
  }

  int gather(int slot) {
    if (gatherBuffers[slot] < 0) {
      gatherBuffers[slot] = batch(dim);
    }
    return gatherBuffers[slot];
  }

  int batch(int rows) {
    batchRows.add(rows);
    return batchRows.size() - 1;
  }

  int fixed(int size) {
    fixedSizes.add(size);
    return fixedSizes.size() - 1;
  }

  void field(String declaration) {
    fields.add(declaration);
  }

  /**
   * An int table as a call decoding one string literal: an array initializer would cost about 7
   * bytes of static-initialiser bytecode per entry, and MADE tables at D = 26 overflow the limit.
   */
  static String ints(int[] values) {
    StringBuilder b = new StringBuilder(MATH + ".table(\"");
    for (int i = 0; i < values.length; i++) {
      b.append(i == 0 ? "" : ", ").append(values[i]);
    }
    return b.append("\")").toString();
  }

  static String doubles(double[] values) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < values.length; i++) {
      b.append(i == 0 ? "" : ", ").append(SourceWriter.literal(values[i]));
    }
    return b.append('}').toString();
  }

  /** Opens the method of layer k for one flow pass; returns the names of its source and destination row tables. */
  String[] open(int k, String pass, boolean flowForward, boolean backward) {
    w.open("private static void l" + k + pass + (backward ? BACKWARD_SIGNATURE : SIGNATURE));
    return flowForward ? new String[] {"rowsIn", "rowsOut"} : new String[] {"rowsOut", "rowsIn"};
  }

  // ---------------------------------------------------------------- triangular affine

  private final class Triangular {
    private final int k;
    private final FlowLayer.Triangular t;
    private final int matrix;
    private final int rowsV;
    private final int norm;
    private final int gradMatrix;
    private final int gradLoc;
    private final int offDiagonalCount;

    Triangular(int k, FlowLayer.Triangular t) {
      this.k = k;
      this.t = t;
      this.matrix = fixed(dim * dim);
      this.rowsV = fixed(dim * dim);
      this.norm = fixed(dim);
      this.gradMatrix = fixed(dim * dim);
      this.gradLoc = fixed(dim);
      this.offDiagonalCount = dim * (dim - 1) / 2;
    }

    void emit() {
      int[] cells = new int[offDiagonalCount];
      int c = 0;
      for (int i = 0; i < dim; i++) {
        for (int j = t.lower() ? 0 : i + 1; j < (t.lower() ? i : dim); j++) {
          cells[c++] = i * dim + j;
        }
      }
      field("static final int[] OFFDIAG_" + k + " = " + ints(cells) + ";");
      emitAssemble();
      emitBackprop();
      emitPass("Forward", true, false);
      emitPass("Inverse", false, false);
      emitPass("ForwardBackward", true, true);
      emitPass("InverseBackward", false, true);
    }

    /** Parameters: loc (D), raw diagonal (D), strict triangle (D(D−1)/2), raw gains (D) when weight-normalised. */
    private void emitAssemble() {
      int d = dim;
      w.open("private static double l" + k + "Assemble(double[] p, int q, double[] a, double[] v, double[] nrm)");
      w.line("java.util.Arrays.fill(a, 0.0);");
      w.open("for (int i = 0; i < " + d + "; i++)");
      w.line("a[i * " + (d + 1) + "] = " + MATH + ".softplus(p[q + " + d + " + i]);");
      w.close();
      w.open("for (int e = 0; e < " + offDiagonalCount + "; e++)");
      w.line("a[OFFDIAG_" + k + "[e]] = p[q + " + 2 * d + " + e];");
      w.close();
      w.line("double logDet = 0.0;");
      w.open("for (int i = 0; i < " + d + "; i++)");
      w.line("double logDiag = " + MATH + ".logSoftplus(p[q + " + d + " + i]);");
      if (t.weightNormalised()) {
        // Row i = g v/‖v‖ (Salimans and Kingma 2016).
        w.line("double sq = 0.0;");
        w.open("for (int j = 0; j < " + d + "; j++)");
        w.line("sq += a[i * " + d + " + j] * a[i * " + d + " + j];");
        w.close();
        w.line("double norm = Math.sqrt(sq);");
        w.line("nrm[i] = norm;");
        w.line("double rho = p[q + " + (2 * d + offDiagonalCount) + " + i];");
        w.line("double factor = " + MATH + ".softplus(rho) / norm;");
        w.open("for (int j = 0; j < " + d + "; j++)");
        w.line("v[i * " + d + " + j] = a[i * " + d + " + j];");
        w.line("a[i * " + d + " + j] *= factor;");
        w.close();
        w.line("logDiag += " + MATH + ".logSoftplus(rho) - Math.log(norm);");
      }
      w.line("logDet += logDiag;");
      w.close();
      w.line("return logDet;");
      w.close();
    }

    /** Gradient of ⟨gA, A⟩ + ⟨gT, t⟩ + weight·log|det A| with respect to the raw parameters. */
    private void emitBackprop() {
      int d = dim;
      w.open("private static void l" + k + "Backprop(double[] p, int q, double[] gA, double[] gT, double[] v, double[] nrm, double weight, double[] gp)");
      w.open("for (int i = 0; i < " + d + "; i++)");
      w.line("gp[q + i] += gT[i];");
      w.close();
      if (t.weightNormalised()) {
        w.open("for (int i = 0; i < " + d + "; i++)");
        w.line("double rho = p[q + " + (2 * d + offDiagonalCount) + " + i];");
        w.line("double g = " + MATH + ".softplus(rho);");
        w.line("double norm = nrm[i];");
        w.line("double proj = 0.0;");
        w.open("for (int j = 0; j < " + d + "; j++)");
        w.line("proj += gA[i * " + d + " + j] * v[i * " + d + " + j];");
        w.close();
        w.line("proj /= norm;");
        w.line("gp[q + " + (2 * d + offDiagonalCount) + " + i] += " + MATH + ".sigmoid(rho) * proj + weight * " + MATH + ".logSoftplusSlope(rho);");
        w.open("for (int j = 0; j < " + d + "; j++)");
        w.line("double vij = v[i * " + d + " + j];");
        w.line("gA[i * " + d + " + j] = (g / norm) * (gA[i * " + d + " + j] - proj * vij / norm) - weight * vij / (norm * norm);");
        w.close();
        w.line("double dr = p[q + " + d + " + i];");
        w.line("gp[q + " + d + " + i] += gA[i * " + (d + 1) + "] * " + MATH + ".sigmoid(dr) + weight * " + MATH + ".logSoftplusSlope(dr);");
        w.close();
      } else {
        w.open("for (int i = 0; i < " + d + "; i++)");
        w.line("double dr = p[q + " + d + " + i];");
        w.line("gp[q + " + d + " + i] += gA[i * " + (d + 1) + "] * " + MATH + ".sigmoid(dr) + weight * " + MATH + ".logSoftplusSlope(dr);");
        w.close();
      }
      w.open("for (int e = 0; e < " + offDiagonalCount + "; e++)");
      w.line("gp[q + " + 2 * d + " + e] += gA[OFFDIAG_" + k + "[e]];");
      w.close();
      w.close();
    }

    /**
     * The batched products run in the engine's triangular kernel (vectorised, register-blocked),
     * which wants rows in coordinate order: a stage read or written through a permuted row table
     * is gathered into (or scattered from) a shared scratch buffer, one row copy per coordinate.
     */
    private void emitPass(String pass, boolean flowForward, boolean backward) {
      String[] rows = open(k, pass, flowForward, backward);
      boolean own = flowForward == t.forward();
      int d = dim;
      String kernel = "dev.flowvi.engine.kernel.TriangularAffineKernel.PREFERRED";
      String lower = String.valueOf(t.lower());
      boolean srcPlain = FlowProgram.isIdentity(flowForward ? program.rowsIn.get(k) : program.rowsOut.get(k));
      boolean dstPlain = FlowProgram.isIdentity(flowForward ? program.rowsOut.get(k) : program.rowsIn.get(k));
      w.line("int q = o + " + t.paramOffset() + ";");
      w.line("double[] a = f[" + matrix + "];");
      w.line("double[] v = f[" + rowsV + "];");
      w.line("double[] nrm = f[" + norm + "];");
      w.line("double logDet = l" + k + "Assemble(p, q, a, v, nrm);");
      String src = rows[0];
      String dst = rows[1];
      if (!backward) {
        String in = gathered("src", src, srcPlain, 0);
        String out = dstPlain ? "dst" : "b[" + gather(1) + "]";
        if (own) {
          w.line(kernel + ".multiply(a, " + d + ", " + lower + ", p, q, " + in + ", " + out + ", n);");
        } else {
          w.line(kernel + ".solve(a, " + d + ", " + lower + ", p, q, " + in + ", " + out + ", n);");
        }
        scatter(out, "dst", dst, dstPlain);
        w.open("for (int i = 0; i < n; i++)");
        w.line("ld[i] += " + (own ? "logDet" : "-logDet") + ";");
        w.close();
      } else {
        w.line("double[] gA = f[" + gradMatrix + "];");
        w.line("double[] gT = f[" + gradLoc + "];");
        w.line("java.util.Arrays.fill(gA, 0.0);");
        w.line("java.util.Arrays.fill(gT, 0.0);");
        String g = gathered("gDst", dst, dstPlain, 0);
        String gOut = srcPlain ? "gSrc" : "b[" + gather(2) + "]";
        if (own) {
          // dL/dx = Aᵀ dL/dy, dL/dA = dL/dy xᵀ, dL/dt = Σ dL/dy.
          String x = gathered("src", src, srcPlain, 1);
          w.line(kernel + ".multiplyTransposed(a, " + d + ", " + lower + ", " + g + ", " + gOut + ", n);");
          w.line(kernel + ".accumulateOuter(" + d + ", " + lower + ", " + g + ", " + x + ", n, 1.0, gA, gT);");
        } else {
          // x = A⁻¹(y − t): u = A⁻ᵀ dL/dx is dL/dy, dL/dA = −u xᵀ and dL/dt = −Σ u.
          String x = gathered("dst", dst, dstPlain, 1);
          w.line(kernel + ".solveTransposed(a, " + d + ", " + lower + ", " + g + ", " + gOut + ", n);");
          w.line(kernel + ".accumulateOuter(" + d + ", " + lower + ", " + gOut + ", " + x + ", n, -1.0, gA, gT);");
        }
        scatter(gOut, "gSrc", src, srcPlain);
        w.line("l" + k + "Backprop(p, q, gA, gT, v, nrm, " + (own ? "" : "-") + MATH + ".sum(gld, 0, n), gp);");
      }
      w.close();
    }

    /** The stage {@code array} in coordinate order: itself, or its rows gathered into scratch buffer {@code slot}. */
    private String gathered(String array, String rows, boolean plain, int slot) {
      if (plain) {
        return array;
      }
      String buf = "b[" + gather(slot) + "]";
      w.open("for (int j = 0; j < " + dim + "; j++)");
      w.line("System.arraycopy(" + array + ", " + rows + "[j] * n, " + buf + ", j * n, n);");
      w.close();
      return buf;
    }

    private void scatter(String from, String array, String rows, boolean plain) {
      if (plain) {
        return;
      }
      w.open("for (int j = 0; j < " + dim + "; j++)");
      w.line("System.arraycopy(" + from + ", j * n, " + array + ", " + rows + "[j] * n, n);");
      w.close();
    }
  }

  // ---------------------------------------------------------------- masked autoregressive

  private final class Autoregressive {
    private final int k;
    private final FlowLayer.Autoregressive a;
    private final int[] sizes;
    private final int layers;
    private final int perDim;
    /** The MADE conditioner's units, shared with Coupling's dense conditioner. */
    private final NetworkEmitter net;
    private final int input;
    private final int gradInput;
    private final int raw;
    private final int gradRaw;

    Autoregressive(int k, FlowLayer.Autoregressive a) {
      this.k = k;
      this.a = a;
      this.sizes = a.sizes();
      this.layers = sizes.length - 1;
      this.perDim = a.perDim();
      net = new NetworkEmitter(FlowSourceGenerator.this, String.valueOf(k), a.paramOffset(), sizes, a.masks(), a.activation(),
          perDim, dim);
      input = net.input;
      gradInput = net.gradInput;
      raw = batch(dim * perDim);
      gradRaw = batch(dim * perDim);
    }

    void emit() {
      // Connectivity in compressed rows: only the unmasked weights are ever touched.
      net.emitTables(a.transformer().identity());
      // Hidden units grouped by rank −1 … D−1: the schedule of the one-pass inverse.
      for (int l = 0; l < layers - 1; l++) {
        int[] ranks = a.hiddenRanks()[l];
        int[] start = new int[dim + 2];
        int[] units = new int[ranks.length];
        int c = 0;
        for (int r = -1; r <= dim - 1; r++) {
          start[r + 1] = c;
          for (int u = 0; u < ranks.length; u++) {
            if (ranks[u] == r) {
              units[c++] = u;
            }
          }
        }
        start[dim + 1] = c;
        if (c != ranks.length) {
          throw FlowProgram.unsupported("MADE hidden ranks outside -1.." + (dim - 1) + ": " + Arrays.toString(ranks));
        }
        field("static final int[] RANK_START_" + k + "_" + l + " = " + ints(start) + ";");
        field("static final int[] BY_RANK_" + k + "_" + l + " = " + ints(units) + ";");
      }
      if (a.transformer() instanceof FlowLayer.AffineKind t) {
        AffineLanes.emitScale(w, "l" + k, t);
      }
      emitPass("Forward", true, false);
      emitPass("Inverse", false, false);
      emitPass("ForwardBackward", true, true);
      emitPass("InverseBackward", false, true);
    }

    private FlowLayer.AffineKind affineKind() {
      return (FlowLayer.AffineKind) a.transformer();
    }

    private String splineArgs() {
      FlowLayer.SplineKind sk = (FlowLayer.SplineKind) a.transformer();
      return sk.knots() + ", " + SourceWriter.literal(sk.lo()) + ", " + SourceWriter.literal(sk.hi());
    }

    private void emitPass(String pass, boolean flowForward, boolean backward) {
      String[] rows = open(k, pass, flowForward, backward);
      boolean own = flowForward == a.forward();
      boolean affine = a.transformer() instanceof FlowLayer.AffineKind;
      String src = rows[0];
      String dst = rows[1];
      int p = perDim;
      String in0 = "b[" + input + "]";
      String rawRows = "b[" + raw + "]";
      if (!backward && own) {
        // One network pass, then the transformer per coordinate.
        w.open("for (int j = 0; j < " + dim + "; j++)");
        w.line("System.arraycopy(src, " + src + "[j] * n, " + in0 + ", j * n, n);");
        w.close();
        if (a.conditionDim() > 0) {
          w.line("System.arraycopy(c, 0, " + in0 + ", " + dim + " * n, " + a.conditionDim() + " * n);");
        }
        net.forward(rawRows);
        w.line("double[] x0 = " + in0 + ";");
        w.line("double[] th = " + rawRows + ";");
        if (affine) {
          w.open("for (int j = 0; j < " + dim + "; j++)");
          w.line("int xr = j * n;");
          w.line("int yr = " + dst + "[j] * n;");
          w.line("int tr = j * " + p + " * n;");
          w.line("int sr = tr + n;");
          AffineLanes.values(w, "l" + k, affineKind(), program.vector, false, "x0", "xr", "dst", "yr", null, null);
          w.close();
        } else {
          w.open("for (int j = 0; j < " + dim + "; j++)");
          w.line(KERNEL + ".forward(" + splineArgs() + ", th, j * " + p + " * n, n, x0, j * n, dst, " + dst + "[j] * n, ld, n);");
          w.close();
        }
      } else if (!backward) {
        // One-pass inverse: units are computed in rank order, each as soon as every input it sees
        // is final (a unit of rank r reads only inputs of rank ≤ r), instead of D network passes.
        if (a.conditionDim() > 0) {
          w.line("System.arraycopy(c, 0, " + in0 + ", " + dim + " * n, " + a.conditionDim() + " * n);");
        }
        w.line("double[] x0 = " + in0 + ";");
        w.line("double[] th = " + rawRows + ";");
        w.open("for (int s = -1; s < " + dim + "; s++)");
        w.open("if (s >= 0)");
        w.open("for (int u = s * " + p + "; u < s * " + p + " + " + p + "; u++)");
        net.unit(layers - 1, "u", rawRows);
        w.close();
        if (affine) {
          w.line("int xr = s * n;");
          w.line("int yr = " + src + "[s] * n;");
          w.line("int dr = " + dst + "[s] * n;");
          w.line("int tr = s * " + p + " * n;");
          w.line("int sr = tr + n;");
          AffineLanes.values(w, "l" + k, affineKind(), program.vector, true, "src", "yr", "x0", "xr", "dst", "dr");
        } else {
          w.line(KERNEL + ".inverse(" + splineArgs() + ", th, s * " + p + " * n, n, src, " + src + "[s] * n, x0, s * n, ld, n);");
          w.line("System.arraycopy(x0, s * n, dst, " + dst + "[s] * n, n);");
        }
        w.close();
        for (int l = 0; l < layers - 1; l++) {
          w.open("for (int e = RANK_START_" + k + "_" + l + "[s + 1]; e < RANK_START_" + k + "_" + l + "[s + 2]; e++)");
          w.line("int u = BY_RANK_" + k + "_" + l + "[e];");
          net.unit(l, "u", net.preRows(l));
          w.close();
        }
        w.close();
      } else if (own) {
        w.line("double[] x0 = " + in0 + ";");
        w.line("double[] th = " + rawRows + ";");
        w.line("double[] gth = b[" + gradRaw + "];");
        if (affine) {
          w.open("for (int j = 0; j < " + dim + "; j++)");
          w.line("int xr = j * n;");
          w.line("int yr = " + dst + "[j] * n;");
          w.line("int gr = " + src + "[j] * n;");
          w.line("int tr = j * " + p + " * n;");
          w.line("int sr = tr + n;");
          AffineLanes.backward(w, "l" + k, affineKind(), program.vector, false, "x0", "xr", "gDst", "yr", "gSrc", "gr");
          w.close();
        } else {
          w.open("for (int j = 0; j < " + dim + "; j++)");
          w.line(KERNEL + ".forwardBackward(" + splineArgs() + ", th, j * " + p + " * n, n, x0, j * n, gDst, " + dst
              + "[j] * n, gld, gSrc, " + src + "[j] * n, gth, j * " + p + " * n, n);");
          w.close();
        }
        net.backward("gth");
        w.line("double[] gx0 = b[" + gradInput + "];");
        w.open("for (int j = 0; j < " + dim + "; j++)");
        w.line("int gr = " + src + "[j] * n;");
        w.open("for (int i = 0; i < n; i++)");
        w.line("gSrc[gr + i] += gx0[j * n + i];");
        w.close();
        w.close();
      } else {
        // Reverse mode through the one-pass inverse, in reverse rank order: one network backward pass.
        w.line("double[] x0 = " + in0 + ";");
        w.line("double[] th = " + rawRows + ";");
        w.line("double[] gth = b[" + gradRaw + "];");
        w.line("double[] gx0 = b[" + gradInput + "];");
        w.open("for (int j = 0; j < " + dim + "; j++)");
        w.line("System.arraycopy(gDst, " + dst + "[j] * n, gx0, j * n, n);");
        w.close();
        for (int l = 0; l < layers - 1; l++) {
          w.line("java.util.Arrays.fill(" + net.gradPostRows(l) + ", 0, " + sizes[l + 1] + " * n, 0.0);");
        }
        w.open("for (int s = " + (dim - 1) + "; s >= -1; s--)");
        for (int l = layers - 2; l >= 0; l--) {
          w.open("for (int e = RANK_START_" + k + "_" + l + "[s + 1]; e < RANK_START_" + k + "_" + l + "[s + 2]; e++)");
          w.line("int u = BY_RANK_" + k + "_" + l + "[e];");
          net.unitBackward(l, "u", net.gradPostRows(l));
          w.close();
        }
        w.open("if (s >= 0)");
        if (affine) {
          w.line("int xr = s * n;");
          w.line("int gr = " + src + "[s] * n;");
          w.line("int tr = s * " + p + " * n;");
          w.line("int sr = tr + n;");
          AffineLanes.backward(w, "l" + k, affineKind(), program.vector, true, "x0", "xr", "gx0", "xr", "gSrc", "gr");
        } else {
          w.line(KERNEL + ".inverseBackward(" + splineArgs() + ", th, s * " + p + " * n, n, src, " + src
              + "[s] * n, gx0, s * n, gld, gSrc, " + src + "[s] * n, gth, s * " + p + " * n, n);");
        }
        w.open("for (int u = s * " + p + "; u < s * " + p + " + " + p + "; u++)");
        net.unitBackward(layers - 1, "u", "gth");
        w.close();
        w.close();
        w.close();
      }
      w.close();
    }
  }
}
