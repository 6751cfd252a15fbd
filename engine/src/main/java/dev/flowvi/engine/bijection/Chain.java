package dev.flowvi.engine.bijection;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;
import java.util.List;

/**
 * The composition y = f_{K−1}(… f_1(f_0(x))): parts apply in list order, their log-dets add, and
 * their parameters are consecutive blocks in the same order. The intermediate batches live in the
 * chain's workspace, where the backward passes find them.
 *
 * <p>Parts may be conditional; all conditional parts must share one conditionDim, which is the
 * chain's. Each conditional part gets the chain's {@code cond}, the others {@code null}.
 */
public final class Chain implements Bijection {
  private final Bijection[] parts;
  private final int[] offsets;
  private final int dim;
  private final int conditionDim;
  private final int parameterCount;

  private Chain(Bijection[] parts) {
    this.parts = parts;
    this.dim = parts[0].dim();
    this.offsets = new int[parts.length];
    this.conditionDim = Composites.commonConditionDim(parts, "Chain");
    int count = 0;
    for (int k = 0; k < parts.length; k++) {
      Checks.sameDim("part 0 of the chain", dim, "part " + k + " (" + parts[k].name() + ")", parts[k].dim());
      offsets[k] = count;
      count = Math.addExact(count, parts[k].parameterCount());
    }
    this.parameterCount = count;
  }

  /** Applies {@code parts} in order; at least one, all of the same dim. */
  public static Chain of(Bijection... parts) {
    return new Chain(Composites.nonEmpty(parts, "parts"));
  }

  public static Chain of(List<? extends Bijection> parts) {
    return of(parts == null ? null : parts.toArray(new Bijection[0]));
  }

  public List<Bijection> parts() {
    return List.of(parts);
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public int conditionDim() {
    return conditionDim;
  }

  @Override
  public int parameterCount() {
    return parameterCount;
  }

  @Override
  public void describeParameters(ParameterLayout.Builder layout, String prefix) {
    for (int k = 0; k < parts.length; k++) {
      parts[k].describeParameters(layout, prefix + "chain." + k + ".");
    }
  }

  @Override
  public void initialise(double[] params, int offset, RandomStream rng) {
    Checks.params(params, offset, parameterCount);
    for (int k = 0; k < parts.length; k++) {
      parts[k].initialise(params, offset + offsets[k], rng);
    }
  }

  @Override
  public Workspace newWorkspace(int capacity) {
    return new Scratch(Checks.positive("capacity", capacity), parts, dim);
  }

  @Override
  public void forward(double[] params, int offset, double[] x, double[] cond, double[] y, double[] logDet, int n, Workspace ws) {
    PassChecks.pass(this, params, offset, "x", x, cond, "y", y, logDet, n, ws);
    Scratch s = PassChecks.workspace(Scratch.class, ws, name());
    int last = parts.length - 1;
    double[] in = x;
    for (int k = 0; k <= last; k++) {
      double[] out = k == last ? y : s.between[k];
      parts[k].forward(params, offset + offsets[k], in, partCond(k, cond), out, logDet, n, s.parts[k]);
      in = out;
    }
  }

  @Override
  public void inverse(double[] params, int offset, double[] y, double[] cond, double[] x, double[] logDet, int n, Workspace ws) {
    PassChecks.pass(this, params, offset, "y", y, cond, "x", x, logDet, n, ws);
    Scratch s = PassChecks.workspace(Scratch.class, ws, name());
    double[] in = y;
    for (int k = parts.length - 1; k >= 0; k--) {
      double[] out = k == 0 ? x : s.between[k - 1];
      parts[k].inverse(params, offset + offsets[k], in, partCond(k, cond), out, logDet, n, s.parts[k]);
      in = out;
    }
  }

  @Override
  public void forwardBackward(double[] params, int offset, double[] x, double[] cond, double[] y,
      double[] gradY, double[] gradLogDet, double[] gradX, double[] gradParams, int n, Workspace ws) {
    PassChecks.backward(this, params, offset, "x", x, cond, "y", y, gradY, gradLogDet, gradX, gradParams, n, ws);
    Scratch s = PassChecks.workspace(Scratch.class, ws, name());
    int last = parts.length - 1;
    double[] g = gradY;
    for (int k = last; k >= 0; k--) {
      double[] in = k == 0 ? x : s.between[k - 1];
      double[] out = k == last ? y : s.between[k];
      double[] gradIn = k == 0 ? gradX : s.grad[(last - k) & 1];
      parts[k].forwardBackward(params, offset + offsets[k], in, partCond(k, cond), out, g, gradLogDet, gradIn, gradParams, n, s.parts[k]);
      g = gradIn;
    }
  }

  @Override
  public void inverseBackward(double[] params, int offset, double[] y, double[] cond, double[] x,
      double[] gradX, double[] gradLogDet, double[] gradY, double[] gradParams, int n, Workspace ws) {
    PassChecks.backward(this, params, offset, "y", y, cond, "x", x, gradX, gradLogDet, gradY, gradParams, n, ws);
    Scratch s = PassChecks.workspace(Scratch.class, ws, name());
    int last = parts.length - 1;
    double[] g = gradX;
    for (int k = 0; k <= last; k++) {
      double[] in = k == last ? y : s.between[k];
      double[] out = k == 0 ? x : s.between[k - 1];
      double[] gradIn = k == last ? gradY : s.grad[k & 1];
      parts[k].inverseBackward(params, offset + offsets[k], in, partCond(k, cond), out, g, gradLogDet, gradIn, gradParams, n, s.parts[k]);
      g = gradIn;
    }
  }

  private double[] partCond(int k, double[] cond) {
    return parts[k].conditionDim() > 0 ? cond : null;
  }

  /** Batches between consecutive parts, two gradient buffers used alternately, and the parts' workspaces. */
  private static final class Scratch implements Workspace {
    private final int capacity;
    private final double[][] between;
    private final double[][] grad;
    private final Workspace[] parts;

    Scratch(int capacity, Bijection[] bijections, int dim) {
      this.capacity = capacity;
      int size = Math.multiplyExact(dim, capacity);
      this.between = new double[bijections.length - 1][size];
      this.grad = bijections.length > 1 ? new double[2][size] : new double[0][];
      this.parts = new Workspace[bijections.length];
      for (int k = 0; k < bijections.length; k++) {
        parts[k] = bijections[k].newWorkspace(capacity);
      }
    }

    @Override
    public int capacity() {
      return capacity;
    }
  }
}
