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
 * <p><b>Phases.</b> A pass runs over chunks of up to 256 points. Each chunk goes through small
 * phases (bin search, other-axis lookup, knot slopes, value or adjoint, raw gradients), each a
 * loop over the chunk's vectors, which hand lane values to each other through the rows of a
 * per-thread scratch block of about 40 rows × 256 doubles (80 KB, in L2), allocated once per
 * thread. Passes allocate nothing after that; callers need no workspace.
 *
 * <p>Loaded only through {@link VectorSupport#choose}; benchmarks and tests may construct it
 * directly when the module is present.
 */
public final class VectorSplineKernel implements SplineKernel {
  private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();

  public VectorSplineKernel() {}

  // Why so many phases: JDK 17's C2 inlines Vector API operations late, and in a compile that
  // has grown past its inlining node budget the last operations fail to intrinsify and box every
  // vector they touch (megabytes per ELBO step). Each phase therefore holds at most about 50 Vector
  // API calls, counting the broadcast behind a scalar operand (so constants, lo and hi are broadcast
  // once, before a phase's loop) and the calls of the small phases a driver inlines (C2 inlines a
  // hot callee of up to 325 bytecodes): slopes, slopeTerms, searchExponentials, the
  // log-determinants and inverseAdjoint, no more than about 50 calls' worth in any driver. The
  // budget is not a sharp line (it counts C2's nodes, which vary with profiles): forwardGeometry
  // at 51 calls failed in about one JVM in three, at 35 in none of 10. The phases call
  // no helpers that take or return vectors, so shared formulas are written out in each, in
  // ScalarSplineKernel's order of operations. ElboStepAllocationTest (engine.train) holds the line:
  // the M1 step allocated 4 MB on JDK 17 before.
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
  // Between the phases of an adjoint: ξ, the rational function's numerator N and denominator D,
  // the slope numerator M and ∂M/∂ξ (geometry and slopeTerms); dL/dξ of the forward or dL/dy of
  // the inverse (G_MID) and the adjoints of N, D and M (the adjoint phase); dL/ds (the searched
  // axis's phase, for the other axis's).
  private static final int XI = 22;
  private static final int NUM = 23;
  private static final int DEN = 24;
  private static final int M = 25;
  private static final int G_MID = 26;
  private static final int G_NUM = 27;
  private static final int G_DEN = 28;
  private static final int G_M = 29;
  private static final int M_XI = 30;
  private static final int G_S = 31;
  private static final int ROWS = 32;
  /** Points per sweep of a phase: a scratch row holds CHUNK doubles, so the block stays in L2. */
  private static final int CHUNK = 256;
  /** Row of the searched axis's first bin exponential; bin j's is row BIN_EXP + j. */
  private static final int BIN_EXP = ROWS;
  private static final ThreadLocal<double[]> SCRATCH = ThreadLocal.withInitial(() -> new double[ROWS * CHUNK]);
  private static final ThreadLocal<Tail> TAIL = ThreadLocal.withInitial(Tail::new);

  /** This thread's scratch block, with a row per bin after the ROWS fixed ones. */
  private static double[] scratch(int bins) {
    double[] sc = SCRATCH.get();
    if (sc.length < (ROWS + bins) * CHUNK) {
      sc = new double[(ROWS + bins) * CHUNK];
      SCRATCH.set(sc);
    }
    return sc;
  }

  @Override
  public void forward(int knots, double lo, double hi,
      double[] raw, int rawOff, int stride, double[] x, int xOff, double[] y, int yOff, double[] logDet, int len) {
    int bound = SPECIES.loopBound(len);
    int bins = knots + 1;
    double[] sc = bound > 0 ? scratch(bins) : null;
    double span = hi - lo - MIN_WIDTH * bins;
    for (int from = 0; from < bound; from += CHUNK) {
      int c = Math.min(CHUNK, bound - from);
      int base = rawOff + from;
      System.arraycopy(x, xOff + from, sc, V * CHUNK, c);
      searchExponentials(knots, raw, base, 0, stride, null, 0, sc, c);
      searchBins(knots, lo, hi, span, raw, base, stride, sc, c);
      locate(knots, lo, hi, span, raw, base, bins * stride, stride, null, 0, sc, c);
      slopes(sc, c);
      forwardValue(lo, hi, sc, y, yOff + from, c);
      forwardLogDet(lo, hi, sc, logDet, from, c);
    }
    if (bound < len) {
      valueTail(true, knots, lo, hi, raw, rawOff, stride, x, xOff, y, yOff, logDet, bound, len);
    }
  }

  @Override
  public void inverse(int knots, double lo, double hi,
      double[] raw, int rawOff, int stride, double[] y, int yOff, double[] x, int xOff, double[] logDet, int len) {
    int bound = SPECIES.loopBound(len);
    int bins = knots + 1;
    double[] sc = bound > 0 ? scratch(bins) : null;
    double span = hi - lo - MIN_WIDTH * bins;
    for (int from = 0; from < bound; from += CHUNK) {
      int c = Math.min(CHUNK, bound - from);
      int base = rawOff + from;
      System.arraycopy(y, yOff + from, sc, V * CHUNK, c);
      searchExponentials(knots, raw, base, bins * stride, stride, null, 0, sc, c);
      searchBins(knots, lo, hi, span, raw, base, stride, sc, c);
      locate(knots, lo, hi, span, raw, base, 0, stride, null, 0, sc, c);
      slopes(sc, c);
      inverseValue(lo, hi, sc, x, xOff + from, c);
      inverseLogDet(lo, hi, sc, logDet, from, c);
    }
    if (bound < len) {
      valueTail(false, knots, lo, hi, raw, rawOff, stride, y, yOff, x, xOff, logDet, bound, len);
    }
  }

  @Override
  public void forwardBackward(int knots, double lo, double hi,
      double[] raw, int rawOff, int stride, double[] x, int xOff,
      double[] gradY, int gradYOff, double[] gradLogDet,
      double[] gradX, int gradXOff, double[] gradRaw, int gradRawOff, int len) {
    int bound = SPECIES.loopBound(len);
    int bins = knots + 1;
    double[] sc = bound > 0 ? scratch(bins) : null;
    double span = hi - lo - MIN_WIDTH * bins;
    for (int from = 0; from < bound; from += CHUNK) {
      int c = Math.min(CHUNK, bound - from);
      int base = rawOff + from;
      int gBase = gradRawOff + from;
      System.arraycopy(x, xOff + from, sc, V * CHUNK, c);
      searchExponentials(knots, raw, base, 0, stride, gradRaw, gBase, sc, c);
      searchBins(knots, lo, hi, span, raw, base, stride, sc, c);
      locate(knots, lo, hi, span, raw, base, bins * stride, stride, gradRaw, gBase, sc, c);
      slopes(sc, c);
      forwardGeometry(lo, hi, sc, c);
      slopeTerms(sc, OTHER + WIDTH, SEARCH + WIDTH, c);
      forwardAdjoint(sc, gradY, gradYOff + from, gradLogDet, from, c);
      forwardAdjointSearched(lo, hi, sc, gradY, gradYOff + from, gradLogDet, from, gradX, gradXOff + from, c);
      forwardAdjointOther(lo, hi, sc, gradY, gradYOff + from, c);
      rawGradients(gradRaw, gBase, gBase + bins * stride, gBase + 2 * bins * stride, stride, knots, span, sc, c);
    }
    if (bound < len) {
      backwardTail(true, knots, lo, hi, raw, rawOff, stride, x, xOff, gradY, gradYOff, gradLogDet, gradX, gradXOff,
          gradRaw, gradRawOff, bound, len);
    }
  }

  @Override
  public void inverseBackward(int knots, double lo, double hi,
      double[] raw, int rawOff, int stride, double[] y, int yOff,
      double[] gradX, int gradXOff, double[] gradLogDet,
      double[] gradY, int gradYOff, double[] gradRaw, int gradRawOff, int len) {
    int bound = SPECIES.loopBound(len);
    int bins = knots + 1;
    double[] sc = bound > 0 ? scratch(bins) : null;
    double span = hi - lo - MIN_WIDTH * bins;
    for (int from = 0; from < bound; from += CHUNK) {
      int c = Math.min(CHUNK, bound - from);
      int base = rawOff + from;
      int gBase = gradRawOff + from;
      System.arraycopy(y, yOff + from, sc, V * CHUNK, c);
      searchExponentials(knots, raw, base, bins * stride, stride, gradRaw, gBase, sc, c);
      searchBins(knots, lo, hi, span, raw, base, stride, sc, c);
      locate(knots, lo, hi, span, raw, base, 0, stride, gradRaw, gBase, sc, c);
      slopes(sc, c);
      inverseGeometry(lo, hi, sc, c);
      slopeTerms(sc, SEARCH + WIDTH, OTHER + WIDTH, c);
      inverseAdjoint(sc, gradX, gradXOff + from, gradLogDet, from, c);
      inverseAdjointSearched(lo, hi, sc, gradX, gradXOff + from, gradLogDet, from, gradY, gradYOff + from, c);
      inverseAdjointOther(lo, hi, sc, gradX, gradXOff + from, c);
      rawGradients(gradRaw, gBase + bins * stride, gBase, gBase + 2 * bins * stride, stride, knots, span, sc, c);
    }
    if (bound < len) {
      backwardTail(false, knots, lo, hi, raw, rawOff, stride, y, yOff, gradX, gradXOff, gradLogDet, gradY, gradYOff,
          gradRaw, gradRawOff, bound, len);
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
   * Bin search on the searched axis, first phase: the bin exponentials exp(r_j − max r) into rows
   * BIN_EXP + j (and, in a backward pass, their gradRaw slots), and their sum into SEARCH + SUM.
   */
  private static void searchExponentials(int knots, double[] raw, int base, int axis, int stride,
      double[] gradRaw, int gBase, double[] sc, int c) {
    int bins = knots + 1;
    for (int i = 0; i < c; i += LANES) {
      DoubleVector mx = DoubleVector.fromArray(SPECIES, raw, base + i + axis);
      for (int j = 1; j < bins; j++) {
        mx = mx.max(DoubleVector.fromArray(SPECIES, raw, base + i + axis + j * stride));
      }
      // The exponentials go to scratch rows, so that the search below reads them instead of
      // calling EXP for each bin a second time.
      DoubleVector sum = DoubleVector.zero(SPECIES);
      for (int j = 0; j < bins; j++) {
        DoubleVector e = DoubleVector.fromArray(SPECIES, raw, base + i + axis + j * stride).sub(mx).lanewise(VectorOperators.EXP);
        if (gradRaw != null) {
          e.intoArray(gradRaw, gBase + i + axis + j * stride);
        }
        e.intoArray(sc, (BIN_EXP + j) * CHUNK + i);
        sum = sum.add(e);
      }
      sum.intoArray(sc, (SEARCH + SUM) * CHUNK + i);
    }
  }

  /**
   * Bin search, second phase: k is the last j in [0, K] whose knot lo + (j·m + scale·P_j) the
   * input has reached. Writes k, the bin's knot, width, prefix sum and exponential, and the raw
   * derivatives at knots k and k+1. {@code span} = hi − lo − (K+1)·MIN_WIDTH is the part of the
   * interval the softmax shares out (the drivers compute it once).
   */
  private static void searchBins(int knots, double lo, double hi, double span, double[] raw, int base, int stride,
      double[] sc, int c) {
    int bins = knots + 1;
    int dOff = 2 * bins * stride;
    DoubleVector vlo = DoubleVector.broadcast(SPECIES, lo);
    DoubleVector vhi = DoubleVector.broadcast(SPECIES, hi);
    DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
    DoubleVector vSpan = DoubleVector.broadcast(SPECIES, span);
    for (int i = 0; i < c; i += LANES) {
      DoubleVector v = DoubleVector.fromArray(SPECIES, sc, V * CHUNK + i);
      DoubleVector vc = v.blend(vlo, v.compare(VectorOperators.GE, vlo).and(v.compare(VectorOperators.LE, vhi)).not());
      DoubleVector sum = DoubleVector.fromArray(SPECIES, sc, (SEARCH + SUM) * CHUNK + i);
      DoubleVector scale = vSpan.div(sum);
      DoubleVector kv = DoubleVector.zero(SPECIES);
      DoubleVector pk = kv;
      DoubleVector ek = DoubleVector.fromArray(SPECIES, sc, BIN_EXP * CHUNK + i);
      DoubleVector prefix = ek;
      DoubleVector rd0 = DoubleVector.fromArray(SPECIES, raw, base + i + dOff);
      DoubleVector rd1 = DoubleVector.fromArray(SPECIES, raw, base + i + dOff + stride);
      for (int j = 1; j < bins; j++) {
        DoubleVector e = DoubleVector.fromArray(SPECIES, sc, (BIN_EXP + j) * CHUNK + i);
        VectorMask<Double> sel = vc.compare(VectorOperators.GE, scale.mul(prefix).add(j * MIN_WIDTH).add(vlo));
        kv = kv.blend(j, sel);
        pk = pk.blend(prefix, sel);
        ek = ek.blend(e, sel);
        rd0 = rd0.blend(DoubleVector.fromArray(SPECIES, raw, base + i + dOff + j * stride), sel);
        rd1 = rd1.blend(DoubleVector.fromArray(SPECIES, raw, base + i + dOff + (j + 1) * stride), sel);
        prefix = prefix.add(e);
      }
      DoubleVector left = scale.mul(pk).add(kv.mul(MIN_WIDTH)).add(vlo);
      DoubleVector right = scale.mul(pk.add(ek)).add(kv.add(one).mul(MIN_WIDTH)).add(vlo);
      right = right.blend(vhi, kv.compare(VectorOperators.EQ, knots));
      kv.intoArray(sc, KV * CHUNK + i);
      left.intoArray(sc, (SEARCH + KNOT) * CHUNK + i);
      right.sub(left).intoArray(sc, (SEARCH + WIDTH) * CHUNK + i);
      pk.intoArray(sc, (SEARCH + PREFIX) * CHUNK + i);
      ek.intoArray(sc, (SEARCH + EK) * CHUNK + i);
      rd0.intoArray(sc, RD0 * CHUNK + i);
      rd1.intoArray(sc, RD1 * CHUNK + i);
    }
  }

  /** Bin k on the other axis: its knot, width, prefix sum, exponential and softmax sum. */
  private static void locate(int knots, double lo, double hi, double span, double[] raw, int base, int axis, int stride,
      double[] gradRaw, int gBase, double[] sc, int c) {
    int bins = knots + 1;
    DoubleVector vlo = DoubleVector.broadcast(SPECIES, lo);
    DoubleVector vhi = DoubleVector.broadcast(SPECIES, hi);
    DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
    DoubleVector vSpan = DoubleVector.broadcast(SPECIES, span);
    for (int i = 0; i < c; i += LANES) {
      DoubleVector kv = DoubleVector.fromArray(SPECIES, sc, KV * CHUNK + i);
      DoubleVector mx = DoubleVector.fromArray(SPECIES, raw, base + i + axis);
      for (int j = 1; j < bins; j++) {
        mx = mx.max(DoubleVector.fromArray(SPECIES, raw, base + i + axis + j * stride));
      }
      DoubleVector pk = DoubleVector.zero(SPECIES);
      DoubleVector ek = pk;
      DoubleVector prefix = pk;
      for (int j = 0; j < bins; j++) {
        DoubleVector e = DoubleVector.fromArray(SPECIES, raw, base + i + axis + j * stride).sub(mx).lanewise(VectorOperators.EXP);
        if (gradRaw != null) {
          e.intoArray(gradRaw, gBase + i + axis + j * stride);
        }
        VectorMask<Double> sel = kv.compare(VectorOperators.EQ, j);
        pk = pk.blend(prefix, sel);
        ek = ek.blend(e, sel);
        prefix = prefix.add(e);
      }
      DoubleVector scale = vSpan.div(prefix);
      DoubleVector left = scale.mul(pk).add(kv.mul(MIN_WIDTH)).add(vlo);
      DoubleVector right = scale.mul(pk.add(ek)).add(kv.add(one).mul(MIN_WIDTH)).add(vlo);
      right = right.blend(vhi, kv.compare(VectorOperators.EQ, knots));
      left.intoArray(sc, (OTHER + KNOT) * CHUNK + i);
      right.sub(left).intoArray(sc, (OTHER + WIDTH) * CHUNK + i);
      pk.intoArray(sc, (OTHER + PREFIX) * CHUNK + i);
      ek.intoArray(sc, (OTHER + EK) * CHUNK + i);
      prefix.intoArray(sc, (OTHER + SUM) * CHUNK + i);
    }
  }

  /**
   * Knot slopes d = softplus(raw) + MIN_DERIVATIVE, with softplus(r) = max(r, 0) + log1p(exp(−|r|)),
   * for rows RD0 and RD1 into D0 and D1 (adjacent rows, one loop: half the lane operations for C2 to
   * inline).
   */
  private static void slopes(double[] sc, int c) {
    for (int row = 0; row < 2 * CHUNK; row += CHUNK) {
      for (int i = row; i < row + c; i += LANES) {
        DoubleVector r = DoubleVector.fromArray(SPECIES, sc, RD0 * CHUNK + i);
        r.max(0.0).add(r.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P)).add(MIN_DERIVATIVE)
            .intoArray(sc, D0 * CHUNK + i);
      }
    }
  }

  /** RationalQuadraticBin.value, lane-wise; leaves ξ and the denominator for {@link #forwardLogDet}. */
  private static void forwardValue(double lo, double hi, double[] sc, double[] out, int outAt, int c) {
    DoubleVector vlo = DoubleVector.broadcast(SPECIES, lo);
    DoubleVector vhi = DoubleVector.broadcast(SPECIES, hi);
    DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
    DoubleVector two = DoubleVector.broadcast(SPECIES, 2.0);
    for (int i = 0; i < c; i += LANES) {
      DoubleVector v = DoubleVector.fromArray(SPECIES, sc, V * CHUNK + i);
      VectorMask<Double> outside = v.compare(VectorOperators.GE, vlo).and(v.compare(VectorOperators.LE, vhi)).not();
      DoubleVector vc = v.blend(vlo, outside);
      DoubleVector xk = DoubleVector.fromArray(SPECIES, sc, (SEARCH + KNOT) * CHUNK + i);
      DoubleVector w = DoubleVector.fromArray(SPECIES, sc, (SEARCH + WIDTH) * CHUNK + i);
      DoubleVector yk = DoubleVector.fromArray(SPECIES, sc, (OTHER + KNOT) * CHUNK + i);
      DoubleVector h = DoubleVector.fromArray(SPECIES, sc, (OTHER + WIDTH) * CHUNK + i);
      DoubleVector d0 = DoubleVector.fromArray(SPECIES, sc, D0 * CHUNK + i);
      DoubleVector d1 = DoubleVector.fromArray(SPECIES, sc, D1 * CHUNK + i);
      DoubleVector s = h.div(w);
      DoubleVector xi = vc.sub(xk).div(w).min(one);
      DoubleVector u = xi.neg().add(one);
      DoubleVector t = xi.mul(u);
      DoubleVector dd = d0.add(d1).sub(s.mul(two));
      DoubleVector den = s.add(dd.mul(t));
      DoubleVector correction = h.mul(t).mul(d0.sub(s).sub(dd.mul(xi))).div(den);
      vc.add(yk.sub(xk)).add(s.sub(one).mul(vc.sub(xk))).add(correction).max(vlo).min(vhi)
          .blend(v, outside).intoArray(out, outAt + i);
      xi.intoArray(sc, XI * CHUNK + i);
      den.intoArray(sc, DEN * CHUNK + i);
    }
  }

  /** RationalQuadraticBin.logSlope, lane-wise, added to the log-determinant. */
  private static void forwardLogDet(double lo, double hi, double[] sc, double[] logDet, int at, int c) {
    DoubleVector vlo = DoubleVector.broadcast(SPECIES, lo);
    DoubleVector vhi = DoubleVector.broadcast(SPECIES, hi);
    DoubleVector zero = DoubleVector.zero(SPECIES);
    DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
    for (int i = 0; i < c; i += LANES) {
      DoubleVector v = DoubleVector.fromArray(SPECIES, sc, V * CHUNK + i);
      VectorMask<Double> outside = v.compare(VectorOperators.GE, vlo).and(v.compare(VectorOperators.LE, vhi)).not();
      DoubleVector w = DoubleVector.fromArray(SPECIES, sc, (SEARCH + WIDTH) * CHUNK + i);
      DoubleVector h = DoubleVector.fromArray(SPECIES, sc, (OTHER + WIDTH) * CHUNK + i);
      DoubleVector d0 = DoubleVector.fromArray(SPECIES, sc, D0 * CHUNK + i);
      DoubleVector d1 = DoubleVector.fromArray(SPECIES, sc, D1 * CHUNK + i);
      DoubleVector xi = DoubleVector.fromArray(SPECIES, sc, XI * CHUNK + i);
      DoubleVector den = DoubleVector.fromArray(SPECIES, sc, DEN * CHUNK + i);
      DoubleVector s = h.div(w);
      DoubleVector u = xi.neg().add(one);
      DoubleVector m = s.add(d1.sub(s).mul(xi).mul(xi)).add(d0.sub(s).mul(u).mul(u));
      DoubleVector r = s.div(den);
      DoubleVector ld = r.mul(r).mul(m).lanewise(VectorOperators.LOG).blend(zero, outside);
      DoubleVector.fromArray(SPECIES, logDet, at + i).add(ld).intoArray(logDet, at + i);
    }
  }

  /** The stable root of Durkan et al. 2019, eqs. 6-8, as RationalQuadraticBin.inversePosition; leaves ξ for {@link #inverseLogDet}. */
  private static void inverseValue(double lo, double hi, double[] sc, double[] out, int outAt, int c) {
    DoubleVector vlo = DoubleVector.broadcast(SPECIES, lo);
    DoubleVector vhi = DoubleVector.broadcast(SPECIES, hi);
    DoubleVector zero = DoubleVector.zero(SPECIES);
    DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
    DoubleVector two = DoubleVector.broadcast(SPECIES, 2.0);
    DoubleVector four = DoubleVector.broadcast(SPECIES, 4.0);
    for (int i = 0; i < c; i += LANES) {
      DoubleVector v = DoubleVector.fromArray(SPECIES, sc, V * CHUNK + i);
      VectorMask<Double> outside = v.compare(VectorOperators.GE, vlo).and(v.compare(VectorOperators.LE, vhi)).not();
      DoubleVector vc = v.blend(vlo, outside);
      DoubleVector yk = DoubleVector.fromArray(SPECIES, sc, (SEARCH + KNOT) * CHUNK + i);
      DoubleVector h = DoubleVector.fromArray(SPECIES, sc, (SEARCH + WIDTH) * CHUNK + i);
      DoubleVector xk = DoubleVector.fromArray(SPECIES, sc, (OTHER + KNOT) * CHUNK + i);
      DoubleVector w = DoubleVector.fromArray(SPECIES, sc, (OTHER + WIDTH) * CHUNK + i);
      DoubleVector d0 = DoubleVector.fromArray(SPECIES, sc, D0 * CHUNK + i);
      DoubleVector d1 = DoubleVector.fromArray(SPECIES, sc, D1 * CHUNK + i);
      DoubleVector s = h.div(w);
      DoubleVector delta = vc.sub(yk);
      DoubleVector dd = d0.add(d1).sub(s.mul(two));
      DoubleVector qa = h.mul(s.sub(d0)).add(delta.mul(dd));
      DoubleVector qb = h.mul(d0).sub(delta.mul(dd));
      DoubleVector root = qb.mul(qb).add(qa.mul(four).mul(s).mul(delta)).max(zero).sqrt();
      DoubleVector qden = qb.add(root);
      DoubleVector xi = s.mul(two).mul(delta).div(qden).min(one);
      vc.add(xk.sub(yk)).add(delta.mul(h.mul(two).sub(qb).sub(root)).div(qden)).max(vlo).min(vhi)
          .blend(v, outside).intoArray(out, outAt + i);
      xi.intoArray(sc, XI * CHUNK + i);
    }
  }

  /** −logSlope at the ξ {@link #inverseValue} found, added to the log-determinant. */
  private static void inverseLogDet(double lo, double hi, double[] sc, double[] logDet, int at, int c) {
    DoubleVector vlo = DoubleVector.broadcast(SPECIES, lo);
    DoubleVector vhi = DoubleVector.broadcast(SPECIES, hi);
    DoubleVector zero = DoubleVector.zero(SPECIES);
    DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
    DoubleVector two = DoubleVector.broadcast(SPECIES, 2.0);
    for (int i = 0; i < c; i += LANES) {
      DoubleVector v = DoubleVector.fromArray(SPECIES, sc, V * CHUNK + i);
      VectorMask<Double> outside = v.compare(VectorOperators.GE, vlo).and(v.compare(VectorOperators.LE, vhi)).not();
      DoubleVector h = DoubleVector.fromArray(SPECIES, sc, (SEARCH + WIDTH) * CHUNK + i);
      DoubleVector w = DoubleVector.fromArray(SPECIES, sc, (OTHER + WIDTH) * CHUNK + i);
      DoubleVector d0 = DoubleVector.fromArray(SPECIES, sc, D0 * CHUNK + i);
      DoubleVector d1 = DoubleVector.fromArray(SPECIES, sc, D1 * CHUNK + i);
      DoubleVector xi = DoubleVector.fromArray(SPECIES, sc, XI * CHUNK + i);
      DoubleVector s = h.div(w);
      DoubleVector dd = d0.add(d1).sub(s.mul(two));
      DoubleVector u = xi.neg().add(one);
      DoubleVector den = s.add(dd.mul(xi.mul(u)));
      DoubleVector m = s.add(d1.sub(s).mul(xi).mul(xi)).add(d0.sub(s).mul(u).mul(u));
      DoubleVector r = s.div(den);
      DoubleVector ld = r.mul(r).mul(m).lanewise(VectorOperators.LOG).blend(zero, outside);
      DoubleVector.fromArray(SPECIES, logDet, at + i).sub(ld).intoArray(logDet, at + i);
    }
  }

  /**
   * The forward adjoint's first phase: ξ = (x − x_k)/w and the rational function's numerator N
   * and denominator D, into scratch rows ({@link #slopeTerms} adds M and ∂M/∂ξ).
   */
  private static void forwardGeometry(double lo, double hi, double[] sc, int c) {
    DoubleVector vlo = DoubleVector.broadcast(SPECIES, lo);
    DoubleVector vhi = DoubleVector.broadcast(SPECIES, hi);
    DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
    DoubleVector two = DoubleVector.broadcast(SPECIES, 2.0);
    for (int i = 0; i < c; i += LANES) {
      DoubleVector v = DoubleVector.fromArray(SPECIES, sc, V * CHUNK + i);
      VectorMask<Double> outside = v.compare(VectorOperators.GE, vlo).and(v.compare(VectorOperators.LE, vhi)).not();
      DoubleVector vc = v.blend(vlo, outside);
      DoubleVector xk = DoubleVector.fromArray(SPECIES, sc, (SEARCH + KNOT) * CHUNK + i);
      DoubleVector w = DoubleVector.fromArray(SPECIES, sc, (SEARCH + WIDTH) * CHUNK + i);
      DoubleVector h = DoubleVector.fromArray(SPECIES, sc, (OTHER + WIDTH) * CHUNK + i);
      DoubleVector d0 = DoubleVector.fromArray(SPECIES, sc, D0 * CHUNK + i);
      DoubleVector d1 = DoubleVector.fromArray(SPECIES, sc, D1 * CHUNK + i);
      DoubleVector s = h.div(w);
      DoubleVector xi = vc.sub(xk).div(w).min(one);
      DoubleVector u = xi.neg().add(one);
      DoubleVector t = xi.mul(u);
      DoubleVector dd = d0.add(d1).sub(s.mul(two));
      xi.intoArray(sc, XI * CHUNK + i);
      s.add(dd.mul(t)).intoArray(sc, DEN * CHUNK + i);
      s.mul(xi).mul(xi).add(d0.mul(t)).intoArray(sc, NUM * CHUNK + i);
    }
  }

  /**
   * The slope numerator M = s + (d1 − s)ξ² + (d0 − s)(1 − ξ)² and ∂M/∂ξ, from the ξ a geometry
   * phase left, into rows M and M_XI. Rows hRow and wRow hold the bin's height and width (the
   * searched axis is x in the forward pass, y in the inverse).
   */
  private static void slopeTerms(double[] sc, int hRow, int wRow, int c) {
    DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
    DoubleVector two = DoubleVector.broadcast(SPECIES, 2.0);
    for (int i = 0; i < c; i += LANES) {
      DoubleVector h = DoubleVector.fromArray(SPECIES, sc, hRow * CHUNK + i);
      DoubleVector w = DoubleVector.fromArray(SPECIES, sc, wRow * CHUNK + i);
      DoubleVector d0 = DoubleVector.fromArray(SPECIES, sc, D0 * CHUNK + i);
      DoubleVector d1 = DoubleVector.fromArray(SPECIES, sc, D1 * CHUNK + i);
      DoubleVector xi = DoubleVector.fromArray(SPECIES, sc, XI * CHUNK + i);
      DoubleVector s = h.div(w);
      DoubleVector u = xi.neg().add(one);
      s.add(d1.sub(s).mul(xi).mul(xi)).add(d0.sub(s).mul(u).mul(u)).intoArray(sc, M * CHUNK + i);
      d1.sub(s).mul(two).mul(xi).sub(d0.sub(s).mul(two).mul(u)).intoArray(sc, M_XI * CHUNK + i);
    }
  }

  /**
   * Adjoint of y = y_k + h·N/D and log-det = log(s²M/D²) at fixed ξ and s, as
   * ScalarSplineKernel.forwardPoint: dL/dξ into G_MID and the adjoints of N, D and M, from
   * {@link #forwardGeometry}'s rows. {@link #forwardAdjointSearched} and
   * {@link #forwardAdjointOther} carry them on to dL/dx and the parameters. (Four small phases,
   * not one method: past C2's inlining node budget JDK 17 boxes a phase's last vectors.)
   */
  private static void forwardAdjoint(double[] sc, double[] g, int gAt, double[] gradLogDet, int at, int c) {
    DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
    DoubleVector two = DoubleVector.broadcast(SPECIES, 2.0);
    DoubleVector minusTwo = DoubleVector.broadcast(SPECIES, -2.0);
    for (int i = 0; i < c; i += LANES) {
      DoubleVector w = DoubleVector.fromArray(SPECIES, sc, (SEARCH + WIDTH) * CHUNK + i);
      DoubleVector h = DoubleVector.fromArray(SPECIES, sc, (OTHER + WIDTH) * CHUNK + i);
      DoubleVector d0 = DoubleVector.fromArray(SPECIES, sc, D0 * CHUNK + i);
      DoubleVector d1 = DoubleVector.fromArray(SPECIES, sc, D1 * CHUNK + i);
      DoubleVector gy = DoubleVector.fromArray(SPECIES, g, gAt + i);
      DoubleVector gl = DoubleVector.fromArray(SPECIES, gradLogDet, at + i);
      DoubleVector xi = DoubleVector.fromArray(SPECIES, sc, XI * CHUNK + i);
      DoubleVector num = DoubleVector.fromArray(SPECIES, sc, NUM * CHUNK + i);
      DoubleVector den = DoubleVector.fromArray(SPECIES, sc, DEN * CHUNK + i);
      DoubleVector m = DoubleVector.fromArray(SPECIES, sc, M * CHUNK + i);
      DoubleVector mXi = DoubleVector.fromArray(SPECIES, sc, M_XI * CHUNK + i);
      DoubleVector s = h.div(w);
      DoubleVector dd = d0.add(d1).sub(s.mul(two));
      DoubleVector oneMinus2Xi = xi.mul(minusTwo).add(one);
      DoubleVector gNum = gy.mul(h).div(den);
      DoubleVector gDen = gy.neg().mul(h).mul(num).div(den.mul(den)).sub(gl.mul(two).div(den));
      DoubleVector gM = gl.div(m);
      gNum.mul(s.mul(two).mul(xi).add(d0.mul(oneMinus2Xi))).add(gDen.mul(dd).mul(oneMinus2Xi)).add(gM.mul(mXi))
          .intoArray(sc, G_MID * CHUNK + i);
      gNum.intoArray(sc, G_NUM * CHUNK + i);
      gDen.intoArray(sc, G_DEN * CHUNK + i);
      gM.intoArray(sc, G_M * CHUNK + i);
    }
  }

  /**
   * dL/dx, through ξ = (x − x_k)/w, and the adjoints of the searched axis's knot and width, from
   * dL/dξ in G_MID; leaves dL/ds in G_S. Zero outside, where dL/dx is dL/dy.
   */
  private static void forwardAdjointSearched(double lo, double hi, double[] sc, double[] g, int gAt, double[] gradLogDet, int at,
      double[] out, int outAt, int c) {
    DoubleVector vlo = DoubleVector.broadcast(SPECIES, lo);
    DoubleVector vhi = DoubleVector.broadcast(SPECIES, hi);
    DoubleVector zero = DoubleVector.zero(SPECIES);
    DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
    DoubleVector two = DoubleVector.broadcast(SPECIES, 2.0);
    DoubleVector minusTwo = DoubleVector.broadcast(SPECIES, -2.0);
    for (int i = 0; i < c; i += LANES) {
      DoubleVector v = DoubleVector.fromArray(SPECIES, sc, V * CHUNK + i);
      VectorMask<Double> outside = v.compare(VectorOperators.GE, vlo).and(v.compare(VectorOperators.LE, vhi)).not();
      DoubleVector w = DoubleVector.fromArray(SPECIES, sc, (SEARCH + WIDTH) * CHUNK + i);
      DoubleVector h = DoubleVector.fromArray(SPECIES, sc, (OTHER + WIDTH) * CHUNK + i);
      DoubleVector gy = DoubleVector.fromArray(SPECIES, g, gAt + i);
      DoubleVector gl = DoubleVector.fromArray(SPECIES, gradLogDet, at + i);
      DoubleVector xi = DoubleVector.fromArray(SPECIES, sc, XI * CHUNK + i);
      DoubleVector gXi = DoubleVector.fromArray(SPECIES, sc, G_MID * CHUNK + i);
      DoubleVector gNum = DoubleVector.fromArray(SPECIES, sc, G_NUM * CHUNK + i);
      DoubleVector gDen = DoubleVector.fromArray(SPECIES, sc, G_DEN * CHUNK + i);
      DoubleVector gM = DoubleVector.fromArray(SPECIES, sc, G_M * CHUNK + i);
      DoubleVector s = h.div(w);
      DoubleVector u = xi.neg().add(one);
      DoubleVector t = xi.mul(u);
      DoubleVector gS = gNum.mul(xi).mul(xi).add(gDen.mul(t.mul(minusTwo).add(one))).add(gM.mul(two).mul(t)).add(gl.mul(two).div(s));
      gS.intoArray(sc, G_S * CHUNK + i);
      gXi.div(w).blend(gy, outside).intoArray(out, outAt + i);
      gXi.neg().div(w).blend(zero, outside).intoArray(sc, G_SEARCH_KNOT * CHUNK + i);
      gXi.mul(xi).add(gS.mul(s)).neg().div(w).blend(zero, outside).intoArray(sc, G_SEARCH_WIDTH * CHUNK + i);
    }
  }

  /** The adjoints of the other axis's knot and width and of both knot slopes, zero outside. */
  private static void forwardAdjointOther(double lo, double hi, double[] sc, double[] g, int gAt, int c) {
    DoubleVector vlo = DoubleVector.broadcast(SPECIES, lo);
    DoubleVector vhi = DoubleVector.broadcast(SPECIES, hi);
    DoubleVector zero = DoubleVector.zero(SPECIES);
    DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
    for (int i = 0; i < c; i += LANES) {
      DoubleVector v = DoubleVector.fromArray(SPECIES, sc, V * CHUNK + i);
      VectorMask<Double> outside = v.compare(VectorOperators.GE, vlo).and(v.compare(VectorOperators.LE, vhi)).not();
      DoubleVector w = DoubleVector.fromArray(SPECIES, sc, (SEARCH + WIDTH) * CHUNK + i);
      DoubleVector gy = DoubleVector.fromArray(SPECIES, g, gAt + i);
      DoubleVector xi = DoubleVector.fromArray(SPECIES, sc, XI * CHUNK + i);
      DoubleVector num = DoubleVector.fromArray(SPECIES, sc, NUM * CHUNK + i);
      DoubleVector den = DoubleVector.fromArray(SPECIES, sc, DEN * CHUNK + i);
      DoubleVector gNum = DoubleVector.fromArray(SPECIES, sc, G_NUM * CHUNK + i);
      DoubleVector gDen = DoubleVector.fromArray(SPECIES, sc, G_DEN * CHUNK + i);
      DoubleVector gM = DoubleVector.fromArray(SPECIES, sc, G_M * CHUNK + i);
      DoubleVector gS = DoubleVector.fromArray(SPECIES, sc, G_S * CHUNK + i);
      DoubleVector u = xi.neg().add(one);
      DoubleVector t = xi.mul(u);
      gy.blend(zero, outside).intoArray(sc, G_OTHER_KNOT * CHUNK + i);
      gy.mul(num).div(den).add(gS.div(w)).blend(zero, outside).intoArray(sc, G_OTHER_WIDTH * CHUNK + i);
      gNum.add(gDen).mul(t).add(gM.mul(u).mul(u)).blend(zero, outside).intoArray(sc, G_D0 * CHUNK + i);
      gDen.mul(t).add(gM.mul(xi).mul(xi)).blend(zero, outside).intoArray(sc, G_D1 * CHUNK + i);
    }
  }

  /**
   * The inverse adjoint's first phase, as ScalarSplineKernel.inversePoint: ξ from the stable root,
   * then N and D, into scratch rows ({@link #slopeTerms} adds M and ∂M/∂ξ).
   */
  private static void inverseGeometry(double lo, double hi, double[] sc, int c) {
    DoubleVector vlo = DoubleVector.broadcast(SPECIES, lo);
    DoubleVector vhi = DoubleVector.broadcast(SPECIES, hi);
    DoubleVector zero = DoubleVector.zero(SPECIES);
    DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
    DoubleVector two = DoubleVector.broadcast(SPECIES, 2.0);
    DoubleVector four = DoubleVector.broadcast(SPECIES, 4.0);
    for (int i = 0; i < c; i += LANES) {
      DoubleVector v = DoubleVector.fromArray(SPECIES, sc, V * CHUNK + i);
      VectorMask<Double> outside = v.compare(VectorOperators.GE, vlo).and(v.compare(VectorOperators.LE, vhi)).not();
      DoubleVector vc = v.blend(vlo, outside);
      DoubleVector yk = DoubleVector.fromArray(SPECIES, sc, (SEARCH + KNOT) * CHUNK + i);
      DoubleVector h = DoubleVector.fromArray(SPECIES, sc, (SEARCH + WIDTH) * CHUNK + i);
      DoubleVector w = DoubleVector.fromArray(SPECIES, sc, (OTHER + WIDTH) * CHUNK + i);
      DoubleVector d0 = DoubleVector.fromArray(SPECIES, sc, D0 * CHUNK + i);
      DoubleVector d1 = DoubleVector.fromArray(SPECIES, sc, D1 * CHUNK + i);
      DoubleVector s = h.div(w);
      DoubleVector delta = vc.sub(yk);
      DoubleVector dd = d0.add(d1).sub(s.mul(two));
      DoubleVector qa = h.mul(s.sub(d0)).add(delta.mul(dd));
      DoubleVector qb = h.mul(d0).sub(delta.mul(dd));
      DoubleVector root = qb.mul(qb).add(qa.mul(four).mul(s).mul(delta)).max(zero).sqrt();
      DoubleVector xi = s.mul(two).mul(delta).div(qb.add(root)).min(one);
      DoubleVector u = xi.neg().add(one);
      DoubleVector t = xi.mul(u);
      xi.intoArray(sc, XI * CHUNK + i);
      s.add(dd.mul(t)).intoArray(sc, DEN * CHUNK + i);
      s.mul(xi).mul(xi).add(d0.mul(t)).intoArray(sc, NUM * CHUNK + i);
    }
  }

  /**
   * Adjoint of the inverse pass by the implicit function theorem: dL/dy = (dL/dx·w −
   * dL/dlogDet·∂logdet/∂ξ)/Y_ξ into G_MID, and the adjoints of N, D and M. The parameters get
   * their direct part plus −dL/dy·∂Y/∂θ at fixed ξ, in {@link #inverseAdjointSearched} and
   * {@link #inverseAdjointOther}.
   */
  private static void inverseAdjoint(double[] sc, double[] g, int gAt, double[] gradLogDet, int at, int c) {
    DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
    DoubleVector two = DoubleVector.broadcast(SPECIES, 2.0);
    DoubleVector minusTwo = DoubleVector.broadcast(SPECIES, -2.0);
    for (int i = 0; i < c; i += LANES) {
      DoubleVector h = DoubleVector.fromArray(SPECIES, sc, (SEARCH + WIDTH) * CHUNK + i);
      DoubleVector w = DoubleVector.fromArray(SPECIES, sc, (OTHER + WIDTH) * CHUNK + i);
      DoubleVector d0 = DoubleVector.fromArray(SPECIES, sc, D0 * CHUNK + i);
      DoubleVector d1 = DoubleVector.fromArray(SPECIES, sc, D1 * CHUNK + i);
      DoubleVector gx = DoubleVector.fromArray(SPECIES, g, gAt + i);
      DoubleVector gl = DoubleVector.fromArray(SPECIES, gradLogDet, at + i);
      DoubleVector xi = DoubleVector.fromArray(SPECIES, sc, XI * CHUNK + i);
      DoubleVector den = DoubleVector.fromArray(SPECIES, sc, DEN * CHUNK + i);
      DoubleVector m = DoubleVector.fromArray(SPECIES, sc, M * CHUNK + i);
      DoubleVector mXi = DoubleVector.fromArray(SPECIES, sc, M_XI * CHUNK + i);
      DoubleVector s = h.div(w);
      DoubleVector dd = d0.add(d1).sub(s.mul(two));
      DoubleVector yXi = h.mul(s).mul(m).div(den.mul(den));
      DoubleVector ldXi = mXi.div(m).sub(dd.mul(two).mul(xi.mul(minusTwo).add(one)).div(den));
      DoubleVector gY = gx.mul(w).sub(gl.mul(ldXi)).div(yXi);
      gY.intoArray(sc, G_MID * CHUNK + i);
      // The adjoints of N, D and M at fixed ξ, for the parameters (−dL/dy·∂Y/∂θ and the log-det's part).
      DoubleVector num = DoubleVector.fromArray(SPECIES, sc, NUM * CHUNK + i);
      DoubleVector cy = gY.neg();
      DoubleVector cl = gl.neg();
      cy.mul(h).div(den).intoArray(sc, G_NUM * CHUNK + i);
      cy.neg().mul(h).mul(num).div(den.mul(den)).sub(cl.mul(two).div(den)).intoArray(sc, G_DEN * CHUNK + i);
      cl.div(m).intoArray(sc, G_M * CHUNK + i);
    }
  }

  /**
   * dL/dy from G_MID, and the adjoints of s and of the searched axis's knot and width; leaves
   * dL/ds in G_S.
   */
  private static void inverseAdjointSearched(double lo, double hi, double[] sc, double[] g, int gAt, double[] gradLogDet, int at,
      double[] out, int outAt, int c) {
    DoubleVector vlo = DoubleVector.broadcast(SPECIES, lo);
    DoubleVector vhi = DoubleVector.broadcast(SPECIES, hi);
    DoubleVector zero = DoubleVector.zero(SPECIES);
    DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
    DoubleVector two = DoubleVector.broadcast(SPECIES, 2.0);
    DoubleVector minusTwo = DoubleVector.broadcast(SPECIES, -2.0);
    for (int i = 0; i < c; i += LANES) {
      DoubleVector v = DoubleVector.fromArray(SPECIES, sc, V * CHUNK + i);
      VectorMask<Double> outside = v.compare(VectorOperators.GE, vlo).and(v.compare(VectorOperators.LE, vhi)).not();
      DoubleVector h = DoubleVector.fromArray(SPECIES, sc, (SEARCH + WIDTH) * CHUNK + i);
      DoubleVector w = DoubleVector.fromArray(SPECIES, sc, (OTHER + WIDTH) * CHUNK + i);
      DoubleVector gx = DoubleVector.fromArray(SPECIES, g, gAt + i);
      DoubleVector gl = DoubleVector.fromArray(SPECIES, gradLogDet, at + i);
      DoubleVector xi = DoubleVector.fromArray(SPECIES, sc, XI * CHUNK + i);
      DoubleVector num = DoubleVector.fromArray(SPECIES, sc, NUM * CHUNK + i);
      DoubleVector den = DoubleVector.fromArray(SPECIES, sc, DEN * CHUNK + i);
      DoubleVector gY = DoubleVector.fromArray(SPECIES, sc, G_MID * CHUNK + i);
      DoubleVector gNum = DoubleVector.fromArray(SPECIES, sc, G_NUM * CHUNK + i);
      DoubleVector gDen = DoubleVector.fromArray(SPECIES, sc, G_DEN * CHUNK + i);
      DoubleVector gM = DoubleVector.fromArray(SPECIES, sc, G_M * CHUNK + i);
      DoubleVector s = h.div(w);
      DoubleVector u = xi.neg().add(one);
      DoubleVector t = xi.mul(u);
      DoubleVector cy = gY.neg();
      DoubleVector cl = gl.neg();
      DoubleVector gS = gNum.mul(xi).mul(xi).add(gDen.mul(t.mul(minusTwo).add(one))).add(gM.mul(two).mul(t)).add(cl.mul(two).div(s));
      gS.intoArray(sc, G_S * CHUNK + i);
      gY.blend(gx, outside).intoArray(out, outAt + i);
      cy.blend(zero, outside).intoArray(sc, G_SEARCH_KNOT * CHUNK + i);
      cy.mul(num).div(den).add(gS.div(w)).blend(zero, outside).intoArray(sc, G_SEARCH_WIDTH * CHUNK + i);
    }
  }

  /** The adjoints of the other axis's knot and width and of both knot slopes, zero outside. */
  private static void inverseAdjointOther(double lo, double hi, double[] sc, double[] g, int gAt, int c) {
    DoubleVector vlo = DoubleVector.broadcast(SPECIES, lo);
    DoubleVector vhi = DoubleVector.broadcast(SPECIES, hi);
    DoubleVector zero = DoubleVector.zero(SPECIES);
    DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
    for (int i = 0; i < c; i += LANES) {
      DoubleVector v = DoubleVector.fromArray(SPECIES, sc, V * CHUNK + i);
      VectorMask<Double> outside = v.compare(VectorOperators.GE, vlo).and(v.compare(VectorOperators.LE, vhi)).not();
      DoubleVector h = DoubleVector.fromArray(SPECIES, sc, (SEARCH + WIDTH) * CHUNK + i);
      DoubleVector w = DoubleVector.fromArray(SPECIES, sc, (OTHER + WIDTH) * CHUNK + i);
      DoubleVector gx = DoubleVector.fromArray(SPECIES, g, gAt + i);
      DoubleVector xi = DoubleVector.fromArray(SPECIES, sc, XI * CHUNK + i);
      DoubleVector gNum = DoubleVector.fromArray(SPECIES, sc, G_NUM * CHUNK + i);
      DoubleVector gDen = DoubleVector.fromArray(SPECIES, sc, G_DEN * CHUNK + i);
      DoubleVector gM = DoubleVector.fromArray(SPECIES, sc, G_M * CHUNK + i);
      DoubleVector gS = DoubleVector.fromArray(SPECIES, sc, G_S * CHUNK + i);
      DoubleVector s = h.div(w);
      DoubleVector u = xi.neg().add(one);
      DoubleVector t = xi.mul(u);
      gx.blend(zero, outside).intoArray(sc, G_OTHER_KNOT * CHUNK + i);
      gx.mul(xi).sub(gS.mul(s).div(w)).blend(zero, outside).intoArray(sc, G_OTHER_WIDTH * CHUNK + i);
      gNum.add(gDen).mul(t).add(gM.mul(u).mul(u)).blend(zero, outside).intoArray(sc, G_D0 * CHUNK + i);
      gDen.mul(t).add(gM.mul(xi).mul(xi)).blend(zero, outside).intoArray(sc, G_D1 * CHUNK + i);
    }
  }

  /**
   * The raw parameters' gradients, in gradRaw. Softmax, as ScalarSplineKernel.softmaxGradient,
   * lane-wise, for the searched axis (slots from {@code gSearch}) and then the other:
   * dL/dr_j = scale·e_j·(dL/dw_j − mean) with dL/dw_j = gKnot for j &lt; k, gWidth for j = k, 0
   * beyond; the slots hold e_j on entry. Then the knot slopes' raw derivatives (slots from
   * {@code gSlopes}): dL/dd · sigmoid(raw) at knots k and k+1, zero at the others. One method, so
   * that the drivers do not inline it (see the note on the scratch rows).
   */
  private static void rawGradients(double[] gradRaw, int gSearch, int gOther, int gSlopes, int stride, int knots, double span,
      double[] sc, int c) {
    int bins = knots + 1;
    DoubleVector zero = DoubleVector.zero(SPECIES);
    DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
    DoubleVector vSpan = DoubleVector.broadcast(SPECIES, span);
    for (int axis = 0; axis < 2; axis++) {
      int rows = axis == 0 ? SEARCH : OTHER;
      int gKnotRow = axis == 0 ? G_SEARCH_KNOT : G_OTHER_KNOT;
      int gWidthRow = axis == 0 ? G_SEARCH_WIDTH : G_OTHER_WIDTH;
      int gBase = axis == 0 ? gSearch : gOther;
      for (int i = 0; i < c; i += LANES) {
        DoubleVector kv = DoubleVector.fromArray(SPECIES, sc, KV * CHUNK + i);
        DoubleVector sum = DoubleVector.fromArray(SPECIES, sc, (rows + SUM) * CHUNK + i);
        DoubleVector scale = vSpan.div(sum);
        DoubleVector gKnot = DoubleVector.fromArray(SPECIES, sc, gKnotRow * CHUNK + i);
        DoubleVector gWidth = DoubleVector.fromArray(SPECIES, sc, gWidthRow * CHUNK + i);
        DoubleVector pk = DoubleVector.fromArray(SPECIES, sc, (rows + PREFIX) * CHUNK + i);
        DoubleVector ek = DoubleVector.fromArray(SPECIES, sc, (rows + EK) * CHUNK + i);
        DoubleVector mean = gKnot.mul(pk).add(gWidth.mul(ek)).div(sum);
        for (int j = 0; j < bins; j++) {
          DoubleVector gw = zero.blend(gKnot, kv.compare(VectorOperators.GT, j)).blend(gWidth, kv.compare(VectorOperators.EQ, j));
          int at = gBase + i + j * stride;
          scale.mul(DoubleVector.fromArray(SPECIES, gradRaw, at)).mul(gw.sub(mean)).intoArray(gradRaw, at);
        }
      }
    }
    // dL/dd times sigmoid(raw) into rows G_D0 and G_D1 (adjacent, like RD0 and RD1), with
    // sigmoid(r) = 1/(1 + e) for r ≥ 0 and e/(1 + e) below, e = exp(−|r|).
    for (int row = 0; row < 2 * CHUNK; row += CHUNK) {
      for (int i = row; i < row + c; i += LANES) {
        DoubleVector r = DoubleVector.fromArray(SPECIES, sc, RD0 * CHUNK + i);
        DoubleVector e = r.abs().neg().lanewise(VectorOperators.EXP);
        DoubleVector onePlusE = e.add(one);
        DoubleVector sigmoid = e.div(onePlusE).blend(one.div(onePlusE), r.compare(VectorOperators.GE, zero));
        DoubleVector.fromArray(SPECIES, sc, G_D0 * CHUNK + i).mul(sigmoid).intoArray(sc, G_D0 * CHUNK + i);
      }
    }
    for (int i = 0; i < c; i += LANES) {
      DoubleVector kv = DoubleVector.fromArray(SPECIES, sc, KV * CHUNK + i);
      DoubleVector g0 = DoubleVector.fromArray(SPECIES, sc, G_D0 * CHUNK + i);
      DoubleVector g1 = DoubleVector.fromArray(SPECIES, sc, G_D1 * CHUNK + i);
      for (int j = 0; j < knots + 2; j++) {
        zero.blend(g0, kv.compare(VectorOperators.EQ, j)).blend(g1, kv.compare(VectorOperators.EQ, j - 1))
            .intoArray(gradRaw, gSlopes + i + j * stride);
      }
    }
  }
}
