package dev.flowvi.engine.nn;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link DenseKernels}, loaded only through {@link
 * dev.flowvi.engine.kernel.VectorSupport#choose}. Row primitives use a loopBound body and a scalar
 * tail (masked tails cost 4× on JDK 17, see DESIGN.md); rows shorter than one vector go straight
 * to the scalar loops, creating no vector at all. Whole layers of at least one vector of points run
 * y and dL/dx in register tiles (from JDK 21 on) or in the grouped axpy form (JDK 17), both equal
 * to the layer loop over the row primitives bit for bit, and dL/dW from a point-major copy of x
 * with no lane reduction.
 */
public final class VectorDenseKernels extends ScalarDenseKernels {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final VectorOperators.Unary TANH = VectorOperators.TANH;
  private static final VectorOperators.Unary EXPM1 = VectorOperators.EXPM1;
  private static final VectorOperators.Associative ADD = VectorOperators.ADD;

  /**
   * Register tiles for y and dL/dx from JDK 21 on. On JDK 17, C2 boxed the tiles' vector
   * accumulators in a compiled spline MAF once other tests had run (CompiledFlowAllocationTest: 7 MB
   * per 50 warm rounds, where the axpy form allocates nothing), so there those passes run the grouped
   * axpy form, which gives the same values.
   */
  static final boolean TILES_BY_DEFAULT = Runtime.version().feature() >= 21;

  private final boolean tiles;

  public VectorDenseKernels() {
    this(TILES_BY_DEFAULT);
  }

  /** With {@code tiles} false, y and dL/dx run in the grouped axpy form. */
  VectorDenseKernels(boolean tiles) {
    this.tiles = tiles;
  }

  // Whole layers. The axpy form of the scalar reference does two loads and a store per FMA and is
  // bound by that traffic. A tile keeps UNITS output rows × two vectors of points in registers for
  // the whole sum, loading each input vector once per tile. Every sum still runs over its terms in
  // ascending order with one FMA per term, and the scalar tails use the axpy tail's unfused
  // multiply-add, so y and dL/dx equal the axpy form's (dL/dW: see weightGradient). A masked connection enters a tile as an
  // exact zero weight (see weight): a branch per connection would merge vector accumulators at
  // control-flow joins, which C2 on JDK 17 boxes. With finite inputs a zero term leaves the sum as
  // it was (a −0 sum may become +0); a non-finite input, which makes its point non-finite anyway,
  // then also reaches units of the tile it is not connected to. Inputs that reach no row of a
  // tile are skipped outright, so the structural zeros a tile's rows share cost nothing.

  /** Rows of a tile: output units of the forward pass, inputs of Wᵀ·gy. */
  private static final int UNITS = 4;
  private static final int L = S.length();

  // Both passes are "dst row r = init_r + Σ_t W(r, t)·src row t" over a tile's rows r. Mask entry
  // (r, t) is m0 + r·rowStride + t·termStride and its weight w[wOff + that index]: the forward
  // pass has rows o and terms k (strides in, 1; init the bias), Wᵀ·gy rows k and terms o (strides
  // 1, in; init zero).

  @Override
  public void dense(double[] w, int wOff, double[] b, int bOff, boolean[] mask, int out, int in,
      double[] x, int xOff, double[] y, int yOff, int n) {
    if (n < L) {
      super.dense(w, wOff, b, bOff, mask, out, in, x, xOff, y, yOff, n);
      return;
    }
    if (!tiles) {
      int[] terms = terms(in);
      for (int o = 0; o < out; o++) {
        int yRow = yOff + o * n;
        java.util.Arrays.fill(y, yRow, yRow + n, b[bOff + o]);
        int count = terms(mask, o * in, in, 1, 0, 1, terms);
        accumulate(w, wOff + o * in, 1, terms, count, x, xOff, y, yRow, n);
      }
      return;
    }
    rows(w, wOff, mask, out, in, in, 1, b, bOff, x, xOff, y, yOff, n);
  }

  // The axpy form in groups (JDK 17). Each output row is still the layer loop's sum, term by term in
  // ascending order with the axpy's fused multiply-add (unfused in the scalar tail), so the values
  // are the axpy form's bit for bit; but four terms share one load and one store of the output row,
  // which the plain axpy form pays per term. No vector is carried across loop iterations or calls,
  // the shape C2 on JDK 17 keeps unboxed.

  /**
   * dst row += Σ_e w[w0 + t_e·wStride]·(src row t_e) over the terms t_e = terms[0..count), in
   * order; rows of src are n apart from srcOff.
   */
  private void accumulate(double[] w, int w0, int wStride, int[] terms, int count, double[] src, int srcOff,
      double[] dst, int dstRow, int n) {
    int e = 0;
    for (; e + 4 <= count; e += 4) {
      int t0 = terms[e];
      int t1 = terms[e + 1];
      int t2 = terms[e + 2];
      int t3 = terms[e + 3];
      axpy4(w[w0 + t0 * wStride], srcOff + t0 * n, w[w0 + t1 * wStride], srcOff + t1 * n,
          w[w0 + t2 * wStride], srcOff + t2 * n, w[w0 + t3 * wStride], srcOff + t3 * n, src, dst, dstRow, n);
    }
    for (; e < count; e++) {
      int t = terms[e];
      axpy(w[w0 + t * wStride], src, srcOff + t * n, dst, dstRow, n);
    }
  }

  /** y += a0·x[x0..] then a1·x[x1..], a2·x[x2..], a3·x[x3..], as four {@link #axpy} calls in that order would. */
  private static void axpy4(double a0, int x0, double a1, int x1, double a2, int x2, double a3, int x3,
      double[] x, double[] y, int y0, int len) {
    int bound = S.loopBound(len);
    DoubleVector v0 = DoubleVector.broadcast(S, a0);
    DoubleVector v1 = DoubleVector.broadcast(S, a1);
    DoubleVector v2 = DoubleVector.broadcast(S, a2);
    DoubleVector v3 = DoubleVector.broadcast(S, a3);
    int i = 0;
    for (; i < bound; i += L) {
      DoubleVector acc = DoubleVector.fromArray(S, y, y0 + i);
      acc = DoubleVector.fromArray(S, x, x0 + i).fma(v0, acc);
      acc = DoubleVector.fromArray(S, x, x1 + i).fma(v1, acc);
      acc = DoubleVector.fromArray(S, x, x2 + i).fma(v2, acc);
      acc = DoubleVector.fromArray(S, x, x3 + i).fma(v3, acc);
      acc.intoArray(y, y0 + i);
    }
    for (; i < len; i++) {
      double s = y[y0 + i];
      s += a0 * x[x0 + i];
      s += a1 * x[x1 + i];
      s += a2 * x[x2 + i];
      s += a3 * x[x3 + i];
      y[y0 + i] = s;
    }
  }

  /**
   * dst rows 0..rowCount−1 over all points: tiles of UNITS rows × two vectors, then each row's
   * remaining vectors and scalar tail. {@code init} (from {@code init0}) holds each row's first
   * value, or is null for zero.
   */
  private static void rows(double[] w, int wOff, boolean[] mask, int rowCount, int termCount, int rowStride, int termStride,
      double[] init, int init0, double[] src, int srcOff, double[] dst, int dstOff, int n) {
    int bound = S.loopBound(n);
    int[] terms = terms(termCount);
    int r = 0;
    for (; r + UNITS <= rowCount; r += UNITS) {
      int m0 = r * rowStride;
      int count = terms(mask, m0, termCount, UNITS, rowStride, termStride, terms);
      int i = 0;
      for (; i + 2 * L <= bound; i += 2 * L) {
        tile(w, wOff, mask, m0, rowStride, termStride, terms, count, init, init0 + r, src, srcOff + i, dst, dstOff + r * n + i, n);
      }
      for (int u = r; u < r + UNITS; u++) {
        row(w, wOff, mask, u * rowStride, termCount, termStride, terms, start(init, init0 + u), src, srcOff, dst, dstOff + u * n, n, i, bound);
      }
    }
    for (; r < rowCount; r++) {
      row(w, wOff, mask, r * rowStride, termCount, termStride, terms, start(init, init0 + r), src, srcOff, dst, dstOff + r * n, n, 0, bound);
    }
  }

  private static double start(double[] init, int at) {
    return init == null ? 0.0 : init[at];
  }

  /** UNITS rows from mask row {@code m0} × two vectors of points, over the terms {@code terms[0..count)}. */
  private static void tile(double[] w, int wOff, boolean[] mask, int m0, int rowStride, int termStride, int[] terms, int count,
      double[] init, int init0, double[] src, int s0, double[] dst, int d0, int n) {
    DoubleVector a00 = DoubleVector.broadcast(S, start(init, init0));
    DoubleVector a01 = a00;
    DoubleVector a10 = DoubleVector.broadcast(S, start(init, init0 + 1));
    DoubleVector a11 = a10;
    DoubleVector a20 = DoubleVector.broadcast(S, start(init, init0 + 2));
    DoubleVector a21 = a20;
    DoubleVector a30 = DoubleVector.broadcast(S, start(init, init0 + 3));
    DoubleVector a31 = a30;
    int r1 = rowStride;
    int r2 = 2 * rowStride;
    int r3 = 3 * rowStride;
    for (int e = 0; e < count; e++) {
      int t = terms[e];
      int m = m0 + t * termStride;
      DoubleVector sa = DoubleVector.fromArray(S, src, s0 + t * n);
      DoubleVector sb = DoubleVector.fromArray(S, src, s0 + t * n + L);
      DoubleVector c0 = DoubleVector.broadcast(S, weight(w, wOff, mask, m));
      a00 = sa.fma(c0, a00);
      a01 = sb.fma(c0, a01);
      DoubleVector c1 = DoubleVector.broadcast(S, weight(w, wOff, mask, m + r1));
      a10 = sa.fma(c1, a10);
      a11 = sb.fma(c1, a11);
      DoubleVector c2 = DoubleVector.broadcast(S, weight(w, wOff, mask, m + r2));
      a20 = sa.fma(c2, a20);
      a21 = sb.fma(c2, a21);
      DoubleVector c3 = DoubleVector.broadcast(S, weight(w, wOff, mask, m + r3));
      a30 = sa.fma(c3, a30);
      a31 = sb.fma(c3, a31);
    }
    a00.intoArray(dst, d0);
    a01.intoArray(dst, d0 + L);
    a10.intoArray(dst, d0 + n);
    a11.intoArray(dst, d0 + n + L);
    a20.intoArray(dst, d0 + 2 * n);
    a21.intoArray(dst, d0 + 2 * n + L);
    a30.intoArray(dst, d0 + 3 * n);
    a31.intoArray(dst, d0 + 3 * n + L);
  }

  /** Points from..n−1 of the row at mask row {@code m0}: one vector at a time up to {@code bound}, then scalar. */
  private static void row(double[] w, int wOff, boolean[] mask, int m0, int termCount, int termStride, int[] terms, double init,
      double[] src, int srcOff, double[] dst, int dstRow, int n, int from, int bound) {
    int i = from;
    if (i < bound) {
      int count = terms(mask, m0, termCount, 1, 0, termStride, terms);
      for (; i < bound; i += L) {
        DoubleVector a = DoubleVector.broadcast(S, init);
        for (int e = 0; e < count; e++) {
          int t = terms[e];
          a = DoubleVector.fromArray(S, src, srcOff + t * n + i).fma(DoubleVector.broadcast(S, w[wOff + m0 + t * termStride]), a);
        }
        a.intoArray(dst, dstRow + i);
      }
    }
    for (; i < n; i++) {
      double s = init;
      for (int t = 0; t < termCount; t++) {
        int m = m0 + t * termStride;
        if (mask == null || mask[m]) {
          s += w[wOff + m] * src[srcOff + t * n + i];
        }
      }
      dst[dstRow + i] = s;
    }
  }

  /** The weight at mask index {@code m}, or an exact zero when the connection is absent. */
  private static double weight(double[] w, int wOff, boolean[] mask, int m) {
    return mask == null || mask[m] ? w[wOff + m] : 0.0;
  }

  /** Per-thread list of the terms a tile visits. */
  private static final ThreadLocal<int[]> TERMS = ThreadLocal.withInitial(() -> new int[64]);

  private static int[] terms(int size) {
    int[] t = TERMS.get();
    if (t.length < size) {
      t = new int[Math.max(size, 2 * t.length)];
      TERMS.set(t);
    }
    return t;
  }

  /**
   * Writes into {@code terms}, in ascending order, the terms t that reach any of {@code rows} rows
   * from mask row {@code m0} on, and returns their count: a tile skips the structural zeros its
   * rows share (a MADE output layer's rows of one coordinate share all of them).
   */
  private static int terms(boolean[] mask, int m0, int termCount, int rows, int rowStride, int termStride, int[] terms) {
    int count = 0;
    for (int t = 0; t < termCount; t++) {
      boolean any = mask == null;
      for (int r = 0; r < rows && !any; r++) {
        any = mask[m0 + r * rowStride + t * termStride];
      }
      if (any) {
        terms[count++] = t;
      }
    }
    return count;
  }

  @Override
  public void denseBackward(double[] w, int wOff, boolean[] mask, int out, int in, double[] x, int xOff,
      double[] gy, int gyOff, double[] gx, int gxOff, double[] gw, int gwOff, double[] gb, int gbOff, int n) {
    if (n < L) {
      super.denseBackward(w, wOff, mask, out, in, x, xOff, gy, gyOff, gx, gxOff, gw, gwOff, gb, gbOff, n);
      return;
    }
    if (gw != null) {
      weightGradient(mask, out, in, x, xOff, gy, gyOff, gw, gwOff, n);
    }
    if (gb != null) {
      for (int o = 0; o < out; o++) {
        gb[gbOff + o] += sum(gy, gyOff + o * n, n);
      }
    }
    if (gx != null && !tiles) {
      // gx = Wᵀ·gy in the grouped axpy form: input row k from zero over its connected outputs, ascending.
      int[] terms = terms(out);
      for (int k = 0; k < in; k++) {
        int gxRow = gxOff + k * n;
        java.util.Arrays.fill(gx, gxRow, gxRow + n, 0.0);
        int count = terms(mask, k, out, 1, 0, in, terms);
        accumulate(w, wOff + k, in, terms, count, gy, gyOff, gx, gxRow, n);
      }
    } else if (gx != null) {
      // gx = Wᵀ·gy, each input row summed over the outputs in ascending order from zero, as the axpy form does.
      rows(w, wOff, mask, in, out, 1, in, null, 0, gy, gyOff, gx, gxOff, n);
    }
  }

  // dL/dW. With points in lanes, each gw[o][k] = Σ_i gy[o,i]·x[k,i] would end in a reduction across
  // lanes plus a scalar tail: at the trainer's 125-point chunks those cost as much as the sum itself,
  // and they made dot the largest part of a MADE layer's backward pass (JFR, M1 seed step). So x is
  // first copied point-major (one row of inputs per point, padded with zeros to whole vectors), and
  // a tile of GRADIENT_ROWS outputs × one or two vectors of inputs keeps its sums in registers
  // while it runs through the points in order: no reduction, no tail, and each gw is summed over
  // i = 0..n−1 in order with one fused multiply-add per point, on any JIT tier. Only connected
  // (o, k) are written; the padded and masked lanes are computed and dropped.

  /** Output rows of a weight-gradient tile. */
  private static final int GRADIENT_ROWS = 4;

  /** Per thread: x point-major (see above), and one tile's sums on their way to gw. */
  private static final ThreadLocal<double[][]> GRADIENT_SCRATCH =
      ThreadLocal.withInitial(() -> new double[][] {new double[0], new double[2 * GRADIENT_ROWS * L]});

  private static void weightGradient(boolean[] mask, int out, int in, double[] x, int xOff,
      double[] gy, int gyOff, double[] gw, int gwOff, int n) {
    int vectors = (in + L - 1) / L;
    int stride = vectors * L;
    double[][] scratch = GRADIENT_SCRATCH.get();
    if (scratch[0].length < n * stride) {
      scratch[0] = new double[n * stride];
    }
    double[] xt = scratch[0];
    double[] sums = scratch[1];
    for (int i = 0; i < n; i++) {
      int row = i * stride;
      for (int k = 0; k < in; k++) {
        xt[row + k] = x[xOff + k * n + i];
      }
      java.util.Arrays.fill(xt, row + in, row + stride, 0.0);
    }
    int o = 0;
    for (; o + GRADIENT_ROWS <= out; o += GRADIENT_ROWS) {
      int g = gyOff + o * n;
      int v = 0;
      for (; v + 2 <= vectors; v += 2) {
        if (anyConnected(mask, o, GRADIENT_ROWS, in, v * L, 2 * L)) {
          gradientTile(gy, g, n, xt, v * L, stride, sums);
          addConnected(sums, 2 * L, mask, o, GRADIENT_ROWS, in, v * L, gw, gwOff);
        }
      }
      if (v < vectors && anyConnected(mask, o, GRADIENT_ROWS, in, v * L, L)) {
        gradientTileOneVector(gy, g, n, xt, v * L, stride, sums);
        addConnected(sums, L, mask, o, GRADIENT_ROWS, in, v * L, gw, gwOff);
      }
    }
    for (; o < out; o++) {
      for (int v = 0; v < vectors; v++) {
        if (anyConnected(mask, o, 1, in, v * L, L)) {
          gradientRow(gy, gyOff + o * n, n, xt, v * L, stride, sums);
          addConnected(sums, L, mask, o, 1, in, v * L, gw, gwOff);
        }
      }
    }
  }

  /** Whether any of rows o..o+rows−1 connects to an input in [k0, k0 + width) (all do without a mask). */
  private static boolean anyConnected(boolean[] mask, int o, int rows, int in, int k0, int width) {
    if (mask == null) {
      return true;
    }
    int k1 = Math.min(in, k0 + width);
    for (int r = o; r < o + rows; r++) {
      for (int k = k0; k < k1; k++) {
        if (mask[r * in + k]) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * gw[r][k] += sums[(r − o)·width + k − k0] for the connected (r, k) of rows o..o+rows−1 and
   * inputs k0..min(in, k0 + width)−1.
   */
  private static void addConnected(double[] sums, int width, boolean[] mask, int o, int rows, int in, int k0,
      double[] gw, int gwOff) {
    int k1 = Math.min(in, k0 + width);
    for (int r = 0; r < rows; r++) {
      int m0 = (o + r) * in;
      for (int k = k0; k < k1; k++) {
        if (mask == null || mask[m0 + k]) {
          gw[gwOff + m0 + k] += sums[r * width + k - k0];
        }
      }
    }
  }

  /** Σ_i gy[row r, i]·xt[i, k0 .. k0 + 2L) for GRADIENT_ROWS rows from {@code g}, into sums (rows of 2L). */
  private static void gradientTile(double[] gy, int g, int n, double[] xt, int k0, int stride, double[] sums) {
    DoubleVector a00 = DoubleVector.zero(S);
    DoubleVector a01 = a00;
    DoubleVector a10 = a00;
    DoubleVector a11 = a00;
    DoubleVector a20 = a00;
    DoubleVector a21 = a00;
    DoubleVector a30 = a00;
    DoubleVector a31 = a00;
    for (int i = 0; i < n; i++) {
      int p = i * stride + k0;
      DoubleVector xa = DoubleVector.fromArray(S, xt, p);
      DoubleVector xb = DoubleVector.fromArray(S, xt, p + L);
      DoubleVector c0 = DoubleVector.broadcast(S, gy[g + i]);
      a00 = xa.fma(c0, a00);
      a01 = xb.fma(c0, a01);
      DoubleVector c1 = DoubleVector.broadcast(S, gy[g + n + i]);
      a10 = xa.fma(c1, a10);
      a11 = xb.fma(c1, a11);
      DoubleVector c2 = DoubleVector.broadcast(S, gy[g + 2 * n + i]);
      a20 = xa.fma(c2, a20);
      a21 = xb.fma(c2, a21);
      DoubleVector c3 = DoubleVector.broadcast(S, gy[g + 3 * n + i]);
      a30 = xa.fma(c3, a30);
      a31 = xb.fma(c3, a31);
    }
    a00.intoArray(sums, 0);
    a01.intoArray(sums, L);
    a10.intoArray(sums, 2 * L);
    a11.intoArray(sums, 3 * L);
    a20.intoArray(sums, 4 * L);
    a21.intoArray(sums, 5 * L);
    a30.intoArray(sums, 6 * L);
    a31.intoArray(sums, 7 * L);
  }

  /** {@link #gradientTile} over one vector of inputs (sums in rows of L). */
  private static void gradientTileOneVector(double[] gy, int g, int n, double[] xt, int k0, int stride, double[] sums) {
    DoubleVector a0 = DoubleVector.zero(S);
    DoubleVector a1 = a0;
    DoubleVector a2 = a0;
    DoubleVector a3 = a0;
    for (int i = 0; i < n; i++) {
      DoubleVector xa = DoubleVector.fromArray(S, xt, i * stride + k0);
      a0 = xa.fma(DoubleVector.broadcast(S, gy[g + i]), a0);
      a1 = xa.fma(DoubleVector.broadcast(S, gy[g + n + i]), a1);
      a2 = xa.fma(DoubleVector.broadcast(S, gy[g + 2 * n + i]), a2);
      a3 = xa.fma(DoubleVector.broadcast(S, gy[g + 3 * n + i]), a3);
    }
    a0.intoArray(sums, 0);
    a1.intoArray(sums, L);
    a2.intoArray(sums, 2 * L);
    a3.intoArray(sums, 3 * L);
  }

  /** One output row's sums over one vector of inputs. */
  private static void gradientRow(double[] gy, int g, int n, double[] xt, int k0, int stride, double[] sums) {
    DoubleVector a = DoubleVector.zero(S);
    for (int i = 0; i < n; i++) {
      a = DoubleVector.fromArray(S, xt, i * stride + k0).fma(DoubleVector.broadcast(S, gy[g + i]), a);
    }
    a.intoArray(sums, 0);
  }

  @Override
  public void axpy(double a, double[] x, int xOff, double[] y, int yOff, int len) {
    int bound = S.loopBound(len);
    int i = 0;
    if (bound == 0) {
      super.axpy(a, x, xOff, y, yOff, len);
      return;
    }
    DoubleVector va = DoubleVector.broadcast(S, a);
    for (; i < bound; i += S.length()) {
      DoubleVector vx = DoubleVector.fromArray(S, x, xOff + i);
      DoubleVector vy = DoubleVector.fromArray(S, y, yOff + i);
      vx.fma(va, vy).intoArray(y, yOff + i);
    }
    for (; i < len; i++) {
      y[yOff + i] += a * x[xOff + i];
    }
  }

  @Override
  public double dot(double[] a, int aOff, double[] b, int bOff, int len) {
    int bound = S.loopBound(len);
    if (bound == 0) {
      return super.dot(a, aOff, b, bOff, len);
    }
    DoubleVector acc = DoubleVector.zero(S);
    int i = 0;
    for (; i < bound; i += S.length()) {
      acc = DoubleVector.fromArray(S, a, aOff + i).fma(DoubleVector.fromArray(S, b, bOff + i), acc);
    }
    double s = acc.reduceLanes(ADD);
    for (; i < len; i++) {
      s += a[aOff + i] * b[bOff + i];
    }
    return s;
  }

  /**
   * The masked row dot of a one-point layer: lanes whose connection is absent keep the
   * accumulator (a masked add, so a masked-out weight never reaches the sum, even as NaN).
   */
  @Override
  double maskedDot(double[] w, int wOff, boolean[] mask, int maskOff, double[] x, int xOff, int len) {
    int bound = S.loopBound(len);
    if (mask == null || bound == 0) {
      return super.maskedDot(w, wOff, mask, maskOff, x, xOff, len);
    }
    DoubleVector acc = DoubleVector.zero(S);
    int i = 0;
    for (; i < bound; i += S.length()) {
      VectorMask<Double> on = VectorMask.fromArray(S, mask, maskOff + i);
      acc = acc.add(DoubleVector.fromArray(S, w, wOff + i).mul(DoubleVector.fromArray(S, x, xOff + i)), on);
    }
    double s = acc.reduceLanes(ADD);
    for (; i < len; i++) {
      if (mask[maskOff + i]) {
        s += w[wOff + i] * x[xOff + i];
      }
    }
    return s;
  }

  @Override
  public double sum(double[] a, int aOff, int len) {
    int bound = S.loopBound(len);
    if (bound == 0) {
      return super.sum(a, aOff, len);
    }
    DoubleVector acc = DoubleVector.zero(S);
    int i = 0;
    for (; i < bound; i += S.length()) {
      acc = acc.add(DoubleVector.fromArray(S, a, aOff + i));
    }
    double s = acc.reduceLanes(ADD);
    for (; i < len; i++) {
      s += a[aOff + i];
    }
    return s;
  }

  @Override
  public void activate(Activation act, double[] z, int zOff, double[] h, int hOff, int len) {
    int bound = S.loopBound(len);
    int i = 0;
    switch (act) {
      case RELU:
        for (; i < bound; i += S.length()) {
          DoubleVector.fromArray(S, z, zOff + i).max(0.0).intoArray(h, hOff + i);
        }
        break;
      case TANH:
        for (; i < bound; i += S.length()) {
          DoubleVector.fromArray(S, z, zOff + i).lanewise(TANH).intoArray(h, hOff + i);
        }
        break;
      default:
        for (; i < bound; i += S.length()) {
          DoubleVector v = DoubleVector.fromArray(S, z, zOff + i);
          VectorMask<Double> pos = v.compare(VectorOperators.GT, 0.0);
          v.lanewise(EXPM1).blend(v, pos).intoArray(h, hOff + i);
        }
        break;
    }
    for (; i < len; i++) {
      h[hOff + i] = act.value(z[zOff + i]);
    }
  }

  @Override
  public void activateBackward(Activation act, double[] z, int zOff, double[] h, int hOff,
      double[] gh, int ghOff, double[] gz, int gzOff, int len) {
    int bound = S.loopBound(len);
    int i = 0;
    switch (act) {
      case RELU:
        for (; i < bound; i += S.length()) {
          VectorMask<Double> pos = DoubleVector.fromArray(S, z, zOff + i).compare(VectorOperators.GT, 0.0);
          DoubleVector.zero(S).blend(DoubleVector.fromArray(S, gh, ghOff + i), pos).intoArray(gz, gzOff + i);
        }
        break;
      case TANH:
        for (; i < bound; i += S.length()) {
          DoubleVector vh = DoubleVector.fromArray(S, h, hOff + i);
          DoubleVector d = vh.neg().fma(vh, DoubleVector.broadcast(S, 1.0));
          DoubleVector.fromArray(S, gh, ghOff + i).mul(d).intoArray(gz, gzOff + i);
        }
        break;
      default:
        for (; i < bound; i += S.length()) {
          VectorMask<Double> pos = DoubleVector.fromArray(S, z, zOff + i).compare(VectorOperators.GT, 0.0);
          DoubleVector d = DoubleVector.fromArray(S, h, hOff + i).add(1.0).blend(1.0, pos);
          DoubleVector.fromArray(S, gh, ghOff + i).mul(d).intoArray(gz, gzOff + i);
        }
        break;
    }
    for (; i < len; i++) {
      gz[gzOff + i] = gh[ghOff + i] * act.derivative(z[zOff + i], h[hOff + i]);
    }
  }
}
