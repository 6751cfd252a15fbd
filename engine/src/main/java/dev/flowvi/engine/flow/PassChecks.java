package dev.flowvi.engine.flow;

import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.Workspace;

/** Argument checks shared by the passes of the flow layers in this package. */
final class PassChecks {
  private PassChecks() {}

  /**
   * Checks a forward or inverse pass: input and output batches, conditioning, log-dets (null in a
   * backward pass, whose gradLogDet {@link #backward} checks), workspace.
   */
  static void pass(Bijection b, double[] params, int offset, String inName, double[] in, double[] cond,
      String outName, double[] out, double[] logDet, int n, Workspace ws) {
    Checks.batchSize(n, ws);
    Checks.params(params, offset, b.parameterCount());
    Checks.distinctBatches(inName, in, outName, out, b.dim(), n);
    if (logDet != null) {
      Checks.perPoint("logDet", logDet, n);
    }
    condition(b, cond, n);
  }

  /** Checks a backward pass's extra arguments. */
  static void backward(Bijection b, double[] gradOut, String gradOutName, double[] gradLogDet,
      double[] gradIn, String gradInName, double[] gradParams, int offset, int n) {
    Checks.batch(gradOutName, gradOut, b.dim(), n);
    Checks.perPoint("gradLogDet", gradLogDet, n);
    Checks.batch(gradInName, gradIn, b.dim(), n);
    Checks.params("gradParams", gradParams, offset, b.parameterCount());
  }

  static void condition(Bijection b, double[] cond, int n) {
    if (b.conditionDim() > 0) {
      Checks.batch("cond", cond, b.conditionDim(), n);
    } else if (cond != null) {
      throw new IllegalArgumentException(
          "cond has length " + cond.length + ", expected null: " + b.name() + " takes no conditioning input");
    }
  }

  /** The workspace must be the layer's own kind. */
  static <W extends LayerWorkspace> W workspace(Class<W> kind, Workspace ws, Bijection b) {
    if (!kind.isInstance(ws) || ((LayerWorkspace) ws).owner() != b) {
      throw new IllegalArgumentException("workspace is " + (ws == null ? "null" : ws.getClass().getSimpleName())
          + ", expected one made by " + b.name() + ".newWorkspace");
    }
    return kind.cast(ws);
  }
}
