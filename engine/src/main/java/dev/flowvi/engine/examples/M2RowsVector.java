package dev.flowvi.engine.examples;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API row sweep of M2, lanes across rows. Per tile of rows: each track's component
 * log density, the mixture's log-sum-exp (lanewise EXP, and one LOG per tile), the responsibilities, then per
 * track the ten weighted sums in vector accumulators, with tile-sized arrays between the passes.
 * Each pass is a small method of its own, with no call that takes vectors: a vector passed to a
 * call C2 did not inline, or a method so large that C2 stops inlining the Vector API's own
 * methods (NodeCountInliningCutoff), boxes every lane operation. With the ten sums in one loop,
 * six of eight compiled-flow M2 seed fits on JDK 17 boxed there, 1.3 GB per ELBO step, and took
 * 21–32 s instead of 12 s (M2SweepAllocationTest guards the steady state).
 * Loaded only through VectorSupport.
 */
public final class M2RowsVector extends M2Rows {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final VectorOperators.Unary LOG = VectorOperators.LOG;
  private static final int TILE = 256;

  /** Scratch rows after the three tracks' (component log densities, then exponentials, then responsibilities). */
  private static final int SUM_ROW = 3;
  private static final int BACKGROUND_ROW = 4;
  /** The rows whose terms {@link #logSumExp} exponentiates in place: the tracks', then the background's. */
  private static final int[] EXP_ROWS = {0, 1, 2, BACKGROUND_ROW};
  /** Per thread, over a tile: rows 0..2 for the tracks, then {@link #SUM_ROW} and {@link #BACKGROUND_ROW}. */
  private final ThreadLocal<double[][]> scratch = ThreadLocal.withInitial(() -> new double[BACKGROUND_ROW + 1][TILE]);

  public M2RowsVector() {}

  @Override
  double sweep(double[] q, M2Columns d, int from, int to, double[] acc) {
    double[][] work = scratch.get();
    double total = 0;
    for (int start = from; start < to; start += TILE) {
      int len = Math.min(TILE, to - start);
      int bound = S.loopBound(len);
      for (int k = 0; k < 3; k++) {
        trackLogDensities(q, d, k, start, bound, work[k]);
      }
      total += logSumExp(q, d, start, bound, work);
      if (acc != null) {
        responsibilities(bound, work, acc);
        for (int k = 0; k < 3; k++) {
          planeSums(q, d, k, start, bound, work[k], acc);
          depthAndEnergySums(q, d, k, start, bound, work[k], acc);
        }
      }
      if (bound < len) {
        // The last rows that do not fill a vector.
        total += scalarSweep(q, d, start + bound, start + len, acc);
      }
    }
    return total;
  }

  /** Track k's component log density over rows [start, start + bound) into {@code out}. */
  private static void trackLogDensities(double[] q, M2Columns d, int k, int start, int bound, double[] out) {
    int o = 7 * k;
    double halfInvS2 = 0.5 * q[Q_INV_S2];
    double halfInvSe2 = 0.5 * q[Q_INV_SE2];
    double offset = q[Q_LOG_W + k] + q[Q_CONST];
    for (int i = 0; i < bound; i += S.length()) {
      int r = start + i;
      DoubleVector t = DoubleVector.fromArray(S, d.t, r);
      DoubleVector le = DoubleVector.fromArray(S, d.logE, r);
      DoubleVector dx = DoubleVector.fromArray(S, d.x, r).sub(t.mul(q[o]).add(q[o + 3]));
      DoubleVector dy = DoubleVector.fromArray(S, d.y, r).sub(t.mul(q[o + 1]).add(q[o + 4]));
      DoubleVector dz = DoubleVector.fromArray(S, d.z, r).sub(t.mul(q[o + 2]));
      DoubleVector de = le.sub(t.mul(-q[o + 6]).add(q[o + 5]));
      DoubleVector sq = dx.mul(dx).add(dy.mul(dy)).add(dz.mul(dz));
      sq.mul(-halfInvS2).sub(de.mul(de).mul(halfInvSe2)).sub(le).add(offset).intoArray(out, i);
    }
  }

  /**
   * Σ over rows [start, start + bound) of the mixture's log density, from the tracks' component
   * log densities in work[0..2]; leaves exp(c_k − max) in work[0..2], the background's in
   * work[BACKGROUND_ROW] and their sum in work[SUM_ROW], for {@link #responsibilities}.
   *
   * <p>Each EXP runs in a loop of its own ({@link ShiftedExp}): in one fused loop the other terms,
   * the shift and both sums were spilled and reloaded around each of the four calls (the model
   * compiler's TiledRowLoop cuts its segments the same way).
   */
  private static double logSumExp(double[] q, M2Columns d, int start, int bound, double[][] work) {
    // Σ (max + log Σe) as Σ max + log Π Σe: each Σe lies in [1, 4] (the largest term is e⁰), so
    // a tile's product stays below 4^TILE and one LOG per tile replaces one per row.
    DoubleVector total = DoubleVector.zero(S);
    double logWeight = q[Q_LOG_W + 3];
    double[] shift = work[SUM_ROW];
    for (int i = 0; i < bound; i += S.length()) {
      DoubleVector c0 = DoubleVector.fromArray(S, work[0], i);
      DoubleVector c1 = DoubleVector.fromArray(S, work[1], i);
      DoubleVector c2 = DoubleVector.fromArray(S, work[2], i);
      DoubleVector cb = DoubleVector.fromArray(S, d.background, start + i).add(logWeight);
      DoubleVector max = c0.max(c1).max(c2).max(cb);
      cb.intoArray(work[BACKGROUND_ROW], i);
      max.intoArray(shift, i);
      total = total.add(max);
    }
    for (int row : EXP_ROWS) {
      ShiftedExp.inPlace(work[row], shift, bound);
    }
    DoubleVector product = DoubleVector.broadcast(S, 1.0);
    for (int i = 0; i < bound; i += S.length()) {
      DoubleVector sum = DoubleVector.fromArray(S, work[0], i).add(DoubleVector.fromArray(S, work[1], i))
          .add(DoubleVector.fromArray(S, work[2], i)).add(DoubleVector.fromArray(S, work[BACKGROUND_ROW], i));
      sum.intoArray(work[SUM_ROW], i);
      product = product.mul(sum);
    }
    return total.add(product.lanewise(LOG)).reduceLanes(VectorOperators.ADD);
  }

