package dev.flowvi.engine.bijection;

import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;

/**
 * A bijection whose parameters the optimiser leaves alone: its layout blocks are marked frozen
 * (FlowJAX's {@code non_trainable}), while the parameters stay in the flat vector, so a flow file
 * saves them and {@link dev.flowvi.engine.io.FlowFile} restores them. Every pass is the wrapped bijection's.
 */
public final class Frozen implements Bijection {
  private final Bijection inner;

  private Frozen(Bijection inner) {
    this.inner = inner;
  }

  public static Frozen of(Bijection inner) {
    if (inner == null) {
      throw new IllegalArgumentException("inner is null, expected a bijection to freeze");
    }
    return new Frozen(inner);
  }

  /** The wrapped bijection, for code generators. */
  public Bijection inner() {
    return inner;
  }

  @Override
  public int dim() {
    return inner.dim();
  }

  @Override
  public int conditionDim() {
    return inner.conditionDim();
  }

  @Override
  public int parameterCount() {
    return inner.parameterCount();
  }

  @Override
  public void describeParameters(ParameterLayout.Builder layout, String prefix) {
    layout.beginFrozen();
    inner.describeParameters(layout, prefix + "frozen.");
    layout.endFrozen();
  }

  @Override
  public String name() {
    return "Frozen(" + inner.name() + ")";
  }

  @Override
  public void initialise(double[] params, int offset, RandomStream rng) {
    inner.initialise(params, offset, rng);
  }

  @Override
  public Workspace newWorkspace(int capacity) {
    return inner.newWorkspace(capacity);
  }

  @Override
  public void forward(double[] params, int offset, double[] x, double[] cond, double[] y, double[] logDet, int n, Workspace ws) {
    inner.forward(params, offset, x, cond, y, logDet, n, ws);
  }

  @Override
  public void inverse(double[] params, int offset, double[] y, double[] cond, double[] x, double[] logDet, int n, Workspace ws) {
    inner.inverse(params, offset, y, cond, x, logDet, n, ws);
  }

  @Override
  public void forwardBackward(double[] params, int offset, double[] x, double[] cond, double[] y,
      double[] gradY, double[] gradLogDet, double[] gradX, double[] gradParams, int n, Workspace ws) {
    inner.forwardBackward(params, offset, x, cond, y, gradY, gradLogDet, gradX, gradParams, n, ws);
  }

  @Override
  public void inverseBackward(double[] params, int offset, double[] y, double[] cond, double[] x,
      double[] gradX, double[] gradLogDet, double[] gradY, double[] gradParams, int n, Workspace ws) {
    inner.inverseBackward(params, offset, y, cond, x, gradX, gradLogDet, gradY, gradParams, n, ws);
  }
}
