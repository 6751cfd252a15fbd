package dev.flowvi.codegen.flow;

import dev.flowvi.codegen.SourceWriter;
import dev.flowvi.engine.nn.Activation;
import java.util.ArrayList;
import java.util.List;

/**
 * Emits the units of a feed-forward conditioner (engine FeedForwardNetwork: per layer W then b,
 * an activation after every hidden layer) over batch rows, one unit at a time through {@link
 * FlowMath#denseUnit} (and, for whole layers, {@link FlowMath#dense}): a mask becomes compressed connectivity, so masked weights are never
 * visited, and a dense layer is the mask that keeps every weight. The last layer's output gets the
 * transformer's identity raw values added (FlowJAX), so a zero output layer is the identity.
 */
final class NetworkEmitter {
  private static final String MATH = "dev.flowvi.codegen.flow.FlowMath";

  private final FlowSourceGenerator gen;
  private final SourceWriter w;
  private final String name;
  private final int paramOffset;
  private final int[] sizes;
  private final int layers;
  private final boolean[][] masks;
  private final Activation activation;
  private final int perDim;
  private final int[] weightOffset;
  private final int[] biasOffset;
  /** Batch buffers: the first layer's input rows and their adjoint, and per hidden layer z, h and dL/dh. */
  final int input;
  final int gradInput;
  private final int inputGradLimit;
  private final int[] pre;
  private final int[] post;
  private final int[] gradPost;

  /**
   * @param name suffix of the generated tables, unique per network in the class
   * @param masks per layer, or null entries (or null) for dense layers
   * @param inputGradLimit first-layer inputs below this get an adjoint (conditioning inputs do not)
   */
  NetworkEmitter(FlowSourceGenerator gen, String name, int paramOffset, int[] sizes, boolean[][] masks, Activation activation,
      int perDim, int inputGradLimit) {
    this.gen = gen;
    this.w = gen.w;
    this.name = name;
    this.paramOffset = paramOffset;
    this.sizes = sizes.clone();
    this.layers = sizes.length - 1;
    this.masks = masks;
    this.activation = activation;
    this.perDim = perDim;
    this.inputGradLimit = inputGradLimit;
    weightOffset = new int[layers];
    biasOffset = new int[layers];
    int next = paramOffset;
    for (int l = 0; l < layers; l++) {
      weightOffset[l] = next;
      next += sizes[l + 1] * sizes[l];
      biasOffset[l] = next;
      next += sizes[l + 1];
    }
    input = gen.batch(Math.max(1, sizes[0]));
    gradInput = gen.batch(Math.max(1, inputGradLimit));
    pre = new int[layers - 1];
    post = new int[layers - 1];
    gradPost = new int[layers - 1];
    for (int l = 0; l < layers - 1; l++) {
      pre[l] = gen.batch(sizes[l + 1]);
      post[l] = gen.batch(sizes[l + 1]);
      gradPost[l] = gen.batch(sizes[l + 1]);
    }
  }

  /** The connectivity tables and the identity raw values, as constants of the class. */
  void emitTables(double[] identity) {
    for (int l = 0; l < layers; l++) {
      int out = sizes[l + 1];
      int in = sizes[l];
      boolean[] mask = masks == null ? null : masks[l];
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
      gen.field("static final int[] START_" + name + "_" + l + " = " + FlowSourceGenerator.ints(start) + ";");
      gen.field("static final int[] COL_" + name + "_" + l + " = "
          + FlowSourceGenerator.ints(cols.stream().mapToInt(Integer::intValue).toArray()) + ";");
      // The same connectivity as a mask (null when dense) for the whole-layer kernel.
      gen.field("static final boolean[] MASK_" + name + "_" + l + " = " + MATH + ".mask(START_" + name + "_" + l
          + ", COL_" + name + "_" + l + ", " + in + ");");
    }
    gen.field("static final double[] IDENTITY_" + name + " = " + FlowSourceGenerator.doubles(identity) + ";");
  }

  String inputRows() {
    return "b[" + input + "]";
  }

  String gradInputRows() {
    return "b[" + gradInput + "]";
  }

  /**
   * Every layer over the whole batch, the output layer's into {@code out}: one call per layer to
   * the engine's dense layer kernel ({@link FlowMath#dense}), then the activation or the
   * identity offsets. The one-pass autoregressive inverse uses {@link #unit} per rank group instead.
   */
  void forward(String out) {
    for (int l = 0; l < layers; l++) {
      String rows = l == layers - 1 ? out : "b[" + pre[l] + "]";
      w.line(MATH + ".dense(p, o + " + weightOffset[l] + ", o + " + biasOffset[l] + ", MASK_" + name + "_" + l + ", "
          + sizes[l + 1] + ", " + sizes[l] + ", " + in(l) + ", " + rows + ", n);");
      w.open("for (int u = 0; u < " + sizes[l + 1] + "; u++)");
      finishUnit(l, "u", rows);
      w.close();
    }
  }

