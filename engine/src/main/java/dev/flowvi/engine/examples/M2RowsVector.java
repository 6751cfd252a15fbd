package dev.flowvi.engine.examples;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API row sweep of M2, lanes across rows. Per tile of rows: each track's component
 * log density, then the mixture's log-sum-exp (lanewise EXP and LOG) and the responsibilities, then
 * per track the ten weighted sums, in vector accumulators. Every loop is one method with no call
 * that takes vectors, so C2 keeps all of them in registers. Loaded only through VectorSupport.
 */
public final class M2RowsVector extends M2Rows {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final VectorOperators.Unary EXP = VectorOperators.EXP;
  private static final VectorOperators.Unary LOG = VectorOperators.LOG;
  private static final int TILE = 256;

  /** Per thread: the three tracks' component log densities over a tile, then their responsibilities. */
  private final ThreadLocal<double[][]> scratch = ThreadLocal.withInitial(() -> new double[3][TILE]);

  public M2RowsVector() {}

  @Override
  double sweep(double[] q, M2Columns d, int from, int to, double[] acc) {
    double[][] comp = scratch.get();
    double total = 0;
    for (int start = from; start < to; start += TILE) {
      int len = Math.min(TILE, to - start);
      int bound = S.loopBound(len);
      for (int k = 0; k < 3; k++) {
        trackLogDensities(q, d, k, start, bound, comp[k]);
      }
      total += mixture(q, d, start, bound, comp, acc);
      if (acc != null) {
        for (int k = 0; k < 3; k++) {
          trackSums(q, d, k, start, bound, comp[k], acc);
        }
      }
      if (bound < len) {
        // The last rows that do not fill a vector.
        total += scalarSweep(q, d, start + bound, start + len, acc);
      }
    }
    return total;
  }

  /**
   * Track k's component log density over rows [start, start + bound) into {@code out}. A loop of
   * its own rather than a call per track inside {@link #mixture}: C2 stopped inlining the third
   * such call (NodeCountInliningCutoff), and vectors passed to a call that is not inlined are
   * boxed, 400 KB per point over M2's 10^4 rows.
   */
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
   * log densities in comp; with acc, comp is overwritten by the tracks' responsibilities and the
   * background's are summed into acc[30].
   */
  private static double mixture(double[] q, M2Columns d, int start, int bound, double[][] comp, double[] acc) {
    DoubleVector total = DoubleVector.zero(S);
    DoubleVector background = DoubleVector.zero(S);
    for (int i = 0; i < bound; i += S.length()) {
      DoubleVector c0 = DoubleVector.fromArray(S, comp[0], i);
      DoubleVector c1 = DoubleVector.fromArray(S, comp[1], i);
      DoubleVector c2 = DoubleVector.fromArray(S, comp[2], i);
      DoubleVector cb = DoubleVector.fromArray(S, d.background, start + i).add(q[Q_LOG_W + 3]);
      DoubleVector max = c0.max(c1).max(c2).max(cb);
      DoubleVector e0 = c0.sub(max).lanewise(EXP);
      DoubleVector e1 = c1.sub(max).lanewise(EXP);
      DoubleVector e2 = c2.sub(max).lanewise(EXP);
      DoubleVector eb = cb.sub(max).lanewise(EXP);
      DoubleVector sum = e0.add(e1).add(e2).add(eb);
      total = total.add(max.add(sum.lanewise(LOG)));
      if (acc != null) {
        DoubleVector inv = DoubleVector.broadcast(S, 1.0).div(sum);
        e0.mul(inv).intoArray(comp[0], i);
        e1.mul(inv).intoArray(comp[1], i);
        e2.mul(inv).intoArray(comp[2], i);
        background = background.add(eb.mul(inv));
      }
    }
    if (acc != null) {
      acc[30] += background.reduceLanes(VectorOperators.ADD);
    }
    return total.reduceLanes(VectorOperators.ADD);
  }

  /** Adds track k's ten responsibility-weighted sums over rows [start, start + bound). */
  private static void trackSums(double[] q, M2Columns d, int k, int start, int bound, double[] resp, double[] acc) {
    int o = 7 * k;
    DoubleVector sDx = DoubleVector.zero(S);
    DoubleVector sDxT = DoubleVector.zero(S);
    DoubleVector sDy = DoubleVector.zero(S);
    DoubleVector sDyT = DoubleVector.zero(S);
    DoubleVector sDzT = DoubleVector.zero(S);
    DoubleVector sDe = DoubleVector.zero(S);
    DoubleVector sDeT = DoubleVector.zero(S);
    DoubleVector sSq = DoubleVector.zero(S);
    DoubleVector sDe2 = DoubleVector.zero(S);
    DoubleVector sR = DoubleVector.zero(S);
    for (int i = 0; i < bound; i += S.length()) {
      int r = start + i;
      DoubleVector t = DoubleVector.fromArray(S, d.t, r);
      DoubleVector w = DoubleVector.fromArray(S, resp, i);
      DoubleVector dx = DoubleVector.fromArray(S, d.x, r).sub(t.mul(q[o]).add(q[o + 3]));
      DoubleVector dy = DoubleVector.fromArray(S, d.y, r).sub(t.mul(q[o + 1]).add(q[o + 4]));
      DoubleVector dz = DoubleVector.fromArray(S, d.z, r).sub(t.mul(q[o + 2]));
      DoubleVector de = DoubleVector.fromArray(S, d.logE, r).sub(t.mul(-q[o + 6]).add(q[o + 5]));
      DoubleVector wdx = w.mul(dx);
      DoubleVector wdy = w.mul(dy);
      DoubleVector wdz = w.mul(dz);
      DoubleVector wde = w.mul(de);
      sDx = sDx.add(wdx);
      sDxT = sDxT.add(wdx.mul(t));
      sDy = sDy.add(wdy);
      sDyT = sDyT.add(wdy.mul(t));
      sDzT = sDzT.add(wdz.mul(t));
      sDe = sDe.add(wde);
      sDeT = sDeT.add(wde.mul(t));
      sSq = sSq.add(wdx.mul(dx).add(wdy.mul(dy)).add(wdz.mul(dz)));
      sDe2 = sDe2.add(wde.mul(de));
      sR = sR.add(w);
    }
    int a = 10 * k;
    acc[a] += sDx.reduceLanes(VectorOperators.ADD);
    acc[a + 1] += sDxT.reduceLanes(VectorOperators.ADD);
    acc[a + 2] += sDy.reduceLanes(VectorOperators.ADD);
    acc[a + 3] += sDyT.reduceLanes(VectorOperators.ADD);
    acc[a + 4] += sDzT.reduceLanes(VectorOperators.ADD);
    acc[a + 5] += sDe.reduceLanes(VectorOperators.ADD);
    acc[a + 6] += sDeT.reduceLanes(VectorOperators.ADD);
    acc[a + 7] += sSq.reduceLanes(VectorOperators.ADD);
    acc[a + 8] += sDe2.reduceLanes(VectorOperators.ADD);
    acc[a + 9] += sR.reduceLanes(VectorOperators.ADD);
  }
}
