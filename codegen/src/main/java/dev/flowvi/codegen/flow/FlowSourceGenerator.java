package dev.flowvi.codegen.flow;

import dev.flowvi.codegen.GeneratedSource;
import dev.flowvi.codegen.SourceWriter;
import dev.flowvi.engine.bijection.AffineTransformer;
import dev.flowvi.engine.nn.Activation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Emits the Java source (Janino's subset) of one {@link CompiledFlow} subclass for a {@link
 * FlowProgram}. Every layer gets four static methods, one per pass of the flow, so no method grows
 * with the number of layers; the four {@code run…} methods only call them in order. Dimensions,
 * offsets, identity values, row tables and the MADE connectivity are constants of the class.
 */
final class FlowSourceGenerator {
  static final String PACKAGE = "dev.flowvi.codegen.gen";
  private static final String MATH = "dev.flowvi.codegen.flow.FlowMath";
  private static final String SPLINE = "dev.flowvi.codegen.flow.SplineMath";
  /** The engine's batched spline kernel, for spline transformers whose raw values differ per point. */
  private static final String KERNEL = "dev.flowvi.codegen.flow.FlowMath.SPLINE_KERNEL";
  private static final String SIGNATURE = "(double[] p, int o, double[] src, double[] c, double[] dst, double[] ld, int n, double[][] b, double[][] f)";
  private static final String BACKWARD_SIGNATURE = "(double[] p, int o, double[] src, double[] c, double[] dst, double[] gDst, double[] gld, "
      + "double[] gSrc, double[] gp, int n, double[][] b, double[][] f)";

  private final FlowProgram program;
  private final int dim;
  private final List<String> fields = new ArrayList<>();
  private final List<Integer> batchRows = new ArrayList<>();
  private final List<Integer> fixedSizes = new ArrayList<>();
  private final SourceWriter w = new SourceWriter();

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
    emitRun(m, stage, grad);
    for (int k = 0; k < m; k++) {
      field("static final int[] IN_" + k + " = " + ints(program.rowsIn.get(k)) + ";");
      field("static final int[] OUT_" + k + " = " + ints(program.rowsOut.get(k)) + ";");
      FlowLayer layer = program.layers.get(k);
      if (layer instanceof FlowLayer.ElementwiseGroup g) {
        new Elementwise(k, g).emit();
      } else if (layer instanceof FlowLayer.Triangular t) {
        new Triangular(k, t).emit();
      } else if (layer instanceof FlowLayer.Autoregressive a) {
        new Autoregressive(k, a).emit();
      }
    }
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

