package dev.flowvi.engine.examples;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API row sweep of M1, lanes across rows: per vector of rows the two components' log
 * densities, their log-sum-exp (lanewise EXP and LOG) and, for the gradient, five
 * responsibility-weighted sums in vector accumulators, scaled once at the end: Σ r1·d1·x, Σ r2·d2·x,
 * Σ r2·d2, Σ r1, Σ r2. The rows that do not fill a vector go to the scalar reference. Loaded only
 * through VectorSupport.
 */
public final class M1RowsVector extends M1Rows {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final VectorOperators.Unary EXP = VectorOperators.EXP;
  private static final VectorOperators.Unary LOG = VectorOperators.LOG;
  private static final VectorOperators.Associative ADD = VectorOperators.ADD;

  public M1RowsVector() {}

  @Override
  double sweep(double[] x, double[] y, double[] theta, double[] g) {
    int rows = x.length;
    int bound = S.loopBound(rows);
    double total = g == null ? values(x, y, bound, theta) : gradient(x, y, bound, theta, g);
    return total + scalarSweep(x, y, bound, rows, theta, g);
  }

  private static double values(double[] x, double[] y, int bound, double[] theta) {
    double inv1 = 1 / M1Data.S1;
    double inv2 = 1 / M1Data.S2;
    double m1 = theta[0];
    double m2 = theta[1];
    double c2 = theta[2];
    double a0 = Math.log(theta[3]) + LOG_NORM1;
    double b0 = Math.log1p(-theta[3]) + LOG_NORM2;
    DoubleVector total = DoubleVector.zero(S);
    for (int i = 0; i < bound; i += S.length()) {
      DoubleVector xr = DoubleVector.fromArray(S, x, i);
      DoubleVector yr = DoubleVector.fromArray(S, y, i);
      DoubleVector d1 = yr.sub(xr.mul(m1)).mul(inv1);
      DoubleVector d2 = yr.sub(xr.mul(m2)).sub(c2).mul(inv2);
      DoubleVector a = d1.mul(d1).mul(-0.5).add(a0);
      DoubleVector b = d2.mul(d2).mul(-0.5).add(b0);
      DoubleVector max = a.max(b);
      DoubleVector sum = a.sub(max).lanewise(EXP).add(b.sub(max).lanewise(EXP));
      total = total.add(max.add(sum.lanewise(LOG)));
    }
    return total.reduceLanes(ADD);
  }

  private static double gradient(double[] x, double[] y, int bound, double[] theta, double[] g) {
    double inv1 = 1 / M1Data.S1;
    double inv2 = 1 / M1Data.S2;
    double m1 = theta[0];
    double m2 = theta[1];
    double c2 = theta[2];
    double w1 = theta[3];
    double a0 = Math.log(w1) + LOG_NORM1;
    double b0 = Math.log1p(-w1) + LOG_NORM2;
    DoubleVector total = DoubleVector.zero(S);
    DoubleVector sR1D1X = DoubleVector.zero(S);
    DoubleVector sR2D2X = DoubleVector.zero(S);
    DoubleVector sR2D2 = DoubleVector.zero(S);
    DoubleVector sR1 = DoubleVector.zero(S);
    DoubleVector sR2 = DoubleVector.zero(S);
    for (int i = 0; i < bound; i += S.length()) {
      DoubleVector xr = DoubleVector.fromArray(S, x, i);
      DoubleVector yr = DoubleVector.fromArray(S, y, i);
      DoubleVector d1 = yr.sub(xr.mul(m1)).mul(inv1);
      DoubleVector d2 = yr.sub(xr.mul(m2)).sub(c2).mul(inv2);
      DoubleVector a = d1.mul(d1).mul(-0.5).add(a0);
      DoubleVector b = d2.mul(d2).mul(-0.5).add(b0);
      DoubleVector max = a.max(b);
      DoubleVector ea = a.sub(max).lanewise(EXP);
      DoubleVector eb = b.sub(max).lanewise(EXP);
      DoubleVector sum = ea.add(eb);
      total = total.add(max.add(sum.lanewise(LOG)));
      DoubleVector inv = DoubleVector.broadcast(S, 1.0).div(sum);
      DoubleVector r1 = ea.mul(inv);
      DoubleVector r2 = eb.mul(inv);
      DoubleVector r2d2 = r2.mul(d2);
      sR1D1X = sR1D1X.add(r1.mul(d1).mul(xr));
      sR2D2X = sR2D2X.add(r2d2.mul(xr));
      sR2D2 = sR2D2.add(r2d2);
      sR1 = sR1.add(r1);
      sR2 = sR2.add(r2);
    }
    // ∂/∂m1 = Σ r1·d1·x/s1, ∂/∂m2 = Σ r2·d2·x/s2, ∂/∂c2 = Σ r2·d2/s2, ∂/∂w1 = Σ r1/w1 − Σ r2/(1 − w1).
    g[0] += sR1D1X.reduceLanes(ADD) * inv1;
    g[1] += sR2D2X.reduceLanes(ADD) * inv2;
    g[2] += sR2D2.reduceLanes(ADD) * inv2;
    g[3] += sR1.reduceLanes(ADD) / w1 - sR2.reduceLanes(ADD) / (1 - w1);
    return total.reduceLanes(ADD);
  }
}
