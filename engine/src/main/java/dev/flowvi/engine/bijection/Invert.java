package dev.flowvi.engine.bijection;

import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;

/**
 * The inverse of a bijection: its forward pass is the inner inverse pass and vice versa, backward
 * passes included. The parameters and their layout are the inner bijection's, unchanged. This is
 * how a flow trades which direction is one pass (FlowJAX's {@code invert}).
 */
public final class Invert implements Bijection {
  private final Bijection inner;

  private Invert(Bijection inner) {
    this.inner = inner;
  }

  public static Invert of(Bijection inner) {
    if (inner == null) {
      throw new IllegalArgumentException("inner is null, expected a bijection to invert");
    }
    return new Invert(inner);
  }

  public Bijection inner() {
    return inner;
  }

  @Override
  public String name() {
    return "Invert(" + inner.name() + ")";
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
    inner.describeParameters(layout, prefix);
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
    inner.inverse(params, offset, x, cond, y, logDet, n, ws);
  }

  @Override
  public void inverse(double[] params, int offset, double[] y, double[] cond, double[] x, double[] logDet, int n, Workspace ws) {
    inner.forward(params, offset, y, cond, x, logDet, n, ws);
  }

  @Override
  public void forwardBackward(double[] params, int offset, double[] x, double[] cond, double[] y,
      double[] gradY, double[] gradLogDet, double[] gradX, double[] gradParams, int n, Workspace ws) {
    inner.inverseBackward(params, offset, x, cond, y, gradY, gradLogDet, gradX, gradParams, n, ws);
  }

  @Override
  public void inverseBackward(double[] params, int offset, double[] y, double[] cond, double[] x,
      double[] gradX, double[] gradLogDet, double[] gradY, double[] gradParams, int n, Workspace ws) {
    inner.forwardBackward(params, offset, y, cond, x, gradX, gradLogDet, gradY, gradParams, n, ws);
  }
}
