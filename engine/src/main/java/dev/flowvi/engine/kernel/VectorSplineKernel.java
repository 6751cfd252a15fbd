package dev.flowvi.engine.kernel;

import static dev.flowvi.engine.kernel.SplineKernel.MIN_DERIVATIVE;
import static dev.flowvi.engine.kernel.SplineKernel.MIN_WIDTH;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SplineKernel} vectorised across points with {@code jdk.incubator.vector}. Each lane is one
 * point with its own raw parameters, loaded unit-stride from the feature-major layout. The
 * per-point softmax, cumulative sum, bin search and knot-slope lookup run lane-wise: every bin is
 * visited, and masks blend in the bin whose left knot the point has passed, so no gather is needed.
 * Operations follow {@link ScalarSplineKernel} in the same order; the tail of each batch is padded
 * to a whole vector and runs through the same lane code.
 *
 * <p><b>Scratch.</b> Each block runs as small phases (bin search, other-axis lookup, knot slopes,
 * value or adjoint, raw gradients) that hand lane values to each other through a per-thread
 * scratch block of {@code 22 × lanes} doubles, allocated once per thread. Passes allocate nothing
 * after that; callers need no workspace.
 *
 * <p>Loaded only through {@link VectorSupport#choose}; benchmarks and tests may construct it
 * directly when the module is present.
 */
public final class VectorSplineKernel implements SplineKernel {
  private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();

  public VectorSplineKernel() {}

  // Each block of LANES points runs as a few small phases that pass lane values through a
  // per-thread scratch block of ROWS rows. One method holding a whole pass exceeds C2's inlining
  // node budget (NodeCountInliningCutoff), and a vector that crosses a call C2 did not inline is
  // boxed: about 800 B per point. For the same reason the phases call no helper methods of their
  // own that take or return vectors (a helper already compiled on its own is not inlined), so the
  // shared formulas are written out in each phase, in ScalarSplineKernel's order of operations.
  private static final int V = 0;
  private static final int KV = 1;
  private static final int SEARCH = 2; // knot, width, prefix, e_k and softmax sum of the searched axis
  private static final int OTHER = 7; // the same five rows for the other axis
  private static final int KNOT = 0;
  private static final int WIDTH = 1;
  private static final int PREFIX = 2;
  private static final int EK = 3;
  private static final int SUM = 4;
  private static final int RD0 = 12;
  private static final int RD1 = 13;
  private static final int D0 = 14;
  private static final int D1 = 15;
  private static final int G_SEARCH_KNOT = 16;
  private static final int G_SEARCH_WIDTH = 17;
  private static final int G_OTHER_KNOT = 18;
  private static final int G_OTHER_WIDTH = 19;
  private static final int G_D0 = 20;
  private static final int G_D1 = 21;
  // Between the two phases of an adjoint: ξ, the rational function's numerator and denominator,
  // the slope numerator M (inverse) and dL/d(output) of the inverse or dL/dξ of the forward; the
  // forward also passes the adjoints of the numerator, denominator and M, which its second phase
  // needs as well.
  private static final int XI = 22;
  private static final int NUM = 23;
  private static final int DEN = 24;
  private static final int M = 25;
  private static final int G_MID = 26;
  private static final int G_NUM = 27;
  private static final int G_DEN = 28;
  private static final int G_M = 29;
  private static final int ROWS = 30;
  /** Row of the searched axis's first bin exponential; bin j's is row BIN_EXP + j. */
  private static final int BIN_EXP = ROWS;
  private static final ThreadLocal<double[]> SCRATCH = ThreadLocal.withInitial(() -> new double[ROWS * LANES]);
  private static final ThreadLocal<Tail> TAIL = ThreadLocal.withInitial(Tail::new);

  /** This thread's scratch block, with a row per bin after the ROWS fixed ones. */
  private static double[] scratch(int bins) {
    double[] sc = SCRATCH.get();
    if (sc.length < (ROWS + bins) * LANES) {
      sc = new double[(ROWS + bins) * LANES];
      SCRATCH.set(sc);
    }
    return sc;
  }

  @Override
  public void forward(int knots, double lo, double hi,
      double[] raw, int rawOff, int stride, double[] x, int xOff, double[] y, int yOff, double[] logDet, int len) {
    int bound = SPECIES.loopBound(len);
    double[] sc = bound > 0 ? scratch(knots + 1) : null;
    int bins = knots + 1;
    int i = 0;
    for (; i < bound; i += LANES) {
      int base = rawOff + i;
      // A copy, not a vector load and store: a vector here is one more place C2 on JDK 17 can box.
      System.arraycopy(x, xOff + i, sc, V * LANES, LANES);
      search(knots, lo, hi, raw, base, 0, stride, null, 0, sc);
      locate(knots, lo, hi, raw, base, bins * stride, stride, null, 0, sc);
      slopes(sc);
      forwardValue(lo, hi, sc, y, yOff + i, logDet, i);
    }
    if (i < len) {
      valueTail(true, knots, lo, hi, raw, rawOff, stride, x, xOff, y, yOff, logDet, i, len);
    }
  }

  @Override
  public void inverse(int knots, double lo, double hi,
      double[] raw, int rawOff, int stride, double[] y, int yOff, double[] x, int xOff, double[] logDet, int len) {
    int bound = SPECIES.loopBound(len);
    double[] sc = bound > 0 ? scratch(knots + 1) : null;
    int bins = knots + 1;
    int i = 0;
    for (; i < bound; i += LANES) {
      int base = rawOff + i;
      System.arraycopy(y, yOff + i, sc, V * LANES, LANES);
      search(knots, lo, hi, raw, base, bins * stride, stride, null, 0, sc);
      locate(knots, lo, hi, raw, base, 0, stride, null, 0, sc);
      slopes(sc);
      inverseValue(lo, hi, sc, x, xOff + i, logDet, i);
    }
    if (i < len) {
      valueTail(false, knots, lo, hi, raw, rawOff, stride, y, yOff, x, xOff, logDet, i, len);
    }
  }

  @Override
  public void forwardBackward(int knots, double lo, double hi,
      double[] raw, int rawOff, int stride, double[] x, int xOff,
      double[] gradY, int gradYOff, double[] gradLogDet,
      double[] gradX, int gradXOff, double[] gradRaw, int gradRawOff, int len) {
    int bound = SPECIES.loopBound(len);
    double[] sc = bound > 0 ? scratch(knots + 1) : null;
    int bins = knots + 1;
    int i = 0;
    for (; i < bound; i += LANES) {
      int base = rawOff + i;
      int gBase = gradRawOff + i;
      System.arraycopy(x, xOff + i, sc, V * LANES, LANES);
      search(knots, lo, hi, raw, base, 0, stride, gradRaw, gBase, sc);
      locate(knots, lo, hi, raw, base, bins * stride, stride, gradRaw, gBase, sc);
      slopes(sc);
      forwardAdjoint(lo, hi, sc, gradY, gradYOff + i, gradLogDet, i);
      forwardAdjointParameters(lo, hi, sc, gradY, gradYOff + i, gradLogDet, i, gradX, gradXOff + i);
      double c = hi - lo - MIN_WIDTH * bins;
      softmaxGradient(gradRaw, gBase, stride, bins, c, sc, SEARCH, G_SEARCH_KNOT, G_SEARCH_WIDTH);
      softmaxGradient(gradRaw, gBase + bins * stride, stride, bins, c, sc, OTHER, G_OTHER_KNOT, G_OTHER_WIDTH);
      derivativeGradient(gradRaw, gBase + 2 * bins * stride, stride, knots + 2, sc);
    }
    if (i < len) {
      backwardTail(true, knots, lo, hi, raw, rawOff, stride, x, xOff, gradY, gradYOff, gradLogDet, gradX, gradXOff,
          gradRaw, gradRawOff, i, len);
    }
  }

  @Override
  public void inverseBackward(int knots, double lo, double hi,
      double[] raw, int rawOff, int stride, double[] y, int yOff,
      double[] gradX, int gradXOff, double[] gradLogDet,
      double[] gradY, int gradYOff, double[] gradRaw, int gradRawOff, int len) {
    int bound = SPECIES.loopBound(len);
    double[] sc = bound > 0 ? scratch(knots + 1) : null;
    int bins = knots + 1;
    int i = 0;
    for (; i < bound; i += LANES) {
      int base = rawOff + i;
      int gBase = gradRawOff + i;
      System.arraycopy(y, yOff + i, sc, V * LANES, LANES);
      search(knots, lo, hi, raw, base, bins * stride, stride, gradRaw, gBase, sc);
      locate(knots, lo, hi, raw, base, 0, stride, gradRaw, gBase, sc);
      slopes(sc);
      inverseAdjoint(lo, hi, sc, gradX, gradXOff + i, gradLogDet, i);
      inverseAdjointParameters(lo, hi, sc, gradX, gradXOff + i, gradLogDet, i, gradY, gradYOff + i);
      double c = hi - lo - MIN_WIDTH * bins;
      softmaxGradient(gradRaw, gBase + bins * stride, stride, bins, c, sc, SEARCH, G_SEARCH_KNOT, G_SEARCH_WIDTH);
      softmaxGradient(gradRaw, gBase, stride, bins, c, sc, OTHER, G_OTHER_KNOT, G_OTHER_WIDTH);
      derivativeGradient(gradRaw, gBase + 2 * bins * stride, stride, knots + 2, sc);
    }
    if (i < len) {
      backwardTail(false, knots, lo, hi, raw, rawOff, stride, y, yOff, gradX, gradXOff, gradLogDet, gradY, gradYOff,
          gradRaw, gradRawOff, i, len);
    }
  }

  /** Points i..len−1 of {@link #forward} ({@code forwardPass}) or {@link #inverse}, as one padded block. */
  private void valueTail(boolean forwardPass, int knots, double lo, double hi, double[] raw, int rawOff, int stride,
      double[] in, int inOff, double[] out, int outOff, double[] logDet, int i, int len) {
    Tail t = TAIL.get();
    int n = len - i;
    double[] tRaw = t.pack(raw, rawOff + i, stride, n, SplineKernel.rawRows(knots));
    t.input(in, inOff + i, n);
    t.carry(logDet, i, n);
    if (forwardPass) {
      forward(knots, lo, hi, tRaw, 0, LANES, t.in, 0, t.out, 0, t.logDet, LANES);
    } else {
      inverse(knots, lo, hi, tRaw, 0, LANES, t.in, 0, t.out, 0, t.logDet, LANES);
    }
    System.arraycopy(t.out, 0, out, outOff + i, n);
    System.arraycopy(t.logDet, 0, logDet, i, n);
  }

  /** Points i..len−1 of {@link #forwardBackward} ({@code forwardPass}) or {@link #inverseBackward}, as one padded block. */
  private void backwardTail(boolean forwardPass, int knots, double lo, double hi, double[] raw, int rawOff, int stride,
      double[] in, int inOff, double[] gradOut, int gradOutOff, double[] gradLogDet, double[] gradIn, int gradInOff,
      double[] gradRaw, int gradRawOff, int i, int len) {
    Tail t = TAIL.get();
    int n = len - i;
    int rows = SplineKernel.rawRows(knots);
    double[] tRaw = t.pack(raw, rawOff + i, stride, n, rows);
    t.input(in, inOff + i, n);
    t.adjoints(gradOut, gradOutOff + i, gradLogDet, i, n);
    if (forwardPass) {
      forwardBackward(knots, lo, hi, tRaw, 0, LANES, t.in, 0, t.gradOut, 0, t.gradLogDet, t.out, 0, t.gradRaw, 0, LANES);
    } else {
      inverseBackward(knots, lo, hi, tRaw, 0, LANES, t.in, 0, t.gradOut, 0, t.gradLogDet, t.out, 0, t.gradRaw, 0, LANES);
    }
    System.arraycopy(t.out, 0, gradIn, gradInOff + i, n);
    t.unpackGradRaw(gradRaw, gradRawOff + i, stride, n, rows);
  }

  /**
   * The last {@code n < LANES} points of a batch, padded to one vector block so that they run
   * through the same lane code as the rest: spare lanes repeat the last point, with zero adjoints,
   * and their results are dropped. A scalar tail would cost C2 a second, larger compile of the
   * per-point kernel for a few points per call. Grown once per thread to the largest knot count.
   */
  private static final class Tail {
    final double[] in = new double[LANES];
    final double[] out = new double[LANES];
    final double[] logDet = new double[LANES];
    final double[] gradOut = new double[LANES];
    final double[] gradLogDet = new double[LANES];
    double[] raw = new double[0];
    double[] gradRaw = new double[0];

    /** Raw rows {@code 0..rows-1} of points {@code from..from+n-1}, each row padded to LANES. */
    double[] pack(double[] src, int from, int stride, int n, int rows) {
      if (raw.length < rows * LANES) {
        raw = new double[rows * LANES];
        gradRaw = new double[rows * LANES];
      }
      for (int p = 0; p < rows; p++) {
        pad(src, from + p * stride, n, raw, p * LANES);
      }
      return raw;
    }

    /** The points' inputs, padded. */
    void input(double[] src, int from, int n) {
      pad(src, from, n, in, 0);
    }

    private static void pad(double[] src, int from, int n, double[] dst, int at) {
      System.arraycopy(src, from, dst, at, n);
      Arrays.fill(dst, at + n, at + LANES, src[from + n - 1]);
    }

    /** The log-dets accumulated so far, which a pass adds to. */
    void carry(double[] src, int from, int n) {
      System.arraycopy(src, from, logDet, 0, n);
      Arrays.fill(logDet, n, LANES, 0.0);
    }

    /** The incoming adjoints, zero in the spare lanes. */
    void adjoints(double[] grad, int gradFrom, double[] gradLd, int ldFrom, int n) {
      System.arraycopy(grad, gradFrom, gradOut, 0, n);
      Arrays.fill(gradOut, n, LANES, 0.0);
      System.arraycopy(gradLd, ldFrom, gradLogDet, 0, n);
      Arrays.fill(gradLogDet, n, LANES, 0.0);
    }

    void unpackGradRaw(double[] dst, int from, int stride, int n, int rows) {
      for (int p = 0; p < rows; p++) {
        System.arraycopy(gradRaw, p * LANES, dst, from + p * stride, n);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Phases of one block. `axis` is the offset, 0 or (K+1)·stride, of the raw widths or heights a
  // phase reads; the raw derivatives start at 2(K+1)·stride. Lanes outside [lo, hi] (NaN included)
  // compute at lo and are blended away when results are written.

  /**
   * Bin search on the searched axis: k is the last j in [0, K] whose knot lo + (j·m + scale·P_j)
   * the input has reached. Writes k, the bin's knot, width, prefix sum, exponential and softmax
   * sum, and the raw derivatives at knots k and k+1. A backward pass also stores the
   * exponentials in their gradRaw slots.
   */
  private static void search(int knots, double lo, double hi, double[] raw, int base, int axis, int stride,
      double[] gradRaw, int gBase, double[] sc) {
    int bins = knots + 1;
    int dOff = 2 * bins * stride;
    DoubleVector v = DoubleVector.fromArray(SPECIES, sc, V * LANES);
    DoubleVector vc = v.blend(lo, v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LE, hi)).not());
    DoubleVector mx = DoubleVector.fromArray(SPECIES, raw, base + axis);
    for (int j = 1; j < bins; j++) {
      mx = mx.max(DoubleVector.fromArray(SPECIES, raw, base + axis + j * stride));
    }
    // The exponentials go to scratch rows, so that the search below reads them instead of
    // calling EXP for each bin a second time.
    DoubleVector sum = DoubleVector.zero(SPECIES);
    for (int j = 0; j < bins; j++) {
      DoubleVector e = DoubleVector.fromArray(SPECIES, raw, base + axis + j * stride).sub(mx).lanewise(VectorOperators.EXP);
      if (gradRaw != null) {
        e.intoArray(gradRaw, gBase + axis + j * stride);
      }
      e.intoArray(sc, (BIN_EXP + j) * LANES);
      sum = sum.add(e);
    }
    DoubleVector scale = DoubleVector.broadcast(SPECIES, hi - lo - MIN_WIDTH * bins).div(sum);
    DoubleVector kv = DoubleVector.zero(SPECIES);
    DoubleVector pk = kv;
    DoubleVector ek = DoubleVector.fromArray(SPECIES, sc, BIN_EXP * LANES);
    DoubleVector prefix = ek;
    DoubleVector rd0 = DoubleVector.fromArray(SPECIES, raw, base + dOff);
    DoubleVector rd1 = DoubleVector.fromArray(SPECIES, raw, base + dOff + stride);
    for (int j = 1; j < bins; j++) {
      DoubleVector e = DoubleVector.fromArray(SPECIES, sc, (BIN_EXP + j) * LANES);
      VectorMask<Double> sel = vc.compare(VectorOperators.GE, scale.mul(prefix).add(j * MIN_WIDTH).add(lo));
      kv = kv.blend(j, sel);
      pk = pk.blend(prefix, sel);
      ek = ek.blend(e, sel);
      rd0 = rd0.blend(DoubleVector.fromArray(SPECIES, raw, base + dOff + j * stride), sel);
      rd1 = rd1.blend(DoubleVector.fromArray(SPECIES, raw, base + dOff + (j + 1) * stride), sel);
      prefix = prefix.add(e);
    }
    DoubleVector left = scale.mul(pk).add(kv.mul(MIN_WIDTH)).add(lo);
    DoubleVector right = scale.mul(pk.add(ek)).add(kv.add(1.0).mul(MIN_WIDTH)).add(lo);
    right = right.blend(hi, kv.compare(VectorOperators.EQ, knots));
    kv.intoArray(sc, KV * LANES);
    left.intoArray(sc, (SEARCH + KNOT) * LANES);
    right.sub(left).intoArray(sc, (SEARCH + WIDTH) * LANES);
    pk.intoArray(sc, (SEARCH + PREFIX) * LANES);
    ek.intoArray(sc, (SEARCH + EK) * LANES);
    sum.intoArray(sc, (SEARCH + SUM) * LANES);
    rd0.intoArray(sc, RD0 * LANES);
    rd1.intoArray(sc, RD1 * LANES);
  }

  /** Bin k on the other axis: its knot, width, prefix sum, exponential and softmax sum. */
  private static void locate(int knots, double lo, double hi, double[] raw, int base, int axis, int stride,
      double[] gradRaw, int gBase, double[] sc) {
    int bins = knots + 1;
    DoubleVector kv = DoubleVector.fromArray(SPECIES, sc, KV * LANES);
    DoubleVector mx = DoubleVector.fromArray(SPECIES, raw, base + axis);
    for (int j = 1; j < bins; j++) {
      mx = mx.max(DoubleVector.fromArray(SPECIES, raw, base + axis + j * stride));
    }
    DoubleVector pk = DoubleVector.zero(SPECIES);
    DoubleVector ek = pk;
    DoubleVector prefix = pk;
    for (int j = 0; j < bins; j++) {
      DoubleVector e = DoubleVector.fromArray(SPECIES, raw, base + axis + j * stride).sub(mx).lanewise(VectorOperators.EXP);
      if (gradRaw != null) {
        e.intoArray(gradRaw, gBase + axis + j * stride);
      }
      VectorMask<Double> sel = kv.compare(VectorOperators.EQ, j);
      pk = pk.blend(prefix, sel);
      ek = ek.blend(e, sel);
      prefix = prefix.add(e);
    }
    DoubleVector scale = DoubleVector.broadcast(SPECIES, hi - lo - MIN_WIDTH * bins).div(prefix);
    DoubleVector left = scale.mul(pk).add(kv.mul(MIN_WIDTH)).add(lo);
    DoubleVector right = scale.mul(pk.add(ek)).add(kv.add(1.0).mul(MIN_WIDTH)).add(lo);
    right = right.blend(hi, kv.compare(VectorOperators.EQ, knots));
    left.intoArray(sc, (OTHER + KNOT) * LANES);
    right.sub(left).intoArray(sc, (OTHER + WIDTH) * LANES);
    pk.intoArray(sc, (OTHER + PREFIX) * LANES);
    ek.intoArray(sc, (OTHER + EK) * LANES);
    prefix.intoArray(sc, (OTHER + SUM) * LANES);
  }

  /** Knot slopes d = softplus(raw) + MIN_DERIVATIVE, with softplus(r) = max(r, 0) + log1p(exp(−|r|)). */
  private static void slopes(double[] sc) {
    DoubleVector r0 = DoubleVector.fromArray(SPECIES, sc, RD0 * LANES);
    DoubleVector r1 = DoubleVector.fromArray(SPECIES, sc, RD1 * LANES);
    r0.max(0.0).add(r0.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P)).add(MIN_DERIVATIVE)
        .intoArray(sc, D0 * LANES);
    r1.max(0.0).add(r1.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P)).add(MIN_DERIVATIVE)
        .intoArray(sc, D1 * LANES);
  }

  /** ScalarSplineKernel.value and logSlope, lane-wise. */
  private static void forwardValue(double lo, double hi, double[] sc, double[] out, int outAt, double[] logDet, int at) {
    DoubleVector v = DoubleVector.fromArray(SPECIES, sc, V * LANES);
    VectorMask<Double> outside = v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LE, hi)).not();
    DoubleVector vc = v.blend(lo, outside);
    DoubleVector xk = DoubleVector.fromArray(SPECIES, sc, (SEARCH + KNOT) * LANES);
    DoubleVector w = DoubleVector.fromArray(SPECIES, sc, (SEARCH + WIDTH) * LANES);
    DoubleVector yk = DoubleVector.fromArray(SPECIES, sc, (OTHER + KNOT) * LANES);
    DoubleVector h = DoubleVector.fromArray(SPECIES, sc, (OTHER + WIDTH) * LANES);
    DoubleVector d0 = DoubleVector.fromArray(SPECIES, sc, D0 * LANES);
    DoubleVector d1 = DoubleVector.fromArray(SPECIES, sc, D1 * LANES);
    DoubleVector s = h.div(w);
    DoubleVector xi = vc.sub(xk).div(w).min(1.0);
    DoubleVector u = xi.neg().add(1.0);
    DoubleVector t = xi.mul(u);
    DoubleVector dd = d0.add(d1).sub(s.mul(2.0));
    DoubleVector den = s.add(dd.mul(t));
    DoubleVector correction = h.mul(t).mul(d0.sub(s).sub(dd.mul(xi))).div(den);
    vc.add(yk.sub(xk)).add(s.sub(1.0).mul(vc.sub(xk))).add(correction).max(lo).min(hi)
        .blend(v, outside).intoArray(out, outAt);
    DoubleVector m = s.add(d1.sub(s).mul(xi).mul(xi)).add(d0.sub(s).mul(u).mul(u));
    DoubleVector r = s.div(den);
    DoubleVector ld = r.mul(r).mul(m).lanewise(VectorOperators.LOG).blend(0.0, outside);
    DoubleVector.fromArray(SPECIES, logDet, at).add(ld).intoArray(logDet, at);
  }

  /** The stable root of Durkan et al. 2019, eqs. 6-8, and −logSlope, as ScalarSplineKernel.inversePoint. */
  private static void inverseValue(double lo, double hi, double[] sc, double[] out, int outAt, double[] logDet, int at) {
    DoubleVector v = DoubleVector.fromArray(SPECIES, sc, V * LANES);
    VectorMask<Double> outside = v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LE, hi)).not();
    DoubleVector vc = v.blend(lo, outside);
    DoubleVector yk = DoubleVector.fromArray(SPECIES, sc, (SEARCH + KNOT) * LANES);
    DoubleVector h = DoubleVector.fromArray(SPECIES, sc, (SEARCH + WIDTH) * LANES);
    DoubleVector xk = DoubleVector.fromArray(SPECIES, sc, (OTHER + KNOT) * LANES);
    DoubleVector w = DoubleVector.fromArray(SPECIES, sc, (OTHER + WIDTH) * LANES);
    DoubleVector d0 = DoubleVector.fromArray(SPECIES, sc, D0 * LANES);
    DoubleVector d1 = DoubleVector.fromArray(SPECIES, sc, D1 * LANES);
    DoubleVector s = h.div(w);
    DoubleVector delta = vc.sub(yk);
    DoubleVector dd = d0.add(d1).sub(s.mul(2.0));
    DoubleVector qa = h.mul(s.sub(d0)).add(delta.mul(dd));
    DoubleVector qb = h.mul(d0).sub(delta.mul(dd));
    DoubleVector root = qb.mul(qb).add(qa.mul(4.0).mul(s).mul(delta)).max(0.0).sqrt();
    DoubleVector qden = qb.add(root);
    DoubleVector xi = s.mul(2.0).mul(delta).div(qden).min(1.0);
    vc.add(xk.sub(yk)).add(delta.mul(h.mul(2.0).sub(qb).sub(root)).div(qden)).max(lo).min(hi)
        .blend(v, outside).intoArray(out, outAt);
    DoubleVector u = xi.neg().add(1.0);
    DoubleVector den = s.add(dd.mul(xi.mul(u)));
    DoubleVector m = s.add(d1.sub(s).mul(xi).mul(xi)).add(d0.sub(s).mul(u).mul(u));
    DoubleVector r = s.div(den);
    DoubleVector ld = r.mul(r).mul(m).lanewise(VectorOperators.LOG).blend(0.0, outside);
    DoubleVector.fromArray(SPECIES, logDet, at).sub(ld).intoArray(logDet, at);
  }

  /**
   * Adjoint of y = y_k + h·N/D and log-det = log(s²M/D²) at fixed ξ and s, then through
   * ξ = (x − x_k)/w and s = h/w, as ScalarSplineKernel.forwardPoint. This first phase computes
   * ξ and dL/dξ (into G_MID); {@link #forwardAdjointParameters} writes dL/dx and the adjoints of
   * both axes' knot and width and of both knot slopes, zero outside. (Two phases: as one method the
   * last lane operations were left out of C2's inlining in some JDK 17 runs and boxed,
   * CompiledFlowAllocationTest.)
   */
  private static void forwardAdjoint(double lo, double hi, double[] sc, double[] g, int gAt, double[] gradLogDet, int at) {
    DoubleVector v = DoubleVector.fromArray(SPECIES, sc, V * LANES);
    VectorMask<Double> outside = v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LE, hi)).not();
    DoubleVector vc = v.blend(lo, outside);
    DoubleVector xk = DoubleVector.fromArray(SPECIES, sc, (SEARCH + KNOT) * LANES);
    DoubleVector w = DoubleVector.fromArray(SPECIES, sc, (SEARCH + WIDTH) * LANES);
    DoubleVector h = DoubleVector.fromArray(SPECIES, sc, (OTHER + WIDTH) * LANES);
    DoubleVector d0 = DoubleVector.fromArray(SPECIES, sc, D0 * LANES);
    DoubleVector d1 = DoubleVector.fromArray(SPECIES, sc, D1 * LANES);
    DoubleVector gy = DoubleVector.fromArray(SPECIES, g, gAt);
    DoubleVector gl = DoubleVector.fromArray(SPECIES, gradLogDet, at);
    DoubleVector s = h.div(w);
    DoubleVector xi = vc.sub(xk).div(w).min(1.0);
    DoubleVector u = xi.neg().add(1.0);
    DoubleVector t = xi.mul(u);
    DoubleVector dd = d0.add(d1).sub(s.mul(2.0));
    DoubleVector den = s.add(dd.mul(t));
    DoubleVector num = s.mul(xi).mul(xi).add(d0.mul(t));
    DoubleVector m = s.add(d1.sub(s).mul(xi).mul(xi)).add(d0.sub(s).mul(u).mul(u));
    DoubleVector mXi = d1.sub(s).mul(2.0).mul(xi).sub(d0.sub(s).mul(2.0).mul(u));
    DoubleVector oneMinus2Xi = xi.mul(-2.0).add(1.0);
    DoubleVector gNum = gy.mul(h).div(den);
    DoubleVector gDen = gy.neg().mul(h).mul(num).div(den.mul(den)).sub(gl.mul(2.0).div(den));
    DoubleVector gM = gl.div(m);
    gNum.mul(s.mul(2.0).mul(xi).add(d0.mul(oneMinus2Xi))).add(gDen.mul(dd).mul(oneMinus2Xi)).add(gM.mul(mXi))
        .intoArray(sc, G_MID * LANES);
    xi.intoArray(sc, XI * LANES);
    num.intoArray(sc, NUM * LANES);
    den.intoArray(sc, DEN * LANES);
    gNum.intoArray(sc, G_NUM * LANES);
    gDen.intoArray(sc, G_DEN * LANES);
    gM.intoArray(sc, G_M * LANES);
  }

  /**
   * The forward adjoint's second phase: dL/dx and the parameter gradients' scratch rows, from
   * dL/dξ in G_MID and the first phase's adjoints of N, D and M.
   */
  private static void forwardAdjointParameters(double lo, double hi, double[] sc, double[] g, int gAt, double[] gradLogDet, int at,
      double[] out, int outAt) {
    DoubleVector v = DoubleVector.fromArray(SPECIES, sc, V * LANES);
    VectorMask<Double> outside = v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LE, hi)).not();
    DoubleVector w = DoubleVector.fromArray(SPECIES, sc, (SEARCH + WIDTH) * LANES);
    DoubleVector h = DoubleVector.fromArray(SPECIES, sc, (OTHER + WIDTH) * LANES);
    DoubleVector gy = DoubleVector.fromArray(SPECIES, g, gAt);
    DoubleVector gl = DoubleVector.fromArray(SPECIES, gradLogDet, at);
    DoubleVector xi = DoubleVector.fromArray(SPECIES, sc, XI * LANES);
    DoubleVector num = DoubleVector.fromArray(SPECIES, sc, NUM * LANES);
    DoubleVector den = DoubleVector.fromArray(SPECIES, sc, DEN * LANES);
    DoubleVector gXi = DoubleVector.fromArray(SPECIES, sc, G_MID * LANES);
    DoubleVector gNum = DoubleVector.fromArray(SPECIES, sc, G_NUM * LANES);
    DoubleVector gDen = DoubleVector.fromArray(SPECIES, sc, G_DEN * LANES);
    DoubleVector gM = DoubleVector.fromArray(SPECIES, sc, G_M * LANES);
    DoubleVector s = h.div(w);
    DoubleVector u = xi.neg().add(1.0);
    DoubleVector t = xi.mul(u);
    DoubleVector gS = gNum.mul(xi).mul(xi).add(gDen.mul(t.mul(-2.0).add(1.0))).add(gM.mul(2.0).mul(t)).add(gl.mul(2.0).div(s));
    gXi.div(w).blend(gy, outside).intoArray(out, outAt);
    gXi.neg().div(w).blend(0.0, outside).intoArray(sc, G_SEARCH_KNOT * LANES);
    gXi.mul(xi).add(gS.mul(s)).neg().div(w).blend(0.0, outside).intoArray(sc, G_SEARCH_WIDTH * LANES);
    gy.blend(0.0, outside).intoArray(sc, G_OTHER_KNOT * LANES);
    gy.mul(num).div(den).add(gS.div(w)).blend(0.0, outside).intoArray(sc, G_OTHER_WIDTH * LANES);
    gNum.add(gDen).mul(t).add(gM.mul(u).mul(u)).blend(0.0, outside).intoArray(sc, G_D0 * LANES);
    gDen.mul(t).add(gM.mul(xi).mul(xi)).blend(0.0, outside).intoArray(sc, G_D1 * LANES);
  }

  /**
   * Adjoint of the inverse pass by the implicit function theorem, as ScalarSplineKernel.inversePoint:
   * dL/dy = (dL/dx·w − dL/dlogDet·∂logdet/∂ξ)/Y_ξ, and the parameters get their direct part plus
   * −dL/dy·∂Y/∂θ at fixed ξ. This first phase solves for ξ and dL/dy (into G_MID).
   */
  private static void inverseAdjoint(double lo, double hi, double[] sc, double[] g, int gAt, double[] gradLogDet, int at) {
    DoubleVector v = DoubleVector.fromArray(SPECIES, sc, V * LANES);
    VectorMask<Double> outside = v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LE, hi)).not();
    DoubleVector vc = v.blend(lo, outside);
    DoubleVector yk = DoubleVector.fromArray(SPECIES, sc, (SEARCH + KNOT) * LANES);
    DoubleVector h = DoubleVector.fromArray(SPECIES, sc, (SEARCH + WIDTH) * LANES);
    DoubleVector w = DoubleVector.fromArray(SPECIES, sc, (OTHER + WIDTH) * LANES);
    DoubleVector d0 = DoubleVector.fromArray(SPECIES, sc, D0 * LANES);
    DoubleVector d1 = DoubleVector.fromArray(SPECIES, sc, D1 * LANES);
    DoubleVector gx = DoubleVector.fromArray(SPECIES, g, gAt);
    DoubleVector gl = DoubleVector.fromArray(SPECIES, gradLogDet, at);
    DoubleVector s = h.div(w);
    DoubleVector delta = vc.sub(yk);
    DoubleVector dd = d0.add(d1).sub(s.mul(2.0));
    DoubleVector qa = h.mul(s.sub(d0)).add(delta.mul(dd));
    DoubleVector qb = h.mul(d0).sub(delta.mul(dd));
    DoubleVector root = qb.mul(qb).add(qa.mul(4.0).mul(s).mul(delta)).max(0.0).sqrt();
    DoubleVector xi = s.mul(2.0).mul(delta).div(qb.add(root)).min(1.0);
    DoubleVector u = xi.neg().add(1.0);
    DoubleVector t = xi.mul(u);
    DoubleVector den = s.add(dd.mul(t));
    DoubleVector num = s.mul(xi).mul(xi).add(d0.mul(t));
    DoubleVector m = s.add(d1.sub(s).mul(xi).mul(xi)).add(d0.sub(s).mul(u).mul(u));
    DoubleVector mXi = d1.sub(s).mul(2.0).mul(xi).sub(d0.sub(s).mul(2.0).mul(u));
    DoubleVector yXi = h.mul(s).mul(m).div(den.mul(den));
    DoubleVector ldXi = mXi.div(m).sub(dd.mul(2.0).mul(xi.mul(-2.0).add(1.0)).div(den));
    gx.mul(w).sub(gl.mul(ldXi)).div(yXi).intoArray(sc, G_MID * LANES);
    xi.intoArray(sc, XI * LANES);
    num.intoArray(sc, NUM * LANES);
    den.intoArray(sc, DEN * LANES);
    m.intoArray(sc, M * LANES);
  }

  /** The inverse adjoint's second phase: dL/dy and the parameter gradients' scratch rows, from dL/dy in G_MID. */
  private static void inverseAdjointParameters(double lo, double hi, double[] sc, double[] g, int gAt, double[] gradLogDet, int at,
      double[] out, int outAt) {
    DoubleVector v = DoubleVector.fromArray(SPECIES, sc, V * LANES);
    VectorMask<Double> outside = v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LE, hi)).not();
    DoubleVector h = DoubleVector.fromArray(SPECIES, sc, (SEARCH + WIDTH) * LANES);
    DoubleVector w = DoubleVector.fromArray(SPECIES, sc, (OTHER + WIDTH) * LANES);
    DoubleVector gx = DoubleVector.fromArray(SPECIES, g, gAt);
    DoubleVector gl = DoubleVector.fromArray(SPECIES, gradLogDet, at);
    DoubleVector xi = DoubleVector.fromArray(SPECIES, sc, XI * LANES);
    DoubleVector num = DoubleVector.fromArray(SPECIES, sc, NUM * LANES);
    DoubleVector den = DoubleVector.fromArray(SPECIES, sc, DEN * LANES);
    DoubleVector m = DoubleVector.fromArray(SPECIES, sc, M * LANES);
    DoubleVector gY = DoubleVector.fromArray(SPECIES, sc, G_MID * LANES);
    DoubleVector s = h.div(w);
    DoubleVector u = xi.neg().add(1.0);
    DoubleVector t = xi.mul(u);
    DoubleVector cy = gY.neg();
    DoubleVector cl = gl.neg();
    DoubleVector gNum = cy.mul(h).div(den);
    DoubleVector gDen = cy.neg().mul(h).mul(num).div(den.mul(den)).sub(cl.mul(2.0).div(den));
    DoubleVector gM = cl.div(m);
    DoubleVector gS = gNum.mul(xi).mul(xi).add(gDen.mul(t.mul(-2.0).add(1.0))).add(gM.mul(2.0).mul(t)).add(cl.mul(2.0).div(s));
    gY.blend(gx, outside).intoArray(out, outAt);
    cy.blend(0.0, outside).intoArray(sc, G_SEARCH_KNOT * LANES);
    cy.mul(num).div(den).add(gS.div(w)).blend(0.0, outside).intoArray(sc, G_SEARCH_WIDTH * LANES);
    gx.blend(0.0, outside).intoArray(sc, G_OTHER_KNOT * LANES);
    gx.mul(xi).sub(gS.mul(s).div(w)).blend(0.0, outside).intoArray(sc, G_OTHER_WIDTH * LANES);
    gNum.add(gDen).mul(t).add(gM.mul(u).mul(u)).blend(0.0, outside).intoArray(sc, G_D0 * LANES);
    gDen.mul(t).add(gM.mul(xi).mul(xi)).blend(0.0, outside).intoArray(sc, G_D1 * LANES);
  }

  /**
   * As ScalarSplineKernel.softmaxGradient, lane-wise: dL/dr_j = scale·e_j·(dL/dw_j − mean) with
   * dL/dw_j = gKnot for j &lt; k, gWidth for j = k, 0 beyond. The slots hold e_j on entry.
   */
  private static void softmaxGradient(double[] gradRaw, int gBase, int stride, int bins, double c, double[] sc,
      int axisRows, int gKnotRow, int gWidthRow) {
    DoubleVector kv = DoubleVector.fromArray(SPECIES, sc, KV * LANES);
    DoubleVector sum = DoubleVector.fromArray(SPECIES, sc, (axisRows + SUM) * LANES);
    DoubleVector scale = DoubleVector.broadcast(SPECIES, c).div(sum);
    DoubleVector gKnot = DoubleVector.fromArray(SPECIES, sc, gKnotRow * LANES);
    DoubleVector gWidth = DoubleVector.fromArray(SPECIES, sc, gWidthRow * LANES);
    DoubleVector pk = DoubleVector.fromArray(SPECIES, sc, (axisRows + PREFIX) * LANES);
    DoubleVector ek = DoubleVector.fromArray(SPECIES, sc, (axisRows + EK) * LANES);
    DoubleVector mean = gKnot.mul(pk).add(gWidth.mul(ek)).div(sum);
    DoubleVector zero = DoubleVector.zero(SPECIES);
    for (int j = 0; j < bins; j++) {
      DoubleVector gw = zero.blend(gKnot, kv.compare(VectorOperators.GT, j)).blend(gWidth, kv.compare(VectorOperators.EQ, j));
      int at = gBase + j * stride;
      scale.mul(DoubleVector.fromArray(SPECIES, gradRaw, at)).mul(gw.sub(mean)).intoArray(gradRaw, at);
    }
  }

  /** dL/d(raw derivative) = dL/dd · sigmoid(raw) at knots k and k+1, zero at the others. */
  private static void derivativeGradient(double[] gradRaw, int gBase, int stride, int count, double[] sc) {
    DoubleVector kv = DoubleVector.fromArray(SPECIES, sc, KV * LANES);
    DoubleVector r0 = DoubleVector.fromArray(SPECIES, sc, RD0 * LANES);
    DoubleVector r1 = DoubleVector.fromArray(SPECIES, sc, RD1 * LANES);
    // sigmoid(r) = 1/(1 + e) for r ≥ 0 and e/(1 + e) below, with e = exp(−|r|).
    DoubleVector e0 = r0.abs().neg().lanewise(VectorOperators.EXP);
    DoubleVector e1 = r1.abs().neg().lanewise(VectorOperators.EXP);
    DoubleVector s0 = e0.div(e0.add(1.0)).blend(DoubleVector.broadcast(SPECIES, 1.0).div(e0.add(1.0)), r0.compare(VectorOperators.GE, 0.0));
    DoubleVector s1 = e1.div(e1.add(1.0)).blend(DoubleVector.broadcast(SPECIES, 1.0).div(e1.add(1.0)), r1.compare(VectorOperators.GE, 0.0));
    DoubleVector g0 = DoubleVector.fromArray(SPECIES, sc, G_D0 * LANES).mul(s0);
    DoubleVector g1 = DoubleVector.fromArray(SPECIES, sc, G_D1 * LANES).mul(s1);
    DoubleVector zero = DoubleVector.zero(SPECIES);
    for (int j = 0; j < count; j++) {
      zero.blend(g0, kv.compare(VectorOperators.EQ, j)).blend(g1, kv.compare(VectorOperators.EQ, j - 1))
          .intoArray(gradRaw, gBase + j * stride);
    }
  }
}