  private void emitRun(int m, int[] stage, int[] grad) {
    String bf = "n, b, f);";
    w.open("protected void runForward(double[] p, int o, double[] x, double[] c, double[] y, double[] ld, int n, double[][] b, double[][] f)");
    for (int k = 0; k < m; k++) {
      w.line("l" + k + "Forward(p, o, " + stageName(k, m, stage) + ", c, " + stageName(k + 1, m, stage) + ", ld, " + bf);
    }
    w.close();
    w.open("protected void runInverse(double[] p, int o, double[] y, double[] c, double[] x, double[] ld, int n, double[][] b, double[][] f)");
    for (int k = m - 1; k >= 0; k--) {
      w.line("l" + k + "Inverse(p, o, " + stageName(k + 1, m, stage) + ", c, " + stageName(k, m, stage) + ", ld, " + bf);
    }
    w.close();
    w.open("protected void runForwardBackward(double[] p, int o, double[] x, double[] c, double[] y, double[] gy, double[] gld, "
        + "double[] gx, double[] gp, int n, double[][] b, double[][] f)");
    for (int k = m - 1; k >= 0; k--) {
      w.line("l" + k + "ForwardBackward(p, o, " + stageName(k, m, stage) + ", c, " + stageName(k + 1, m, stage) + ", "
          + gradName(k + 1, m, grad) + ", gld, " + gradName(k, m, grad) + ", gp, " + bf);
    }
    w.close();
    w.open("protected void runInverseBackward(double[] p, int o, double[] y, double[] c, double[] x, double[] gx, double[] gld, "
        + "double[] gy, double[] gp, int n, double[][] b, double[][] f)");
    for (int k = 0; k < m; k++) {
      w.line("l" + k + "InverseBackward(p, o, " + stageName(k + 1, m, stage) + ", c, " + stageName(k, m, stage) + ", "
          + gradName(k, m, grad) + ", gld, " + gradName(k + 1, m, grad) + ", gp, " + bf);
    }
    w.close();
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

  private int gather(int slot) {
    if (gatherBuffers[slot] < 0) {
      gatherBuffers[slot] = batch(dim);
    }
    return gatherBuffers[slot];
  }

  private int batch(int rows) {
    batchRows.add(rows);
    return batchRows.size() - 1;
  }

  private int fixed(int size) {
    fixedSizes.add(size);
    return fixedSizes.size() - 1;
  }

  private void field(String declaration) {
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
  private String[] open(int k, String pass, boolean flowForward, boolean backward) {
    w.open("private static void l" + k + pass + (backward ? BACKWARD_SIGNATURE : SIGNATURE));
    return flowForward ? new String[] {"IN_" + k, "OUT_" + k} : new String[] {"OUT_" + k, "IN_" + k};
  }

  // ---------------------------------------------------------------- elementwise (fused LeakyTanh chains)

  private final class Elementwise {
    private final int k;
    private final List<FlowLayer.ElementwiseStep> steps;
    /** Per step: fixed buffers of its knot table, adjoint accumulator and (value, log-det) pair; −1 for LeakyTanh. */
    private final int[] table;
    private final int[] accumulator;
    private final int[] result;
    /** Batch buffers holding the values between steps, saved by the value passes for the backward passes. */
    private final int[] between;

    Elementwise(int k, FlowLayer.ElementwiseGroup group) {
      this.k = k;
      this.steps = group.steps();
      between = new int[Math.max(0, steps.size() - 1)];
      for (int t = 0; t < between.length; t++) {
        between[t] = batch(dim);
      }
      table = new int[steps.size()];
      accumulator = new int[steps.size()];
      result = new int[steps.size()];
      for (int t = 0; t < steps.size(); t++) {
        if (steps.get(t) instanceof FlowLayer.SplineStep s) {
          table[t] = fixed(SplineMath.tableSize(s.knots()));
          accumulator[t] = fixed(SplineMath.accumulatorSize(s.knots()));
          result[t] = fixed(2);
        } else {
          table[t] = -1;
        }
      }
    }

    void emit() {
      emitPass("Forward", true, false);
      emitPass("Inverse", false, false);
      emitPass("ForwardBackward", true, true);
      emitPass("InverseBackward", false, true);
    }

    /** Indices into {@link #steps} in the order this pass applies them. */
    private int[] order(boolean flowForward) {
      int q = steps.size();
      int[] o = new int[q];
      for (int t = 0; t < q; t++) {
        o[t] = flowForward ? t : q - 1 - t;
      }
      return o;
    }

    private FlowLayer.ElementwiseStep applied(int index, boolean flowForward) {
      FlowLayer.ElementwiseStep s = steps.get(index);
      return flowForward ? s : s.flipped();
    }

    private String splineArgs(FlowLayer.SplineStep s) {
      return s.knots() + ", " + SourceWriter.literal(s.lo()) + ", " + SourceWriter.literal(s.hi());
    }

    private String splineParams(FlowLayer.SplineStep s) {
      return "o + " + s.paramOffset() + " + j * " + (3 * s.knots() + 4);
    }

    /** {@code double v<t+1> = …} for step t of the pass, and {@code l +=} its log-det. */
    private void step(int t, int index, boolean flowForward) {
      FlowLayer.ElementwiseStep s = applied(index, flowForward);
      String v = "v" + t;
      if (s instanceof FlowLayer.SplineStep sp) {
        String res = "res" + index;
        w.line(SPLINE + "." + (sp.forward() ? "forward" : "inverse") + "(" + v + ", " + splineArgs(sp) + ", tab" + index + ", " + res + ");");
        w.line("double v" + (t + 1) + " = " + res + "[0];");
        w.line("l += " + res + "[1];");
      } else {
        FlowLayer.LeakyTanhStep lt = (FlowLayer.LeakyTanhStep) s;
        if (lt.forward()) {
          // tanh|x| = −e/(2 + e) and log sech²x = 2(log 2 − |x| − log1p(1 + e)) with e = expm1(−2|x|):
          // one expm1 and one log instead of tanh, exp and log1p.
          double m = lt.maxVal();
          String a = "a" + t;
          String out = "v" + (t + 1);
          w.line("double " + out + ";");
          w.line("double " + a + " = Math.abs(" + v + ");");
          w.open("if (" + a + " < " + SourceWriter.literal(m) + ")");
          w.line("double em = Math.expm1(-2.0 * " + a + ");");
          w.line(out + " = Math.copySign(-em / (2.0 + em), " + v + ");");
          // log1p(1 + e) = log(2 + e) with 2 + e in (1, 2]: the intrinsic log, absolute error ~ε.
          w.line("l += 2.0 * (" + SourceWriter.literal(Math.log(2.0)) + " - " + a + " - Math.log(2.0 + em));");
          w.close();
          w.open("else");
          w.line(out + " = Math.copySign(" + SourceWriter.literal(Math.tanh(m)) + ", " + v + ") + " + SourceWriter.literal(FlowMath.sech2(m))
              + " * (" + v + " - Math.copySign(" + SourceWriter.literal(m) + ", " + v + "));");
          w.line("l += " + SourceWriter.literal(FlowMath.logSech2(m)) + ";");
          w.close();
        } else {
          w.line("double v" + (t + 1) + " = " + inverseValue(lt, v) + ";");
          w.line("l += " + inverseLogDerivative(lt, v) + ";");
        }
      }
    }

    private void emitPass(String pass, boolean flowForward, boolean backward) {
      String[] rows = open(k, pass, flowForward, backward);
      int[] order = order(flowForward);
      int q = order.length;
      for (int t = 0; t < q; t++) {
        if (table[t] >= 0) {
          w.line("double[] tab" + t + " = f[" + table[t] + "];");
          w.line("double[] res" + t + " = f[" + result[t] + "];");
          if (backward) {
            w.line("double[] acc" + t + " = f[" + accumulator[t] + "];");
          }
        }
      }
      w.open("for (int j = 0; j < " + dim + "; j++)");
      w.line("int si = " + rows[0] + "[j] * n;");
      w.line("int di = " + rows[1] + "[j] * n;");
      // Spline knots depend only on the coordinate: computed once here, not per point.
      for (int t = 0; t < q; t++) {
        if (steps.get(t) instanceof FlowLayer.SplineStep sp) {
          w.line(SPLINE + ".knots(p, " + splineParams(sp) + ", " + splineArgs(sp) + ", tab" + t + ");");
          if (backward) {
            w.line("java.util.Arrays.fill(acc" + t + ", 0.0);");
          }
        }
      }
      w.open("for (int i = 0; i < n; i++)");
      w.line("double v0 = src[si + i];");
      if (!backward) {
        if (q > 0) {
          w.line("double l = 0.0;");
        }
        for (int t = 0; t < q; t++) {
          step(t, order[t], flowForward);
          if (t < q - 1) {
            w.line("b[" + between[t] + "][j * n + i] = v" + (t + 1) + ";");
          }
        }
        w.line("dst[di + i] = v" + q + ";");
        if (q > 0) {
          w.line("ld[i] += l;");
        }
      } else {
        for (int t = 0; t < q - 1; t++) {
          w.line("double v" + (t + 1) + " = b[" + between[t] + "][j * n + i];");
        }
        if (q > 0) {
          w.line("double v" + q + " = dst[di + i];");
        }
        w.line("double g = gDst[di + i];");
        if (q > 0) {
          w.line("double gl = gld[i];");
        }
        // dL/dv_t from dL/dv_{t+1} and dL/dlogDet, last step first.
        for (int t = q - 1; t >= 0; t--) {
          String v = "v" + t;
          FlowLayer.ElementwiseStep s = applied(order[t], flowForward);
          if (s instanceof FlowLayer.SplineStep sp) {
            w.line("g = " + SPLINE + "." + (sp.forward() ? "forwardBackward" : "inverseBackward") + "(" + v + ", g, gl, "
                + splineArgs(sp) + ", tab" + order[t] + ", acc" + order[t] + ");");
          } else {
            FlowLayer.LeakyTanhStep lt = (FlowLayer.LeakyTanhStep) s;
            if (lt.forward()) {
              // From the saved output h = tanh x: tanh' = (1 − h)(1 + h) and (log tanh')' = −2h.
              String h = "v" + (t + 1);
              String inside = "Math.abs(" + v + ") < " + SourceWriter.literal(lt.maxVal());
              w.line("g = " + inside + " ? g * ((1.0 - " + h + ") * (1.0 + " + h + ")) - gl * 2.0 * " + h + " : g * "
                  + SourceWriter.literal(FlowMath.sech2(lt.maxVal())) + ";");
            } else {
              w.line("g = g * (" + inverseDerivative(lt, v) + ") + gl * (" + inverseLogDerivativeSlope(lt, v) + ");");
            }
          }
        }
        w.line("gSrc[si + i] = g;");
      }
      w.close();
      if (backward) {
        for (int t = 0; t < q; t++) {
          if (steps.get(t) instanceof FlowLayer.SplineStep sp) {
            w.line(SPLINE + ".rawGradient(p, " + splineParams(sp) + ", " + splineArgs(sp) + ", acc" + t + ", gp);");
          }
        }
      }
      w.close();
      w.close();
    }

    // Inverse LeakyTanh(m): artanh inside |y| < tanh m, linear outside (engine LeakyTanh). The
    // forward direction is written out in step() and its backward pass reuses the saved output.
    private String inverseValue(FlowLayer.LeakyTanhStep s, String v) {
      double m = s.maxVal();
      String edge = SourceWriter.literal(Math.tanh(m));
      return "Math.abs(" + v + ") < " + edge + " ? " + MATH + ".artanh(" + v + ") : Math.copySign(" + SourceWriter.literal(m) + ", "
          + v + ") + (" + v + " - Math.copySign(" + edge + ", " + v + ")) / " + SourceWriter.literal(FlowMath.sech2(m));
    }

    /** −log((1 − y)(1 + y)): the product is exact to rounding, and the intrinsic log beats two log1p. */
    private String inverseLogDerivative(FlowLayer.LeakyTanhStep s, String v) {
      double m = s.maxVal();
      return "Math.abs(" + v + ") < " + SourceWriter.literal(Math.tanh(m)) + " ? -Math.log((1.0 - " + v + ") * (1.0 + " + v
          + ")) : " + SourceWriter.literal(-FlowMath.logSech2(m));
    }

    private String inverseDerivative(FlowLayer.LeakyTanhStep s, String v) {
      double m = s.maxVal();
      return "Math.abs(" + v + ") < " + SourceWriter.literal(Math.tanh(m)) + " ? 1.0 / ((1.0 - " + v + ") * (1.0 + " + v + ")) : "
          + SourceWriter.literal(1.0 / FlowMath.sech2(m));
    }

    private String inverseLogDerivativeSlope(FlowLayer.LeakyTanhStep s, String v) {
      double m = s.maxVal();
      return "Math.abs(" + v + ") < " + SourceWriter.literal(Math.tanh(m)) + " ? 2.0 * " + v + " / ((1.0 - " + v + ") * (1.0 + "
          + v + ")) : 0.0";
    }
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
    private final int[] weightOffset;
    private final int[] biasOffset;
    private final int input;
    private final int gradInput;
    private final int raw;
    private final int gradRaw;
    private final int[] pre;
    private final int[] post;
    private final int[] gradPost;

    Autoregressive(int k, FlowLayer.Autoregressive a) {
      this.k = k;
      this.a = a;
      this.sizes = a.sizes();
      this.layers = sizes.length - 1;
      this.perDim = a.perDim();
      weightOffset = new int[layers];
      biasOffset = new int[layers];
      int next = a.paramOffset();
      for (int l = 0; l < layers; l++) {
        weightOffset[l] = next;
        next += sizes[l + 1] * sizes[l];
        biasOffset[l] = next;
        next += sizes[l + 1];
      }
      input = batch(sizes[0]);
      gradInput = batch(dim);
      raw = batch(dim * perDim);
      gradRaw = batch(dim * perDim);
      pre = new int[layers - 1];
      post = new int[layers - 1];
      gradPost = new int[layers - 1];
      for (int l = 0; l < layers - 1; l++) {
        pre[l] = batch(sizes[l + 1]);
        post[l] = batch(sizes[l + 1]);
        gradPost[l] = batch(sizes[l + 1]);
      }
    }

    void emit() {
      // Connectivity in compressed rows: only the unmasked weights are ever touched.
      for (int l = 0; l < layers; l++) {
        int out = sizes[l + 1];
        int in = sizes[l];
        boolean[] mask = a.masks()[l];
        int[] start = new int[out + 1];
        List<Integer> cols = new ArrayList<>();
        for (int u = 0; u < out; u++) {
          start[u] = cols.size();
          for (int c = 0; c < in; c++) {
            if (mask == null || mask[u * in + c]) {
              cols.add(c);
            }
          }
        }
        start[out] = cols.size();
        field("static final int[] START_" + k + "_" + l + " = " + ints(start) + ";");
        field("static final int[] COL_" + k + "_" + l + " = " + ints(cols.stream().mapToInt(Integer::intValue).toArray()) + ";");
        field("static final boolean[] MASK_" + k + "_" + l + " = " + MATH + ".mask(START_" + k + "_" + l + ", COL_" + k + "_" + l + ", " + in + ");");
      }
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
      field("static final double[] IDENTITY_" + k + " = " + doubles(a.transformer().identity()) + ";");
      if (a.transformer() instanceof FlowLayer.AffineKind) {
        emitScale();
      }
      emitPass("Forward", true, false);
      emitPass("Inverse", false, false);
      emitPass("ForwardBackward", true, true);
      emitPass("InverseBackward", false, true);
    }

    /** log s(r) and d log s/dr of the affine transformer (engine AffineTransformer). */
    private void emitScale() {
      FlowLayer.AffineKind t = (FlowLayer.AffineKind) a.transformer();
      w.open("private static double l" + k + "LogScale(double r)");
      if (t.softClamped()) {
        // Andrade 2024: log s = (2α/π) arctan(r/α), α = α₊ for r ≥ 0, α₋ otherwise.
        w.line("double al = r >= 0 ? " + SourceWriter.literal(t.alphaPositive()) + " : " + SourceWriter.literal(t.alphaNegative()) + ";");
        w.line("return (2.0 * al / Math.PI) * Math.atan(r / al);");
      } else {
        w.line("return Math.log(dev.flowvi.engine.nn.Softplus.value(r) + " + SourceWriter.literal(AffineTransformer.SCALE_FLOOR) + ");");
      }
      w.close();
      w.open("private static double l" + k + "LogScaleSlope(double r, double s)");
      if (t.softClamped()) {
        w.line("double al = r >= 0 ? " + SourceWriter.literal(t.alphaPositive()) + " : " + SourceWriter.literal(t.alphaNegative()) + ";");
        w.line("double qq = r / al;");
        w.line("return (2.0 / Math.PI) / (1.0 + qq * qq);");
      } else {
        w.line("return dev.flowvi.engine.nn.Softplus.derivative(r) / s;");
      }
      w.close();
    }

    private String hiddenIn(int l) {
      return l == 0 ? "b[" + input + "]" : "b[" + post[l - 1] + "]";
    }

    private String hiddenGradIn(int l) {
      return l == 0 ? "b[" + gradInput + "]" : "b[" + gradPost[l - 1] + "]";
    }

    private int gradLimit(int l) {
      return l == 0 ? dim : sizes[l];
    }

    private String activation(String z) {
      Activation act = a.activation();
      switch (act) {
        case RELU:
          return z + " > 0 ? " + z + " : 0.0";
        case TANH:
          return "Math.tanh(" + z + ")";
        default:
          return z + " > 0 ? " + z + " : Math.expm1(" + z + ")";
      }
    }

    private String activationDerivative(String z, String h) {
      switch (a.activation()) {
        case RELU:
          return z + " > 0 ? 1.0 : 0.0";
        case TANH:
          return "1.0 - " + h + " * " + h;
        default:
          return z + " > 0 ? 1.0 : " + h + " + 1.0";
      }
    }

    /** Unit u of dense layer l into row u of {@code out}, then its activation for hidden layers. */
    private void unit(int l, String u, String out) {
      w.line(MATH + ".denseUnit(p, " + offset(weightOffset[l]) + ", p[" + offset(biasOffset[l]) + " + " + u + "], " + sizes[l]
          + ", START_" + k + "_" + l + ", COL_" + k + "_" + l + ", " + u + ", " + (l == layers - 1 ? lastIn() : hiddenIn(l)) + ", " + out + ", n);");
      if (l < layers - 1) {
        w.line("double[] z = b[" + pre[l] + "];");
        w.line("double[] h = b[" + post[l] + "];");
        w.open("for (int i = " + u + " * n, end = i + n; i < end; i++)");
        w.line("h[i] = " + activation("z[i]") + ";");
        w.close();
      } else {
        w.line("double id = IDENTITY_" + k + "[" + u + " % " + perDim + "];");
        w.open("for (int i = " + u + " * n, end = i + n; i < end; i++)");
        w.line(out + "[i] += id;");
        w.close();
      }
    }

    /**
     * Dense layer l over the whole batch in one tiled-kernel call, then its activation (hidden
     * layers) or the transformer's identity offsets (output layer): the forward pass's form of
     * {@link #unit}, which the one-pass inverse keeps for its rank groups.
     */
    private void layer(int l, String out) {
      boolean last = l == layers - 1;
      w.line(MATH + ".dense(p, " + offset(weightOffset[l]) + ", " + offset(biasOffset[l]) + ", MASK_" + k + "_" + l + ", "
          + sizes[l + 1] + ", " + sizes[l] + ", " + (last ? lastIn() : hiddenIn(l)) + ", " + out + ", n);");
      if (!last) {
        w.line("double[] z" + l + " = b[" + pre[l] + "];");
        w.line("double[] h" + l + " = b[" + post[l] + "];");
        w.open("for (int i = 0, end = " + sizes[l + 1] + " * n; i < end; i++)");
        w.line("h" + l + "[i] = " + activation("z" + l + "[i]") + ";");
        w.close();
      } else {
        w.open("for (int u = 0; u < " + sizes[l + 1] + "; u++)");
        w.line("double id = IDENTITY_" + k + "[u % " + perDim + "];");
        w.open("for (int i = u * n, end = i + n; i < end; i++)");
        w.line(out + "[i] += id;");
        w.close();
        w.close();
      }
    }

    /** Backward of {@link #layer}: the activation's adjoint over the whole layer, then one kernel call. */
    private void layerBackward(int l, String g) {
      boolean last = l == layers - 1;
      if (!last) {
        w.line("double[] z" + l + " = b[" + pre[l] + "];");
        w.line("double[] h" + l + " = b[" + post[l] + "];");
        w.line("double[] gh" + l + " = " + g + ";");
        w.open("for (int i = 0, end = " + sizes[l + 1] + " * n; i < end; i++)");
        w.line("gh" + l + "[i] *= " + activationDerivative("z" + l + "[i]", "h" + l + "[i]") + ";");
        w.close();
      }
      w.line(MATH + ".denseBackward(p, " + offset(weightOffset[l]) + ", " + offset(biasOffset[l]) + ", MASK_" + k + "_" + l + ", "
          + sizes[l + 1] + ", " + sizes[l] + ", " + (last ? lastIn() : hiddenIn(l)) + ", " + g + ", "
          + (last ? lastGradIn() : hiddenGradIn(l)) + ", " + gradLimit(l) + ", gp, n);");
    }

    /** Backward of one unit; for hidden layers first turns its post-activation adjoint into the pre-activation one. */
    private void unitBackward(int l, String u, String g) {
      if (l < layers - 1) {
        w.line("double[] z = b[" + pre[l] + "];");
        w.line("double[] h = b[" + post[l] + "];");
        w.line("double[] gh = " + g + ";");
        w.open("for (int i = " + u + " * n, end = i + n; i < end; i++)");
        w.line("gh[i] *= " + activationDerivative("z[i]", "h[i]") + ";");
        w.close();
      }
      boolean last = l == layers - 1;
      w.line(MATH + ".denseUnitBackward(p, " + offset(weightOffset[l]) + ", " + offset(biasOffset[l]) + ", " + sizes[l] + ", START_" + k + "_" + l
          + ", COL_" + k + "_" + l + ", " + u + ", " + (last ? lastIn() : hiddenIn(l)) + ", " + g + ", "
          + (last ? lastGradIn() : hiddenGradIn(l)) + ", " + (last ? gradLimit(layers - 1) : gradLimit(l)) + ", gp, n);");
    }

    private String lastIn() {
      return layers == 1 ? "b[" + input + "]" : "b[" + post[layers - 2] + "]";
    }

    private String lastGradIn() {
      return layers == 1 ? "b[" + gradInput + "]" : "b[" + gradPost[layers - 2] + "]";
    }

    private String offset(int value) {
      return "o + " + value;
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
        for (int l = 0; l < layers; l++) {
          layer(l, l == layers - 1 ? rawRows : "b[" + pre[l] + "]");
        }
        w.line("double[] x0 = " + in0 + ";");
        w.line("double[] th = " + rawRows + ";");
        if (affine) {
          w.open("for (int j = 0; j < " + dim + "; j++)");
          w.line("int xr = j * n;");
          w.line("int yr = " + dst + "[j] * n;");
          w.line("int tr = j * " + p + " * n;");
          w.line("int sr = tr + n;");
          w.open("for (int i = 0; i < n; i++)");
          w.line("double ls = l" + k + "LogScale(th[sr + i]);");
          w.line("dst[yr + i] = x0[xr + i] * Math.exp(ls) + th[tr + i];");
          w.line("ld[i] += ls;");
          w.close();
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
        unit(layers - 1, "u", rawRows);
        w.close();
        if (affine) {
          w.line("int xr = s * n;");
          w.line("int yr = " + src + "[s] * n;");
          w.line("int dr = " + dst + "[s] * n;");
          w.line("int tr = s * " + p + " * n;");
          w.line("int sr = tr + n;");
          w.open("for (int i = 0; i < n; i++)");
          w.line("double ls = l" + k + "LogScale(th[sr + i]);");
          w.line("double v = (src[yr + i] - th[tr + i]) * Math.exp(-ls);");
          w.line("x0[xr + i] = v;");
          w.line("dst[dr + i] = v;");
          w.line("ld[i] -= ls;");
          w.close();
        } else {
          w.line(KERNEL + ".inverse(" + splineArgs() + ", th, s * " + p + " * n, n, src, " + src + "[s] * n, x0, s * n, ld, n);");
          w.line("System.arraycopy(x0, s * n, dst, " + dst + "[s] * n, n);");
        }
        w.close();
        for (int l = 0; l < layers - 1; l++) {
          w.open("for (int e = RANK_START_" + k + "_" + l + "[s + 1]; e < RANK_START_" + k + "_" + l + "[s + 2]; e++)");
          w.line("int u = BY_RANK_" + k + "_" + l + "[e];");
          unit(l, "u", "b[" + pre[l] + "]");
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
          w.open("for (int i = 0; i < n; i++)");
          w.line("double r = th[sr + i];");
          w.line("double sc = Math.exp(l" + k + "LogScale(r));");
          w.line("double gyv = gDst[yr + i];");
          w.line("gSrc[gr + i] = gyv * sc;");
          w.line("gth[tr + i] = gyv;");
          // ∂y/∂log s = x·s and ∂logDet/∂log s = 1.
          w.line("gth[sr + i] = (gyv * x0[xr + i] * sc + gld[i]) * l" + k + "LogScaleSlope(r, sc);");
          w.close();
          w.close();
        } else {
          w.open("for (int j = 0; j < " + dim + "; j++)");
          w.line(KERNEL + ".forwardBackward(" + splineArgs() + ", th, j * " + p + " * n, n, x0, j * n, gDst, " + dst
              + "[j] * n, gld, gSrc, " + src + "[j] * n, gth, j * " + p + " * n, n);");
          w.close();
        }
        for (int l = layers - 1; l >= 0; l--) {
          String gIn = l == layers - 1 ? lastGradIn() : hiddenGradIn(l);
          w.line("java.util.Arrays.fill(" + gIn + ", 0, " + gradLimit(l) + " * n, 0.0);");
          layerBackward(l, l == layers - 1 ? "gth" : "b[" + gradPost[l] + "]");
        }
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
          w.line("java.util.Arrays.fill(b[" + gradPost[l] + "], 0, " + sizes[l + 1] + " * n, 0.0);");
        }
        w.open("for (int s = " + (dim - 1) + "; s >= -1; s--)");
        for (int l = layers - 2; l >= 0; l--) {
          w.open("for (int e = RANK_START_" + k + "_" + l + "[s + 1]; e < RANK_START_" + k + "_" + l + "[s + 2]; e++)");
          w.line("int u = BY_RANK_" + k + "_" + l + "[e];");
          unitBackward(l, "u", "b[" + gradPost[l] + "]");
          w.close();
        }
        w.open("if (s >= 0)");
        if (affine) {
          w.line("int xr = s * n;");
          w.line("int gr = " + src + "[s] * n;");
          w.line("int tr = s * " + p + " * n;");
          w.line("int sr = tr + n;");
          w.open("for (int i = 0; i < n; i++)");
          w.line("double r = th[sr + i];");
          w.line("double sc = Math.exp(l" + k + "LogScale(r));");
          w.line("double gxv = gx0[xr + i];");
          w.line("gSrc[gr + i] = gxv / sc;");
          w.line("gth[tr + i] = -gxv / sc;");
          // x = (y − t)·e^{−log s}: ∂x/∂log s = −x and ∂logDet/∂log s = −1.
          w.line("gth[sr + i] = (-gxv * x0[xr + i] - gld[i]) * l" + k + "LogScaleSlope(r, sc);");
          w.close();
        } else {
          w.line(KERNEL + ".inverseBackward(" + splineArgs() + ", th, s * " + p + " * n, n, src, " + src
              + "[s] * n, gx0, s * n, gld, gSrc, " + src + "[s] * n, gth, s * " + p + " * n, n);");
        }
        w.open("for (int u = s * " + p + "; u < s * " + p + " + " + p + "; u++)");
        unitBackward(layers - 1, "u", "gth");
        w.close();
        w.close();
        w.close();
      }
      w.close();
    }
  }
}