  /** Reverse mode from the output adjoint rows {@code g}: parameter gradients into gp, input adjoint into {@link #gradInputRows}. */
  void backward(String g) {
    for (int l = layers - 1; l >= 0; l--) {
      String gl = l == layers - 1 ? g : "b[" + gradPost[l] + "]";
      w.line("java.util.Arrays.fill(" + gradIn(l) + ", 0, " + gradLimit(l) + " * n, 0.0);");
      if (l < layers - 1) {
        // The layer's rows are contiguous: one call over all its units.
        activationAdjoint(l, "0", sizes[l + 1] + " * n", gl);
      }
      w.line(MATH + ".denseBackward(p, o + " + weightOffset[l] + ", o + " + biasOffset[l] + ", MASK_" + name + "_" + l + ", "
          + sizes[l + 1] + ", " + sizes[l] + ", " + in(l) + ", " + gl + ", " + gradIn(l) + ", " + gradLimit(l) + ", gp, n);");
    }
  }

  /** Pre-activation rows of hidden layer l. */
  String preRows(int l) {
    return "b[" + pre[l] + "]";
  }

  /** Adjoint rows of the output of hidden layer l. */
  String gradPostRows(int l) {
    return "b[" + gradPost[l] + "]";
  }

  private String in(int l) {
    return l == 0 ? inputRows() : "b[" + post[l - 1] + "]";
  }

  private String gradIn(int l) {
    return l == 0 ? gradInputRows() : "b[" + gradPost[l - 1] + "]";
  }

  private int gradLimit(int l) {
    return l == 0 ? inputGradLimit : sizes[l];
  }

  private String activation(String z) {
    switch (activation) {
      case RELU:
        return z + " > 0 ? " + z + " : 0.0";
      case TANH:
        return "Math.tanh(" + z + ")";
      default:
        return z + " > 0 ? " + z + " : Math.expm1(" + z + ")";
    }
  }

  /** Unit u of dense layer l into row u of {@code out}, then its activation (hidden) or identity offset (output). */
  void unit(int l, String u, String out) {
    w.line(MATH + ".denseUnit(p, o + " + weightOffset[l] + ", p[o + " + biasOffset[l] + " + " + u + "], " + sizes[l]
        + ", START_" + name + "_" + l + ", COL_" + name + "_" + l + ", " + u + ", " + in(l) + ", " + out + ", n);");
    finishUnit(l, u, out);
  }

  /** After unit u of layer l is in row u of {@code out}: its activation (hidden) or identity offset (output). */
  private void finishUnit(int l, String u, String out) {
    if (l < layers - 1) {
      w.line("double[] z = b[" + pre[l] + "];");
      w.line("double[] h = b[" + post[l] + "];");
      w.line("int i = " + u + " * n;");
      w.line("int end = i + n;");
      if (gen.program.vector && activation == Activation.RELU) {
        // ReLU as max(z, 0): the same values (NaN z aside). Tanh and ELU stay scalar: lanewise TANH
        // is not an intrinsic on every JDK 17 CPU and then allocates per call.
        w.open("for (int bound = i + V_S.loopBound(n); i < bound; i += V_S.length())");
        w.line("jdk.incubator.vector.DoubleVector.fromArray(V_S, z, i).max(0.0).intoArray(h, i);");
        w.close();
      }
      w.open("for (; i < end; i++)");
      w.line("h[i] = " + activation("z[i]") + ";");
      w.close();
    } else {
      w.line("double id = IDENTITY_" + name + "[" + u + " % " + perDim + "];");
      w.line("int i = " + u + " * n;");
      w.line("int end = i + n;");
      if (gen.program.vector) {
        w.open("for (int bound = i + V_S.loopBound(n); i < bound; i += V_S.length())");
        w.line("jdk.incubator.vector.DoubleVector.fromArray(V_S, " + out + ", i).add(id).intoArray(" + out + ", i);");
        w.close();
      }
      w.open("for (; i < end; i++)");
      w.line(out + "[i] += id;");
      w.close();
    }
  }

  /** Backward of one unit; for hidden layers first turns its post-activation adjoint into the pre-activation one. */
  void unitBackward(int l, String u, String g) {
    if (l < layers - 1) {
      activationAdjoint(l, u + " * n", "n", g);
    }
    w.line(MATH + ".denseUnitBackward(p, o + " + weightOffset[l] + ", o + " + biasOffset[l] + ", " + sizes[l] + ", START_" + name
        + "_" + l + ", COL_" + name + "_" + l + ", " + u + ", " + in(l) + ", " + g + ", " + gradIn(l) + ", " + gradLimit(l) + ", gp, n);");
  }

  /** Turns elements [from, from + len) of hidden layer l's post-activation adjoint {@code g} into the pre-activation one. */
  private void activationAdjoint(int l, String from, String len, String g) {
    w.line(MATH + ".activationAdjoint(dev.flowvi.engine.nn.Activation." + activation.name() + ", b[" + pre[l] + "], b[" + post[l] + "], "
        + g + ", " + from + ", " + len + ");");
  }
}
