package dev.flowvi.engine.examples;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API row sweep of M1, lanes across rows: per vector of rows the two components' log
 * densities, their log-sum-exp (lanewise EXP, and one LOG per tile) and, for the gradient, five
 * responsibility-weighted sums in vector accumulators, scaled once at the end: Σ r1·d1·x, Σ r2·d2·x,
 * Σ r2·d2, Σ r1, Σ r2. The rows that do not fill a vector go to the scalar reference. Loaded only
 * through VectorSupport.
 */
public final class M1RowsVector extends M1Rows {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final VectorOperators.Unary LOG = VectorOperators.LOG;
  private static final VectorOperators.Associative ADD = VectorOperators.ADD;

  public M1RowsVector() {}

  @Override
  double sweep(double[] x, double[] y, double[] theta, double[] g) {
    int rows = x.length;
    int bound = S.loopBound(rows);
    double total = sweepTiles(x, y, bound, theta, g);
    return total + scalarSweep(x, y, bound, rows, theta, g);
  }

  // Rows run per tile in passes through per-thread scratch: first the log-sum-exp of each row (and,
  // for the gradient, its residuals and responsibilities) into tile rows, then the sums over the
  // tile, three accumulators per loop. As one loop (EXP and LOG calls feeding six vector
  // accumulators) C2 on JDK 17 boxed its lanes in some JVMs: JMH's ElboStep m1 allocated 25.7 MB
  // per step in about half of the forks. The accumulators live in the scratch between tiles, so
  // every sum still runs lane by lane over all rows in order, with the values the single loop gave.
  // A sum that goes back to the scratch is added there row by row, never carried in a vector around
  // the loop and stored after it: intoArray is final, so nothing sharpens such a loop phi to the
  // exact vector class, and when C2 had not typed it exactly at parse time (an inlining choice
  // that varies between JVMs) the store failed to intrinsify and every iteration allocated a box
  // (11-17 MB per step on the posterior's workers, JDK 17).
  private static final int TILE = 256;
  private static final int D1 = 0;
  private static final int D2 = 1;
  private static final int R1 = 2;
  private static final int R2 = 3;
  /** Tile rows of each row's largest component log density and of its shifted sum Σe. */
  private static final int MAX = 4;
  private static final int SUM = 5;
  private static final int ACC = 6;
  /** Accumulator rows of ACC (S.length() lanes each): log p, then Σ r1·d1·x, Σ r2·d2·x, Σ r2·d2, Σ r1, Σ r2. */
  private static final int SUMS = 6;
  private final ThreadLocal<double[][]> scratch = ThreadLocal.withInitial(() -> new double[][] {
      new double[TILE], new double[TILE], new double[TILE], new double[TILE], new double[TILE], new double[TILE],
      new double[SUMS * S.length()]});

  /** Rows [0, bound): log p(y | θ) and, with g not null, its gradient added to g. */
  private double sweepTiles(double[] x, double[] y, int bound, double[] theta, double[] g) {
    double[][] work = scratch.get();
    double[] acc = work[ACC];
    java.util.Arrays.fill(acc, 0.0);
    for (int start = 0; start < bound; start += TILE) {
      int len = Math.min(TILE, bound - start);
      rowTerms(x, y, start, len, theta, g != null, work);
      sumLogTerms(len, work, acc, g != null);
      if (g != null) {
        residualSums(x, start, len, work, acc);
      }
    }
    int l = S.length();
    if (g != null) {
      double w1 = theta[3];
      // ∂/∂m1 = Σ r1·d1·x/s1, ∂/∂m2 = Σ r2·d2·x/s2, ∂/∂c2 = Σ r2·d2/s2, ∂/∂w1 = Σ r1/w1 − Σ r2/(1 − w1).
      g[0] += DoubleVector.fromArray(S, acc, l).reduceLanes(ADD) * (1 / M1Data.S1);
      g[1] += DoubleVector.fromArray(S, acc, 2 * l).reduceLanes(ADD) * (1 / M1Data.S2);
      g[2] += DoubleVector.fromArray(S, acc, 3 * l).reduceLanes(ADD) * (1 / M1Data.S2);
      g[3] += DoubleVector.fromArray(S, acc, 4 * l).reduceLanes(ADD) / w1 - DoubleVector.fromArray(S, acc, 5 * l).reduceLanes(ADD) / (1 - w1);
    }
    return DoubleVector.fromArray(S, acc, 0).reduceLanes(ADD);
  }

