package dev.flowvi.engine.bijection;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.Workspace;

/** The argument checks every bijection pass makes, so each failure names what is wrong. */
final class PassChecks {
  private PassChecks() {}

  /** Checks a forward or inverse pass: input {@code inName}, output {@code outName}, log-dets. */
  static void pass(Bijection b, double[] params, int offset, String inName, double[] in, double[] cond,
      String outName, double[] out, double[] logDet, int n, Workspace ws) {
    Checks.batchSize(n, ws);
    Checks.params(params, offset, b.parameterCount());
    Checks.distinctBatches(inName, in, outName, out, b.dim(), n);
    Checks.perPoint("logDet", logDet, n);
    condition(b, cond, n);
  }

  /** Checks a backward pass of the pass that mapped {@code inName} to {@code outName}. */
  static void backward(Bijection b, double[] params, int offset, String inName, double[] in, double[] cond,
      String outName, double[] out, double[] gradOut, double[] gradLogDet, double[] gradIn,
      double[] gradParams, int n, Workspace ws) {
    Checks.batchSize(n, ws);
    Checks.params(params, offset, b.parameterCount());
    Checks.params("gradParams", gradParams, offset, b.parameterCount());
    Checks.batch(inName, in, b.dim(), n);
    Checks.batch(outName, out, b.dim(), n);
    String gradOutName = gradientName(outName);
    String gradInName = gradientName(inName);
    Checks.distinctBatches(gradInName, gradIn, gradOutName, gradOut, b.dim(), n);
    Checks.perPoint("gradLogDet", gradLogDet, n);
    condition(b, cond, n);
  }

  static void condition(Bijection b, double[] cond, int n) {
    if (b.conditionDim() > 0) {
      Checks.batch("cond", cond, b.conditionDim(), n);
    }
  }

  /** The workspace a composite made for itself, or an error naming what was passed instead. */
  static <W extends Workspace> W workspace(Class<W> type, Workspace ws, String owner) {
    if (!type.isInstance(ws)) {
      throw new IllegalArgumentException("ws is " + (ws == null ? "null" : ws.getClass().getName())
          + ", expected the workspace made by " + owner + ".newWorkspace(capacity)");
    }
    return type.cast(ws);
  }

  /** "x" → "gradX": constants, so the checks allocate nothing on the hot path. */
  private static String gradientName(String name) {
    return switch (name) {
      case "x" -> "gradX";
      case "y" -> "gradY";
      default -> "grad(" + name + ")";
    };
  }
}
