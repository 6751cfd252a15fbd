package dev.flowvi.engine.bijection;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;
import java.util.Arrays;

/**
 * Applies one scalar {@link Transformer} to every coordinate, with its own raw parameters per
 * coordinate shared by all points. The parameter block has shape [dim, P]: value p of coordinate j
 * is at {@code offset + j*P + p}. Each pass broadcasts a coordinate's P values across the batch in
 * the workspace, hands the transformer the per-point layout it expects, and sums its per-point
 * raw gradients back over the points.
 */
public final class Elementwise implements Bijection {
  private final Transformer transformer;
  private final int dim;
  private final int perCoordinate;

  private Elementwise(Transformer transformer, int dim) {
    this.transformer = transformer;
    this.dim = dim;
    this.perCoordinate = transformer.parameterCount();
  }

  public static Elementwise of(Transformer transformer, int dim) {
    if (transformer == null) {
      throw new IllegalArgumentException("transformer must not be null");
    }
    Checks.positive("dim", dim);
    if ((long) dim * transformer.parameterCount() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("dim is " + dim + ", expected dim × " + transformer.parameterCount()
          + " parameters to fit a Java array");
    }
    return new Elementwise(transformer, dim);
  }

  public Transformer transformer() {
    return transformer;
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public int parameterCount() {
    return dim * perCoordinate;
  }

  @Override
  public String name() {
    return transformer.name();
  }

  @Override
  public void describeParameters(ParameterLayout.Builder layout, String prefix) {
    layout.add(prefix + name(), dim, perCoordinate);
  }

  /** Every coordinate starts at the transformer's identity. */
  @Override
  public void initialise(double[] params, int offset, RandomStream rng) {
    Checks.params(params, offset, parameterCount());
    for (int j = 0; j < dim; j++) {
      transformer.identity(params, offset + j * perCoordinate);
    }
  }

  @Override
  public Workspace newWorkspace(int capacity) {
    Checks.positive("capacity", capacity);
    if ((long) capacity * perCoordinate > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("capacity is " + capacity + ", expected capacity × " + perCoordinate
          + " raw values to fit a Java array");
    }
    return new Scratch(capacity, capacity * perCoordinate);
  }

  @Override
  public void forward(double[] params, int offset, double[] x, double[] cond, double[] y, double[] logDet, int n, Workspace ws) {
    Scratch s = check(params, offset, x, "x", y, "y", logDet, "logDet", n, ws);
    for (int j = 0; j < dim; j++) {
      broadcast(params, offset + j * perCoordinate, s.raw, n);
      transformer.forward(s.raw, 0, n, x, j * n, y, j * n, logDet, n);
    }
  }

  @Override
  public void inverse(double[] params, int offset, double[] y, double[] cond, double[] x, double[] logDet, int n, Workspace ws) {
    Scratch s = check(params, offset, y, "y", x, "x", logDet, "logDet", n, ws);
    for (int j = 0; j < dim; j++) {
      broadcast(params, offset + j * perCoordinate, s.raw, n);
      transformer.inverse(s.raw, 0, n, y, j * n, x, j * n, logDet, n);
    }
  }

  @Override
  public void forwardBackward(double[] params, int offset, double[] x, double[] cond, double[] y,
      double[] gradY, double[] gradLogDet, double[] gradX, double[] gradParams, int n, Workspace ws) {
    Scratch s = check(params, offset, x, "x", y, "y", gradLogDet, "gradLogDet", n, ws);
    Checks.batch("gradY", gradY, dim, n);
    Checks.batch("gradX", gradX, dim, n);
    checkGradParams(gradParams, offset);
    for (int j = 0; j < dim; j++) {
      broadcast(params, offset + j * perCoordinate, s.raw, n);
      transformer.forwardBackward(s.raw, 0, n, x, j * n, y, j * n, gradY, j * n, gradLogDet, gradX, j * n, s.gradRaw, 0, n);
      sumOverPoints(s.gradRaw, gradParams, offset + j * perCoordinate, n);
    }
  }

  @Override
  public void inverseBackward(double[] params, int offset, double[] y, double[] cond, double[] x,
      double[] gradX, double[] gradLogDet, double[] gradY, double[] gradParams, int n, Workspace ws) {
    Scratch s = check(params, offset, y, "y", x, "x", gradLogDet, "gradLogDet", n, ws);
    Checks.batch("gradX", gradX, dim, n);
    Checks.batch("gradY", gradY, dim, n);
    checkGradParams(gradParams, offset);
    for (int j = 0; j < dim; j++) {
      broadcast(params, offset + j * perCoordinate, s.raw, n);
      transformer.inverseBackward(s.raw, 0, n, y, j * n, x, j * n, gradX, j * n, gradLogDet, gradY, j * n, s.gradRaw, 0, n);
      sumOverPoints(s.gradRaw, gradParams, offset + j * perCoordinate, n);
    }
  }

  @Override
  public String toString() {
    return "Elementwise(" + transformer + ", dim=" + dim + ")";
  }

  private void broadcast(double[] params, int from, double[] raw, int n) {
    for (int p = 0; p < perCoordinate; p++) {
      Arrays.fill(raw, p * n, p * n + n, params[from + p]);
    }
  }

  private void sumOverPoints(double[] gradRaw, double[] gradParams, int to, int n) {
    for (int p = 0; p < perCoordinate; p++) {
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += gradRaw[p * n + i];
      }
      gradParams[to + p] += sum;
    }
  }

  private void checkGradParams(double[] gradParams, int offset) {
    long need = (long) offset + parameterCount();
    if (gradParams == null || offset < 0 || gradParams.length < need) {
      throw new IllegalArgumentException("gradParams has length " + (gradParams == null ? "null" : String.valueOf(gradParams.length))
          + ", expected at least " + need + " (" + parameterCount() + " values at offset " + offset + ")");
    }
  }

  private Scratch check(double[] params, int offset, double[] in, String inName, double[] out, String outName,
      double[] perPoint, String perPointName, int n, Workspace ws) {
    if (!(ws instanceof Scratch)) {
      throw new IllegalArgumentException("workspace is " + ws + ", expected one made by this bijection's newWorkspace");
    }
    Checks.batchSize(n, ws);
    Checks.params(params, offset, parameterCount());
    Checks.distinctBatches(inName, in, outName, out, dim, n);
    Checks.perPoint(perPointName, perPoint, n);
    return (Scratch) ws;
  }

  /** One coordinate's raw parameters broadcast over the batch, and their per-point gradients. */
  private static final class Scratch implements Workspace {
    private final int capacity;
    final double[] raw;
    final double[] gradRaw;

    Scratch(int capacity, int size) {
      this.capacity = capacity;
      this.raw = new double[size];
      this.gradRaw = new double[size];
    }

    @Override
    public int capacity() {
      return capacity;
    }
  }
}
