package dev.flowvi.engine.bijection;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;
import java.util.List;

/**
 * A different bijection on each block of coordinates: part k maps coordinates
 * [start_k, start_k + dim_k), the blocks in list order, and the dims sum to the stack's dim. The
 * Jacobian is block diagonal, so the log-dets add. Parameters are consecutive blocks in part order.
 *
 * <p>Because a coordinate block is a contiguous run of a feature-major batch but parts read from
 * index 0, each block is copied into workspace buffers around the part's pass.
 */
public final class Stack implements Bijection {
  private final Bijection[] parts;
  private final int[] starts;
  private final int[] offsets;
  private final int dim;
  private final int maxPartDim;
  private final int conditionDim;
  private final int parameterCount;

  private Stack(Bijection[] parts) {
    this.parts = parts;
    this.starts = new int[parts.length];
    this.offsets = new int[parts.length];
    this.conditionDim = Composites.commonConditionDim(parts, "Stack");
    int d = 0;
    int count = 0;
    int max = 0;
    for (int k = 0; k < parts.length; k++) {
      starts[k] = d;
      offsets[k] = count;
      d = Math.addExact(d, parts[k].dim());
      count = Math.addExact(count, parts[k].parameterCount());
      max = Math.max(max, parts[k].dim());
    }
    this.dim = d;
    this.parameterCount = count;
    this.maxPartDim = max;
  }

  /** Stacks {@code parts} on consecutive coordinate blocks; the stack's dim is the sum of theirs. */
  public static Stack of(Bijection... parts) {
    return new Stack(Composites.nonEmpty(parts, "parts"));
  }

  /** As {@link #of(Bijection...)}, checking that the block dims sum to {@code dim}. */
  public static Stack of(int dim, List<? extends Bijection> parts) {
    Stack s = of(parts == null ? null : parts.toArray(new Bijection[0]));
    if (s.dim != dim) {
      StringBuilder dims = new StringBuilder();
      for (Bijection b : s.parts) {
        dims.append(dims.length() == 0 ? "" : " + ").append(b.dim());
      }
      throw new IllegalArgumentException("block dims sum to " + dims + " = " + s.dim + ", expected " + dim);
    }
    return s;
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
      parts[k].describeParameters(layout, prefix + "stack." + k + ".");
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
    return new Scratch(Checks.positive("capacity", capacity), parts, maxPartDim);
  }

  @Override
  public void forward(double[] params, int offset, double[] x, double[] cond, double[] y, double[] logDet, int n, Workspace ws) {
    PassChecks.pass(this, params, offset, "x", x, cond, "y", y, logDet, n, ws);
    Scratch s = PassChecks.workspace(Scratch.class, ws, name());
    for (int k = 0; k < parts.length; k++) {
      copyIn(x, k, s.in, n);
      parts[k].forward(params, offset + offsets[k], s.in, partCond(k, cond), s.out, logDet, n, s.parts[k]);
      copyOut(s.out, k, y, n);
    }
  }

  @Override
  public void inverse(double[] params, int offset, double[] y, double[] cond, double[] x, double[] logDet, int n, Workspace ws) {
    PassChecks.pass(this, params, offset, "y", y, cond, "x", x, logDet, n, ws);
    Scratch s = PassChecks.workspace(Scratch.class, ws, name());
    for (int k = 0; k < parts.length; k++) {
      copyIn(y, k, s.out, n);
      parts[k].inverse(params, offset + offsets[k], s.out, partCond(k, cond), s.in, logDet, n, s.parts[k]);
      copyOut(s.in, k, x, n);
    }
  }

  @Override
  public void forwardBackward(double[] params, int offset, double[] x, double[] cond, double[] y,
      double[] gradY, double[] gradLogDet, double[] gradX, double[] gradParams, int n, Workspace ws) {
    PassChecks.backward(this, params, offset, "x", x, cond, "y", y, gradY, gradLogDet, gradX, gradParams, n, ws);
    Scratch s = PassChecks.workspace(Scratch.class, ws, name());
    for (int k = 0; k < parts.length; k++) {
      copyIn(x, k, s.in, n);
      copyIn(y, k, s.out, n);
      copyIn(gradY, k, s.gradOut, n);
      parts[k].forwardBackward(params, offset + offsets[k], s.in, partCond(k, cond), s.out, s.gradOut, gradLogDet, s.gradIn, gradParams, n, s.parts[k]);
      copyOut(s.gradIn, k, gradX, n);
    }
  }

  @Override
  public void inverseBackward(double[] params, int offset, double[] y, double[] cond, double[] x,
      double[] gradX, double[] gradLogDet, double[] gradY, double[] gradParams, int n, Workspace ws) {
    PassChecks.backward(this, params, offset, "y", y, cond, "x", x, gradX, gradLogDet, gradY, gradParams, n, ws);
    Scratch s = PassChecks.workspace(Scratch.class, ws, name());
    for (int k = 0; k < parts.length; k++) {
      copyIn(y, k, s.out, n);
      copyIn(x, k, s.in, n);
      copyIn(gradX, k, s.gradIn, n);
      parts[k].inverseBackward(params, offset + offsets[k], s.out, partCond(k, cond), s.in, s.gradIn, gradLogDet, s.gradOut, gradParams, n, s.parts[k]);
      copyOut(s.gradOut, k, gradY, n);
    }
  }

  /** Copies block k of a full batch to the start of {@code block}. */
  private void copyIn(double[] full, int k, double[] block, int n) {
    System.arraycopy(full, starts[k] * n, block, 0, parts[k].dim() * n);
  }

  private void copyOut(double[] block, int k, double[] full, int n) {
    System.arraycopy(block, 0, full, starts[k] * n, parts[k].dim() * n);
  }

  private double[] partCond(int k, double[] cond) {
    return parts[k].conditionDim() > 0 ? cond : null;
  }

  /** One block's input, output and their gradients, sized for the widest part, and the parts' workspaces. */
  private static final class Scratch implements Workspace {
    private final int capacity;
    private final double[] in;
    private final double[] out;
    private final double[] gradIn;
    private final double[] gradOut;
    private final Workspace[] parts;

    Scratch(int capacity, Bijection[] bijections, int maxPartDim) {
      this.capacity = capacity;
      int size = Math.multiplyExact(maxPartDim, capacity);
      this.in = new double[size];
      this.out = new double[size];
      this.gradIn = new double[size];
      this.gradOut = new double[size];
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