  /** The tracks' responsibilities into work[0..2] and the background's summed into acc[30]. */
  private static void responsibilities(int bound, double[][] work, double[] acc) {
    DoubleVector background = DoubleVector.zero(S);
    for (int i = 0; i < bound; i += S.length()) {
      DoubleVector inv = DoubleVector.broadcast(S, 1.0).div(DoubleVector.fromArray(S, work[SUM_ROW], i));
      DoubleVector.fromArray(S, work[0], i).mul(inv).intoArray(work[0], i);
      DoubleVector.fromArray(S, work[1], i).mul(inv).intoArray(work[1], i);
      DoubleVector.fromArray(S, work[2], i).mul(inv).intoArray(work[2], i);
      background = background.add(DoubleVector.fromArray(S, work[BACKGROUND_ROW], i).mul(inv));
    }
    acc[30] += background.reduceLanes(VectorOperators.ADD);
  }

  /** Adds track k's responsibility-weighted x and y sums (acc[10k .. 10k+3], and their part of 10k+7). */
  private static void planeSums(double[] q, M2Columns d, int k, int start, int bound, double[] resp, double[] acc) {
    int o = 7 * k;
    DoubleVector sDx = DoubleVector.zero(S);
    DoubleVector sDxT = DoubleVector.zero(S);
    DoubleVector sDy = DoubleVector.zero(S);
    DoubleVector sDyT = DoubleVector.zero(S);
    DoubleVector sSq = DoubleVector.zero(S);
    for (int i = 0; i < bound; i += S.length()) {
      int r = start + i;
      DoubleVector t = DoubleVector.fromArray(S, d.t, r);
      DoubleVector w = DoubleVector.fromArray(S, resp, i);
      DoubleVector dx = DoubleVector.fromArray(S, d.x, r).sub(t.mul(q[o]).add(q[o + 3]));
      DoubleVector dy = DoubleVector.fromArray(S, d.y, r).sub(t.mul(q[o + 1]).add(q[o + 4]));
      DoubleVector wdx = w.mul(dx);
      DoubleVector wdy = w.mul(dy);
      sDx = sDx.add(wdx);
      sDxT = sDxT.add(wdx.mul(t));
      sDy = sDy.add(wdy);
      sDyT = sDyT.add(wdy.mul(t));
      sSq = sSq.add(wdx.mul(dx).add(wdy.mul(dy)));
    }
    int a = 10 * k;
    acc[a] += sDx.reduceLanes(VectorOperators.ADD);
    acc[a + 1] += sDxT.reduceLanes(VectorOperators.ADD);
    acc[a + 2] += sDy.reduceLanes(VectorOperators.ADD);
    acc[a + 3] += sDyT.reduceLanes(VectorOperators.ADD);
    acc[a + 7] += sSq.reduceLanes(VectorOperators.ADD);
  }

  /** Adds track k's responsibility-weighted z and log-energy sums and its total responsibility. */
  private static void depthAndEnergySums(double[] q, M2Columns d, int k, int start, int bound, double[] resp, double[] acc) {
    int o = 7 * k;
    DoubleVector sDzT = DoubleVector.zero(S);
    DoubleVector sSq = DoubleVector.zero(S);
    DoubleVector sDe = DoubleVector.zero(S);
    DoubleVector sDeT = DoubleVector.zero(S);
    DoubleVector sDe2 = DoubleVector.zero(S);
    DoubleVector sR = DoubleVector.zero(S);
    for (int i = 0; i < bound; i += S.length()) {
      int r = start + i;
      DoubleVector t = DoubleVector.fromArray(S, d.t, r);
      DoubleVector w = DoubleVector.fromArray(S, resp, i);
      DoubleVector dz = DoubleVector.fromArray(S, d.z, r).sub(t.mul(q[o + 2]));
      DoubleVector de = DoubleVector.fromArray(S, d.logE, r).sub(t.mul(-q[o + 6]).add(q[o + 5]));
      DoubleVector wdz = w.mul(dz);
      DoubleVector wde = w.mul(de);
      sDzT = sDzT.add(wdz.mul(t));
      sSq = sSq.add(wdz.mul(dz));
      sDe = sDe.add(wde);
      sDeT = sDeT.add(wde.mul(t));
      sDe2 = sDe2.add(wde.mul(de));
      sR = sR.add(w);
    }
    int a = 10 * k;
    acc[a + 4] += sDzT.reduceLanes(VectorOperators.ADD);
    acc[a + 5] += sDe.reduceLanes(VectorOperators.ADD);
    acc[a + 6] += sDeT.reduceLanes(VectorOperators.ADD);
    acc[a + 7] += sSq.reduceLanes(VectorOperators.ADD);
    acc[a + 8] += sDe2.reduceLanes(VectorOperators.ADD);
    acc[a + 9] += sR.reduceLanes(VectorOperators.ADD);
  }
}
