package dev.flowvi.engine.nn;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link DenseKernels}, loaded only through {@link
 * dev.flowvi.engine.kernel.VectorSupport#choose}. Row primitives use a loopBound body and a scalar
 * tail (masked tails cost 4× on JDK 17, see DESIGN.md); rows shorter than one vector go straight
 * to the scalar loops, creating no vector at all.
 */
public final class VectorDenseKernels extends ScalarDenseKernels {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final VectorOperators.Unary TANH = VectorOperators.TANH;
  private static final VectorOperators.Unary EXPM1 = VectorOperators.EXPM1;
  private static final VectorOperators.Associative ADD = VectorOperators.ADD;

  public VectorDenseKernels() {}

  // ---------------------------------------------------------------------------------------------
  // Layers. y = W x + b over a feature-major batch is a small matrix product Y = W X with X of
  // shape in × n. The row-primitive form (one axpy per weight) loads and stores a row of y per
  // FMA, so it is bound by memory traffic; the blocked form below keeps a tile of UNITS output
  // rows × 2 vectors of points in registers for the whole sum over inputs, loading each input
  // vector once per tile. Sums still run over inputs in ascending order, one FMA per term, so each
  // output equals the axpy form's value. In the tiles a masked connection enters as an exact zero
  // weight (see weight(...)): for finite inputs the sums are unchanged; a non-finite input then
  // reaches units it is not connected to, which only happens for a point that is already
  // non-finite. The scalar tails and the few-points form skip masked connections outright.

  /** Output units per register tile of the forward pass (and inputs per tile of Wᵀ·gy). */
  private static final int UNITS = 4;
  private static final int L = S.length();
  /** Per-thread copy of one point's inputs for the matrix–vector form at 2 ≤ n < lanes. */
  private static final ThreadLocal<double[]> POINT = ThreadLocal.withInitial(() -> new double[64]);

  @Override
  public void dense(double[] w, int wOff, double[] b, int bOff, boolean[] mask, int out, int in,
      double[] x, int xOff, double[] y, int yOff, int n) {
    if (n < L) {
      denseFewPoints(w, wOff, b, bOff, mask, out, in, x, xOff, y, yOff, n);
      return;
    }
    int o = 0;
    for (; o + UNITS <= out; o += UNITS) {
      int i = 0;
      for (; i + 2 * L <= n; i += 2 * L) {
        forwardTile4x2(w, wOff + o * in, b, bOff + o, mask, o * in, in, x, xOff + i, y, yOff + o * n + i, n);
      }
      for (; i + L <= n; i += L) {
        forwardTile4x1(w, wOff + o * in, b, bOff + o, mask, o * in, in, x, xOff + i, y, yOff + o * n + i, n);
      }
      for (int u = o; u < o + UNITS; u++) {
        forwardTail(w, wOff + u * in, b[bOff + u], mask, u * in, in, x, xOff, y, yOff + u * n, n, i);
      }
    }
    for (; o < out; o++) {
      int i = 0;
      for (; i + L <= n; i += L) {
        forwardTile1x1(w, wOff + o * in, b[bOff + o], mask, o * in, in, x, xOff + i, y, yOff + o * n + i, n);
      }
      forwardTail(w, wOff + o * in, b[bOff + o], mask, o * in, in, x, xOff, y, yOff + o * n, n, i);
    }
  }

  /** Four output rows (weights from row {@code w0}, mask from {@code m0}) × two vectors of points. */
  private static void forwardTile4x2(double[] w, int w0, double[] b, int b0, boolean[] mask, int m0, int in,
      double[] x, int x0, double[] y, int y0, int n) {
    DoubleVector a00 = DoubleVector.broadcast(S, b[b0]);
    DoubleVector a01 = a00;
    DoubleVector a10 = DoubleVector.broadcast(S, b[b0 + 1]);
    DoubleVector a11 = a10;
    DoubleVector a20 = DoubleVector.broadcast(S, b[b0 + 2]);
    DoubleVector a21 = a20;
    DoubleVector a30 = DoubleVector.broadcast(S, b[b0 + 3]);
    DoubleVector a31 = a30;
    for (int k = 0; k < in; k++) {
      DoubleVector x0v = DoubleVector.fromArray(S, x, x0 + k * n);
      DoubleVector x1v = DoubleVector.fromArray(S, x, x0 + k * n + L);
      DoubleVector c0 = DoubleVector.broadcast(S, weight(w, w0 + k, mask, m0 + k));
      a00 = x0v.fma(c0, a00);
      a01 = x1v.fma(c0, a01);
      DoubleVector c1 = DoubleVector.broadcast(S, weight(w, w0 + in + k, mask, m0 + in + k));
      a10 = x0v.fma(c1, a10);
      a11 = x1v.fma(c1, a11);
      DoubleVector c2 = DoubleVector.broadcast(S, weight(w, w0 + 2 * in + k, mask, m0 + 2 * in + k));
      a20 = x0v.fma(c2, a20);
      a21 = x1v.fma(c2, a21);
      DoubleVector c3 = DoubleVector.broadcast(S, weight(w, w0 + 3 * in + k, mask, m0 + 3 * in + k));
      a30 = x0v.fma(c3, a30);
      a31 = x1v.fma(c3, a31);
    }
    a00.intoArray(y, y0);
    a01.intoArray(y, y0 + L);
    a10.intoArray(y, y0 + n);
    a11.intoArray(y, y0 + n + L);
    a20.intoArray(y, y0 + 2 * n);
    a21.intoArray(y, y0 + 2 * n + L);
    a30.intoArray(y, y0 + 3 * n);
    a31.intoArray(y, y0 + 3 * n + L);
  }

  private static void forwardTile4x1(double[] w, int w0, double[] b, int b0, boolean[] mask, int m0, int in,
      double[] x, int x0, double[] y, int y0, int n) {
    DoubleVector a0 = DoubleVector.broadcast(S, b[b0]);
    DoubleVector a1 = DoubleVector.broadcast(S, b[b0 + 1]);
    DoubleVector a2 = DoubleVector.broadcast(S, b[b0 + 2]);
    DoubleVector a3 = DoubleVector.broadcast(S, b[b0 + 3]);
    for (int k = 0; k < in; k++) {
      DoubleVector xv = DoubleVector.fromArray(S, x, x0 + k * n);
      a0 = xv.fma(DoubleVector.broadcast(S, weight(w, w0 + k, mask, m0 + k)), a0);
      a1 = xv.fma(DoubleVector.broadcast(S, weight(w, w0 + in + k, mask, m0 + in + k)), a1);
      a2 = xv.fma(DoubleVector.broadcast(S, weight(w, w0 + 2 * in + k, mask, m0 + 2 * in + k)), a2);
      a3 = xv.fma(DoubleVector.broadcast(S, weight(w, w0 + 3 * in + k, mask, m0 + 3 * in + k)), a3);
    }
    a0.intoArray(y, y0);
    a1.intoArray(y, y0 + n);
    a2.intoArray(y, y0 + 2 * n);
    a3.intoArray(y, y0 + 3 * n);
  }

  private static void forwardTile1x1(double[] w, int w0, double b, boolean[] mask, int m0, int in,
      double[] x, int x0, double[] y, int y0, int n) {
    DoubleVector a = DoubleVector.broadcast(S, b);
    for (int k = 0; k < in; k++) {
      a = DoubleVector.fromArray(S, x, x0 + k * n).fma(DoubleVector.broadcast(S, weight(w, w0 + k, mask, m0 + k)), a);
    }
    a.intoArray(y, y0);
  }

  /**
   * W[o][k], or an exact zero when the connection is masked out. A branch per connection would
   * merge vector accumulators at control-flow joins, which C2 on JDK 17 does not keep in
   * registers: it boxed them (about 200 MB per 50×50×500 layer in a probe). With finite inputs a
   * zero term leaves every sum bit-identical to skipping it.
   */
  private static double weight(double[] w, int at, boolean[] mask, int m) {
    return mask == null || mask[m] ? w[at] : 0.0;
  }

  /** Points from..n−1 of one output row, scalar, in the same order of terms. */
  private static void forwardTail(double[] w, int w0, double b, boolean[] mask, int m0, int in,
      double[] x, int xOff, double[] y, int yRow, int n, int from) {
    for (int i = from; i < n; i++) {
      double s = b;
      for (int k = 0; k < in; k++) {
        if (mask == null || mask[m0 + k]) {
          s = Math.fma(x[xOff + k * n + i], w[w0 + k], s);
        }
      }
      y[yRow + i] = s;
    }
  }

  /**
   * Fewer points than lanes: a batch tile would be all tail, so each point is a matrix–vector
   * product instead, with dot products along W's contiguous rows (lanes over inputs; masked-out
   * lanes are blended away, not multiplied by zero). One point's inputs are contiguous only when
   * n = 1; otherwise they are first copied out of the feature-major batch.
   */
  private void denseFewPoints(double[] w, int wOff, double[] b, int bOff, boolean[] mask, int out, int in,
      double[] x, int xOff, double[] y, int yOff, int n) {
    double[] point = x;
    int pOff = xOff;
    if (n > 1) {
      point = POINT.get();
      if (point.length < in) {
        point = new double[in];
        POINT.set(point);
      }
      pOff = 0;
    }
    for (int i = 0; i < n; i++) {
      if (n > 1) {
        for (int k = 0; k < in; k++) {
          point[k] = x[xOff + k * n + i];
        }
      }
      for (int o = 0; o < out; o++) {
        double s = mask == null ? rowDot(w, wOff + o * in, point, pOff, in) : maskedRowDot(w, wOff + o * in, mask, o * in, point, pOff, in);
        y[yOff + o * n + i] = b[bOff + o] + s;
      }
    }
  }

  private static double rowDot(double[] w, int w0, double[] p, int p0, int in) {
    int bound = S.loopBound(in);
    DoubleVector acc = DoubleVector.zero(S);
    int k = 0;
    for (; k < bound; k += L) {
      acc = DoubleVector.fromArray(S, w, w0 + k).fma(DoubleVector.fromArray(S, p, p0 + k), acc);
    }
    double s = acc.reduceLanes(ADD);
    for (; k < in; k++) {
      s = Math.fma(w[w0 + k], p[p0 + k], s);
    }
    return s;
  }

  /**
   * The masked row as four scalar partial sums over the connected inputs: a per-lane mask load
   * from boolean[] is not a cheap intrinsic on JDK 17 (about 10× slower than this in a probe).
   */
  private static double maskedRowDot(double[] w, int w0, boolean[] mask, int m0, double[] p, int p0, int in) {
    double s0 = 0.0;
    double s1 = 0.0;
    double s2 = 0.0;
    double s3 = 0.0;
    int k = 0;
    for (; k + 3 < in; k += 4) {
      if (mask[m0 + k]) {
        s0 = Math.fma(w[w0 + k], p[p0 + k], s0);
      }
      if (mask[m0 + k + 1]) {
        s1 = Math.fma(w[w0 + k + 1], p[p0 + k + 1], s1);
      }
      if (mask[m0 + k + 2]) {
        s2 = Math.fma(w[w0 + k + 2], p[p0 + k + 2], s2);
      }
      if (mask[m0 + k + 3]) {
        s3 = Math.fma(w[w0 + k + 3], p[p0 + k + 3], s3);
      }
    }
    for (; k < in; k++) {
      if (mask[m0 + k]) {
        s0 = Math.fma(w[w0 + k], p[p0 + k], s0);
      }
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public void denseBackward(double[] w, int wOff, boolean[] mask, int out, int in, double[] x, int xOff,
      double[] gy, int gyOff, double[] gx, int gxOff, double[] gw, int gwOff, double[] gb, int gbOff, int n) {
    if (n < L) {
      super.denseBackward(w, wOff, mask, out, in, x, xOff, gy, gyOff, gx, gxOff, gw, gwOff, gb, gbOff, n);
      return;
    }
    if (gb != null) {
      for (int o = 0; o < out; o++) {
        gb[gbOff + o] += sum(gy, gyOff + o * n, n);
      }
    }
    if (gw != null) {
      weightGradient(mask, out, in, x, xOff, gy, gyOff, gw, gwOff, n);
    }
    if (gx != null) {
      inputGradient(w, wOff, mask, out, in, gy, gyOff, gx, gxOff, n);
    }
  }

  /**
   * gx = Wᵀ·gy: the forward tiling with the roles of inputs and outputs swapped (a tile of UNITS
   * input rows × two vectors of points, summed over output units in ascending order, as the
   * scalar reference's axpy loop adds them).
   */
  private static void inputGradient(double[] w, int wOff, boolean[] mask, int out, int in,
      double[] gy, int gyOff, double[] gx, int gxOff, int n) {
    int k = 0;
    for (; k + UNITS <= in; k += UNITS) {
      int i = 0;
      for (; i + 2 * L <= n; i += 2 * L) {
        inputGradientTile4x2(w, wOff + k, mask, k, out, in, gy, gyOff + i, gx, gxOff + k * n + i, n);
      }
      for (; i + L <= n; i += L) {
        inputGradientTile1(w, wOff + k, mask, k, out, in, gy, gyOff + i, gx, gxOff + k * n + i, n, UNITS);
      }
      for (int c = k; c < k + UNITS; c++) {
        inputGradientTail(w, wOff + c, mask, c, out, in, gy, gyOff, gx, gxOff + c * n, n, i);
      }
    }
    for (; k < in; k++) {
      int i = 0;
      for (; i + L <= n; i += L) {
        inputGradientTile1(w, wOff + k, mask, k, out, in, gy, gyOff + i, gx, gxOff + k * n + i, n, 1);
      }
      inputGradientTail(w, wOff + k, mask, k, out, in, gy, gyOff, gx, gxOff + k * n, n, i);
    }
  }

  /** Input rows c0..c0+3 (W column c0 starts at {@code w0}) × two vectors of points. */
  private static void inputGradientTile4x2(double[] w, int w0, boolean[] mask, int c0, int out, int in,
      double[] gy, int g0, double[] gx, int x0, int n) {
    DoubleVector a00 = DoubleVector.zero(S);
    DoubleVector a01 = a00;
    DoubleVector a10 = a00;
    DoubleVector a11 = a00;
    DoubleVector a20 = a00;
    DoubleVector a21 = a00;
    DoubleVector a30 = a00;
    DoubleVector a31 = a00;
    for (int o = 0; o < out; o++) {
      DoubleVector g0v = DoubleVector.fromArray(S, gy, g0 + o * n);
      DoubleVector g1v = DoubleVector.fromArray(S, gy, g0 + o * n + L);
      int wr = w0 + o * in;
      int mr = c0 + o * in;
      DoubleVector v0 = DoubleVector.broadcast(S, weight(w, wr, mask, mr));
      a00 = g0v.fma(v0, a00);
      a01 = g1v.fma(v0, a01);
      DoubleVector v1 = DoubleVector.broadcast(S, weight(w, wr + 1, mask, mr + 1));
      a10 = g0v.fma(v1, a10);
      a11 = g1v.fma(v1, a11);
      DoubleVector v2 = DoubleVector.broadcast(S, weight(w, wr + 2, mask, mr + 2));
      a20 = g0v.fma(v2, a20);
      a21 = g1v.fma(v2, a21);
      DoubleVector v3 = DoubleVector.broadcast(S, weight(w, wr + 3, mask, mr + 3));
      a30 = g0v.fma(v3, a30);
      a31 = g1v.fma(v3, a31);
    }
    a00.intoArray(gx, x0);
    a01.intoArray(gx, x0 + L);
    a10.intoArray(gx, x0 + n);
    a11.intoArray(gx, x0 + n + L);
    a20.intoArray(gx, x0 + 2 * n);
    a21.intoArray(gx, x0 + 2 * n + L);
    a30.intoArray(gx, x0 + 3 * n);
    a31.intoArray(gx, x0 + 3 * n + L);
  }

  /** {@code rows} (1..UNITS) input rows × one vector of points, one row at a time. */
  private static void inputGradientTile1(double[] w, int w0, boolean[] mask, int c0, int out, int in,
      double[] gy, int g0, double[] gx, int x0, int n, int rows) {
    for (int c = 0; c < rows; c++) {
      DoubleVector a = DoubleVector.zero(S);
      for (int o = 0; o < out; o++) {
        a = DoubleVector.fromArray(S, gy, g0 + o * n).fma(DoubleVector.broadcast(S, weight(w, w0 + c + o * in, mask, c0 + c + o * in)), a);
      }
      a.intoArray(gx, x0 + c * n);
    }
  }

  private static void inputGradientTail(double[] w, int w0, boolean[] mask, int c, int out, int in,
      double[] gy, int gyOff, double[] gx, int gxRow, int n, int from) {
    for (int i = from; i < n; i++) {
      double s = 0.0;
      for (int o = 0; o < out; o++) {
        if (mask == null || mask[c + o * in]) {
          s = Math.fma(gy[gyOff + o * n + i], w[w0 + o * in], s);
        }
      }
      gx[gxRow + i] = s;
    }
  }

  /**
   * gw[o][k] += Σ_i gy[o,i]·x[k,i]: dot products in tiles of 2 output × 4 input rows, eight
   * vector accumulators fed by six loads per step. Every dot of a tile is computed; only the
   * connected ones are added to gw.
   */
  private void weightGradient(boolean[] mask, int out, int in, double[] x, int xOff,
      double[] gy, int gyOff, double[] gw, int gwOff, int n) {
    int bound = S.loopBound(n);
    int o = 0;
    for (; o + 2 <= out; o += 2) {
      int k = 0;
      for (; k + 4 <= in; k += 4) {
        if (mask == null || anyConnected(mask, o * in + k, in)) {
          weightGradientTile2x4(mask, o, k, in, x, xOff, gy, gyOff, gw, gwOff, n, bound);
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

  private static void weightGradientTile2x4(boolean[] mask, int o, int k, int in, double[] x, int xOff,
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
    addConnected(mask, r0, gw, gwOff, s00.reduceLanes(ADD) + tailDot(gy, g0, x, x0, bound, n));
    addConnected(mask, r0 + 1, gw, gwOff, s01.reduceLanes(ADD) + tailDot(gy, g0, x, x0 + n, bound, n));
    addConnected(mask, r0 + 2, gw, gwOff, s02.reduceLanes(ADD) + tailDot(gy, g0, x, x0 + 2 * n, bound, n));
    addConnected(mask, r0 + 3, gw, gwOff, s03.reduceLanes(ADD) + tailDot(gy, g0, x, x0 + 3 * n, bound, n));
    addConnected(mask, r1, gw, gwOff, s10.reduceLanes(ADD) + tailDot(gy, g1, x, x0, bound, n));
    addConnected(mask, r1 + 1, gw, gwOff, s11.reduceLanes(ADD) + tailDot(gy, g1, x, x0 + n, bound, n));
    addConnected(mask, r1 + 2, gw, gwOff, s12.reduceLanes(ADD) + tailDot(gy, g1, x, x0 + 2 * n, bound, n));
    addConnected(mask, r1 + 3, gw, gwOff, s13.reduceLanes(ADD) + tailDot(gy, g1, x, x0 + 3 * n, bound, n));
  }

  private static void addConnected(boolean[] mask, int m, double[] gw, int gwOff, double value) {
    if (mask == null || mask[m]) {
      gw[gwOff + m] += value;
    }
  }

  private static double tailDot(double[] a, int aOff, double[] b, int bOff, int from, int n) {
    double s = 0.0;
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
