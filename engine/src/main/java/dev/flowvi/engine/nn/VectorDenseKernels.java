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
 * in register tiles (from JDK 21 on) that give the layer loop's values over the row primitives (to
 * a lane reduction's round-off for dL/dW).
 */
public final class VectorDenseKernels extends ScalarDenseKernels {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final VectorOperators.Unary TANH = VectorOperators.TANH;
  private static final VectorOperators.Unary EXPM1 = VectorOperators.EXPM1;
  private static final VectorOperators.Associative ADD = VectorOperators.ADD;

  /**
   * Register tiles from JDK 21 on. On JDK 17, C2 boxed the tiles' vector accumulators in a compiled
   * spline MAF once other tests had run (CompiledFlowAllocationTest: 7 MB per 50 warm rounds, where
   * the axpy form allocates nothing), so there the layers keep the axpy form, which gives the same
   * values.
   */
  static final boolean TILES_BY_DEFAULT = Runtime.version().feature() >= 21;

  private final boolean tiles;

  public VectorDenseKernels() {
    this(TILES_BY_DEFAULT);
  }

  /** With {@code tiles} false, whole layers run as the layer loop over the vector row primitives. */
  VectorDenseKernels(boolean tiles) {
    this.tiles = tiles;
  }

  // Whole layers. The axpy form of the scalar reference does two loads and a store per FMA and is
  // bound by that traffic. A tile keeps UNITS output rows × two vectors of points in registers for
  // the whole sum, loading each input vector once per tile. Every sum still runs over its terms in
  // ascending order with one FMA per term, and the scalar tails use the axpy tail's unfused
  // multiply-add, so y and dL/dx equal the axpy form's; dL/dW ends in the same lane reduction as
  // dot, whose order of lanes may differ between JIT tiers. A masked connection enters a tile as an
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
    if (n < L || !tiles) {
      super.dense(w, wOff, b, bOff, mask, out, in, x, xOff, y, yOff, n);
      return;
    }
    rows(w, wOff, mask, out, in, in, 1, b, bOff, x, xOff, y, yOff, n);
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
    if (n < L || !tiles) {
      super.denseBackward(w, wOff, mask, out, in, x, xOff, gy, gyOff, gx, gxOff, gw, gwOff, gb, gbOff, n);
      return;
    }
    int bound = S.loopBound(n);
    if (gb != null) {
      for (int o = 0; o < out; o++) {
        gb[gbOff + o] += sum(gy, gyOff + o * n, n);
      }
    }
    if (gw != null) {
      weightGradient(mask, out, in, x, xOff, gy, gyOff, gw, gwOff, n, bound);
    }
    if (gx != null) {
      // gx = Wᵀ·gy, each input row summed over the outputs in ascending order from zero, as the axpy form does.
      rows(w, wOff, mask, in, out, 1, in, null, 0, gy, gyOff, gx, gxOff, n);
    }
  }

  /**
   * gw[o][k] += Σ_i gy[o,i]·x[k,i] for the connected (o, k): tiles of 2 output × 4 input rows, eight
   * vector accumulators fed by six loads, each reduced and finished with its scalar tail as
   * {@link #dot} does. Rows left over go to {@link #dot} itself.
   */
  private void weightGradient(boolean[] mask, int out, int in, double[] x, int xOff,
      double[] gy, int gyOff, double[] gw, int gwOff, int n, int bound) {
    int o = 0;
    for (; o + 2 <= out; o += 2) {
      int k = 0;
      for (; k + 4 <= in; k += 4) {
        if (mask == null || anyConnected(mask, o * in + k, in)) {
          weightGradientTile(mask, o, k, in, x, xOff, gy, gyOff, gw, gwOff, n, bound);
        }
      }
      for (; k < in; k++) {
        for (int r = o; r < o + 2; r++) {
          if (mask == null || mask[r * in + k]) {
            gw[gwOff + r * in + k] += dot(gy, gyOff + r * n, x, xOff + k * n, n);
          }
        }
      }
    }
    for (; o < out; o++) {
      for (int k = 0; k < in; k++) {
        if (mask == null || mask[o * in + k]) {
          gw[gwOff + o * in + k] += dot(gy, gyOff + o * n, x, xOff + k * n, n);
        }
      }
    }
  }

  /** Whether any of the 2 × 4 connections of a weight-gradient tile exists. */
  private static boolean anyConnected(boolean[] mask, int m0, int in) {
    for (int r = 0; r < 2; r++) {
      for (int c = 0; c < 4; c++) {
        if (mask[m0 + r * in + c]) {
          return true;
        }
      }
    }
    return false;
  }

  private static void weightGradientTile(boolean[] mask, int o, int k, int in, double[] x, int xOff,
      double[] gy, int gyOff, double[] gw, int gwOff, int n, int bound) {
    int g0 = gyOff + o * n;
    int g1 = g0 + n;
    int x0 = xOff + k * n;
    DoubleVector s00 = DoubleVector.zero(S);
    DoubleVector s01 = s00;
    DoubleVector s02 = s00;
    DoubleVector s03 = s00;
    DoubleVector s10 = s00;
    DoubleVector s11 = s00;
    DoubleVector s12 = s00;
    DoubleVector s13 = s00;
    for (int i = 0; i < bound; i += L) {
      DoubleVector ga = DoubleVector.fromArray(S, gy, g0 + i);
      DoubleVector gb = DoubleVector.fromArray(S, gy, g1 + i);
      DoubleVector xa = DoubleVector.fromArray(S, x, x0 + i);
      DoubleVector xb = DoubleVector.fromArray(S, x, x0 + n + i);
      DoubleVector xc = DoubleVector.fromArray(S, x, x0 + 2 * n + i);
      DoubleVector xd = DoubleVector.fromArray(S, x, x0 + 3 * n + i);
      s00 = ga.fma(xa, s00);
      s01 = ga.fma(xb, s01);
      s02 = ga.fma(xc, s02);
      s03 = ga.fma(xd, s03);
      s10 = gb.fma(xa, s10);
      s11 = gb.fma(xb, s11);
      s12 = gb.fma(xc, s12);
      s13 = gb.fma(xd, s13);
    }
    int r0 = o * in + k;
    int r1 = r0 + in;
    addConnected(mask, r0, gw, gwOff, dotTail(s00.reduceLanes(ADD), gy, g0, x, x0, bound, n));
    addConnected(mask, r0 + 1, gw, gwOff, dotTail(s01.reduceLanes(ADD), gy, g0, x, x0 + n, bound, n));
    addConnected(mask, r0 + 2, gw, gwOff, dotTail(s02.reduceLanes(ADD), gy, g0, x, x0 + 2 * n, bound, n));
    addConnected(mask, r0 + 3, gw, gwOff, dotTail(s03.reduceLanes(ADD), gy, g0, x, x0 + 3 * n, bound, n));
    addConnected(mask, r1, gw, gwOff, dotTail(s10.reduceLanes(ADD), gy, g1, x, x0, bound, n));
    addConnected(mask, r1 + 1, gw, gwOff, dotTail(s11.reduceLanes(ADD), gy, g1, x, x0 + n, bound, n));
    addConnected(mask, r1 + 2, gw, gwOff, dotTail(s12.reduceLanes(ADD), gy, g1, x, x0 + 2 * n, bound, n));
    addConnected(mask, r1 + 3, gw, gwOff, dotTail(s13.reduceLanes(ADD), gy, g1, x, x0 + 3 * n, bound, n));
  }

  private static void addConnected(boolean[] mask, int m, double[] gw, int gwOff, double value) {
    if (mask == null || mask[m]) {
      gw[gwOff + m] += value;
    }
  }

  /** {@link #dot}'s finish: its scalar tail added, in order, to the reduced vector part {@code s}. */
  private static double dotTail(double s, double[] a, int aOff, double[] b, int bOff, int from, int n) {
    for (int i = from; i < n; i++) {
      s += a[aOff + i] * b[bOff + i];
    }
    return s;
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
