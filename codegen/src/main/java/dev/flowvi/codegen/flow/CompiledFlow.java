package dev.flowvi.codegen.flow;

import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;

/**
 * The base of every class {@link FlowCompiler} generates. It is a {@link Bijection} with the
 * interpreted flow's dimension, parameter layout and initialisation; it checks the arguments of
 * each pass once and hands the generated straight-line code its scratch buffers.
 */
public abstract class CompiledFlow implements Bijection {
  private final Bijection interpreted;
  private final int[] batchRows;
  private final int[] fixedSizes;

  /**
   * @param batchRows rows (of one batch each) of every batch-sized scratch buffer
   * @param fixedSizes lengths of the scratch arrays that do not grow with the batch
   */
  protected CompiledFlow(Bijection interpreted, int[] batchRows, int[] fixedSizes) {
    this.interpreted = interpreted;
    this.batchRows = batchRows.clone();
    this.fixedSizes = fixedSizes.clone();
  }

  /** The flow this class was compiled from. */
  public final Bijection interpreted() {
    return interpreted;
  }

  @Override
  public final int dim() {
    return interpreted.dim();
  }

  @Override
  public final int conditionDim() {
    return interpreted.conditionDim();
  }

  @Override
  public final int parameterCount() {
    return interpreted.parameterCount();
  }

  @Override
  public final void describeParameters(ParameterLayout.Builder layout, String prefix) {
    interpreted.describeParameters(layout, prefix);
  }

  @Override
  public final String name() {
    return "Compiled(" + interpreted.name() + ")";
  }

  @Override
  public final void initialise(double[] params, int offset, RandomStream rng) {
    interpreted.initialise(params, offset, rng);
  }

  @Override
  public final Workspace newWorkspace(int capacity) {
    return new Scratch(getClass(), Checks.positive("capacity", capacity), batchRows, fixedSizes);
  }

  @Override
  public final void forward(double[] params, int offset, double[] x, double[] cond, double[] y, double[] logDet, int n, Workspace ws) {
    Scratch s = pass(params, offset, "x", x, cond, "y", y, logDet, n, ws);
    runForward(params, offset, x, cond, y, logDet, n, s.batch, s.fixed);
  }

  @Override
  public final void inverse(double[] params, int offset, double[] y, double[] cond, double[] x, double[] logDet, int n, Workspace ws) {
    Scratch s = pass(params, offset, "y", y, cond, "x", x, logDet, n, ws);
    runInverse(params, offset, y, cond, x, logDet, n, s.batch, s.fixed);
  }

  @Override
  public final void forwardBackward(double[] params, int offset, double[] x, double[] cond, double[] y,
      double[] gradY, double[] gradLogDet, double[] gradX, double[] gradParams, int n, Workspace ws) {
    Scratch s = backward(params, offset, "x", x, cond, "y", y, "gradY", gradY, gradLogDet, "gradX", gradX, gradParams, n, ws);
    runForwardBackward(params, offset, x, cond, y, gradY, gradLogDet, gradX, gradParams, n, s.batch, s.fixed);
  }

  @Override
  public final void inverseBackward(double[] params, int offset, double[] y, double[] cond, double[] x,
      double[] gradX, double[] gradLogDet, double[] gradY, double[] gradParams, int n, Workspace ws) {
    Scratch s = backward(params, offset, "y", y, cond, "x", x, "gradX", gradX, gradLogDet, "gradY", gradY, gradParams, n, ws);
    runInverseBackward(params, offset, y, cond, x, gradX, gradLogDet, gradY, gradParams, n, s.batch, s.fixed);
  }

  protected abstract void runForward(double[] p, int o, double[] x, double[] c, double[] y, double[] ld, int n,
      double[][] b, double[][] f);

  protected abstract void runInverse(double[] p, int o, double[] y, double[] c, double[] x, double[] ld, int n,
      double[][] b, double[][] f);

  protected abstract void runForwardBackward(double[] p, int o, double[] x, double[] c, double[] y,
      double[] gy, double[] gld, double[] gx, double[] gp, int n, double[][] b, double[][] f);

  protected abstract void runInverseBackward(double[] p, int o, double[] y, double[] c, double[] x,
      double[] gx, double[] gld, double[] gy, double[] gp, int n, double[][] b, double[][] f);

  private Scratch pass(double[] params, int offset, String inName, double[] in, double[] cond,
      String outName, double[] out, double[] logDet, int n, Workspace ws) {
    Scratch s = scratch(ws, n);
    Checks.params(params, offset, parameterCount());
    Checks.distinctBatches(inName, in, outName, out, dim(), n);
    Checks.perPoint("logDet", logDet, n);
    condition(cond, n);
    return s;
  }

  /** The names are literals, so the success path builds no strings (no allocation). */
  private Scratch backward(double[] params, int offset, String inName, double[] in, double[] cond, String outName,
      double[] out, String gradOutName, double[] gradOut, double[] gradLogDet, String gradInName, double[] gradIn,
      double[] gradParams, int n, Workspace ws) {
    Scratch s = scratch(ws, n);
    Checks.params(params, offset, parameterCount());
    Checks.params("gradParams", gradParams, offset, parameterCount());
    Checks.batch(inName, in, dim(), n);
    Checks.batch(outName, out, dim(), n);
    Checks.distinctBatches(gradInName, gradIn, gradOutName, gradOut, dim(), n);
    Checks.perPoint("gradLogDet", gradLogDet, n);
    condition(cond, n);
    return s;
  }

  private void condition(double[] cond, int n) {
    if (conditionDim() > 0) {
      Checks.batch("cond", cond, conditionDim(), n);
    }
  }

  private Scratch scratch(Workspace ws, int n) {
    if (!(ws instanceof Scratch) || ((Scratch) ws).owner != getClass()) {
      throw new IllegalArgumentException("ws is " + (ws == null ? "null" : ws.getClass().getName())
          + ", expected the workspace made by " + name() + ".newWorkspace(capacity)");
    }
    Checks.batchSize(n, ws);
    return (Scratch) ws;
  }

  /** Batch-sized buffers (stages between layers, network activations, adjoints) and fixed-size ones. */
  private static final class Scratch implements Workspace {
    private final Class<?> owner;
    private final int capacity;
    private final double[][] batch;
    private final double[][] fixed;

    Scratch(Class<?> owner, int capacity, int[] batchRows, int[] fixedSizes) {
      this.owner = owner;
      this.capacity = capacity;
      this.batch = new double[batchRows.length][];
      for (int k = 0; k < batchRows.length; k++) {
        batch[k] = new double[Math.multiplyExact(batchRows[k], capacity)];
      }
      this.fixed = new double[fixedSizes.length][];
      for (int k = 0; k < fixedSizes.length; k++) {
        fixed[k] = new double[fixedSizes[k]];
      }
    }

    @Override
    public int capacity() {
      return capacity;
    }
  }
}