  /**
   * Rows [start, start + len): each row's largest component log density and shifted sum (its log
   * density is max + log sum) into the tile rows MAX and SUM and, with {@code responsibilities},
   * d1, d2, r1 and r2 into theirs. Each EXP runs in a loop of its own ({@link ShiftedExp}),
   * through the tile rows R1 and R2: in one loop the residuals, the other term and the shift were
   * spilled and reloaded around both calls.
   */
  private static void rowTerms(double[] x, double[] y, int start, int len, double[] theta, boolean responsibilities,
      double[][] work) {
    double inv1 = 1 / M1Data.S1;
    double inv2 = 1 / M1Data.S2;
    double m1 = theta[0];
    double m2 = theta[1];
    double c2 = theta[2];
    double a0 = Math.log(theta[3]) + LOG_NORM1;
    double b0 = Math.log1p(-theta[3]) + LOG_NORM2;
    double[] ea = work[R1];
    double[] eb = work[R2];
    double[] shift = work[MAX];
    for (int i = 0; i < len; i += S.length()) {
      DoubleVector xr = DoubleVector.fromArray(S, x, start + i);
      DoubleVector yr = DoubleVector.fromArray(S, y, start + i);
      DoubleVector d1 = yr.sub(xr.mul(m1)).mul(inv1);
      DoubleVector d2 = yr.sub(xr.mul(m2)).sub(c2).mul(inv2);
      DoubleVector a = d1.mul(d1).mul(-0.5).add(a0);
      DoubleVector b = d2.mul(d2).mul(-0.5).add(b0);
      a.max(b).intoArray(shift, i);
      a.intoArray(ea, i);
      b.intoArray(eb, i);
      if (responsibilities) {
        d1.intoArray(work[D1], i);
        d2.intoArray(work[D2], i);
      }
    }
    ShiftedExp.inPlace(ea, shift, len);
    ShiftedExp.inPlace(eb, shift, len);
    for (int i = 0; i < len; i += S.length()) {
      DoubleVector va = DoubleVector.fromArray(S, ea, i);
      DoubleVector vb = DoubleVector.fromArray(S, eb, i);
      DoubleVector sum = va.add(vb);
      sum.intoArray(work[SUM], i);
      if (responsibilities) {
        DoubleVector inv = DoubleVector.broadcast(S, 1.0).div(sum);
        va.mul(inv).intoArray(ea, i);
        vb.mul(inv).intoArray(eb, i);
      }
    }
  }

  /**
   * Adds the tile's log densities and, with {@code responsibilities}, Σ r1 and Σ r2 to their lanes
   * of acc. Σ (max + log sum) is taken as Σ max + log Π sum: each sum lies in [1, 2] (the larger
   * term is e⁰), so the product of a tile's rows cannot overflow, and one LOG serves the tile.
   */
  private static void sumLogTerms(int len, double[][] work, double[] acc, boolean responsibilities) {
    int l = S.length();
    DoubleVector total = DoubleVector.fromArray(S, acc, 0);
    DoubleVector product = DoubleVector.broadcast(S, 1.0);
    for (int i = 0; i < len; i += l) {
      total = total.add(DoubleVector.fromArray(S, work[MAX], i));
      product = product.mul(DoubleVector.fromArray(S, work[SUM], i));
    }
    total.add(product.lanewise(LOG)).intoArray(acc, 0);
    if (responsibilities) {
      for (int i = 0; i < len; i += l) {
        DoubleVector.fromArray(S, acc, 4 * l).add(DoubleVector.fromArray(S, work[R1], i)).intoArray(acc, 4 * l);
        DoubleVector.fromArray(S, acc, 5 * l).add(DoubleVector.fromArray(S, work[R2], i)).intoArray(acc, 5 * l);
      }
    }
  }

  /** Adds the tile's Σ r1·d1·x, Σ r2·d2·x and Σ r2·d2 to their lanes of acc. */
  private static void residualSums(double[] x, int start, int len, double[][] work, double[] acc) {
    int l = S.length();
    for (int i = 0; i < len; i += l) {
      DoubleVector xr = DoubleVector.fromArray(S, x, start + i);
      DoubleVector r1 = DoubleVector.fromArray(S, work[R1], i);
      DoubleVector r2d2 = DoubleVector.fromArray(S, work[R2], i).mul(DoubleVector.fromArray(S, work[D2], i));
      DoubleVector.fromArray(S, acc, l).add(r1.mul(DoubleVector.fromArray(S, work[D1], i)).mul(xr)).intoArray(acc, l);
      DoubleVector.fromArray(S, acc, 2 * l).add(r2d2.mul(xr)).intoArray(acc, 2 * l);
      DoubleVector.fromArray(S, acc, 3 * l).add(r2d2).intoArray(acc, 3 * l);
    }
  }
}
