package dev.flowvi.engine.model;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API row loops: the transcendentals (lanewise EXP, LOG, LOG1P, EXPM1) and the hot
 * arithmetic loops (measured 2× faster than the JIT's own vectorisation of the scalar loops), each
 * a loopBound body plus a scalar tail. Arithmetic uses the same IEEE operations in the same order
 * as the scalar loops (no fused multiply-add), so only the transcendentals differ from them. Loaded only through {@link
 * dev.flowvi.engine.kernel.VectorSupport#choose}, so the scalar path runs without the module.
 */
public final class VectorRowKernels extends RowKernels {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final VectorOperators.Unary EXP = VectorOperators.EXP;
  private static final VectorOperators.Unary LOG = VectorOperators.LOG;
  private static final VectorOperators.Unary LOG1P = VectorOperators.LOG1P;
  private static final VectorOperators.Unary EXPM1 = VectorOperators.EXPM1;
  private static final VectorOperators.Unary ABS = VectorOperators.ABS;
  private static final VectorOperators.Unary NEG = VectorOperators.NEG;
  private static final VectorOperators.Binary MAX = VectorOperators.MAX;

  public VectorRowKernels() {}

  @Override
  void exp(double[] a, int ao, double[] out, int len) {
    int i = 0;
    for (int bound = S.loopBound(len); i < bound; i += S.length()) {
      DoubleVector.fromArray(S, a, ao + i).lanewise(EXP).intoArray(out, i);
    }
    for (; i < len; i++) {
      out[i] = Math.exp(a[ao + i]);
    }
  }

  @Override
  void log(double[] a, int ao, double[] out, int len) {
    int i = 0;
    for (int bound = S.loopBound(len); i < bound; i += S.length()) {
      DoubleVector.fromArray(S, a, ao + i).lanewise(LOG).intoArray(out, i);
    }
    for (; i < len; i++) {
      out[i] = Math.log(a[ao + i]);
    }
  }

  @Override
  void log1p(double[] a, int ao, double[] out, int len) {
    int i = 0;
    for (int bound = S.loopBound(len); i < bound; i += S.length()) {
      DoubleVector.fromArray(S, a, ao + i).lanewise(LOG1P).intoArray(out, i);
    }
    for (; i < len; i++) {
      out[i] = Math.log1p(a[ao + i]);
    }
  }

  @Override
  void expm1(double[] a, int ao, double[] out, int len) {
    int i = 0;
    for (int bound = S.loopBound(len); i < bound; i += S.length()) {
      DoubleVector.fromArray(S, a, ao + i).lanewise(EXPM1).intoArray(out, i);
    }
    for (; i < len; i++) {
      out[i] = Math.expm1(a[ao + i]);
    }
  }

  /** logistic(a) = (a ≥ 0 ? 1 : e^{−|a|}) / (1 + e^{−|a|}): one EXP, no overflow on either side. */
  private static DoubleVector logistic(DoubleVector v) {
    DoubleVector e = v.lanewise(ABS).lanewise(NEG).lanewise(EXP);
    DoubleVector numerator = DoubleVector.broadcast(S, 1.0).blend(e, v.lt(0.0));
    return numerator.div(e.add(1.0));
  }

  @Override
  void logistic(double[] a, int ao, double[] out, int len) {
    int i = 0;
    for (int bound = S.loopBound(len); i < bound; i += S.length()) {
      logistic(DoubleVector.fromArray(S, a, ao + i)).intoArray(out, i);
    }
    for (; i < len; i++) {
      out[i] = Op.logistic(a[ao + i]);
    }
  }

  @Override
  void log1pExp(double[] a, int ao, double[] out, int len) {
    int i = 0;
    for (int bound = S.loopBound(len); i < bound; i += S.length()) {
      DoubleVector v = DoubleVector.fromArray(S, a, ao + i);
      v.max(0.0).add(v.lanewise(ABS).lanewise(NEG).lanewise(EXP).lanewise(LOG1P)).intoArray(out, i);
    }
    for (; i < len; i++) {
      out[i] = Op.log1pExp(a[ao + i]);
    }
  }

  @Override
  void log1pExpBackward(double[] a, int ao, double[] g, double[] adj, int len) {
    int i = 0;
    for (int bound = S.loopBound(len); i < bound; i += S.length()) {
      DoubleVector s = logistic(DoubleVector.fromArray(S, a, ao + i));
      DoubleVector.fromArray(S, adj, i).add(DoubleVector.fromArray(S, g, i).mul(s)).intoArray(adj, i);
    }
    for (; i < len; i++) {
      adj[i] += g[i] * Op.logistic(a[ao + i]);
    }
  }

  @Override
  void logSumExp(double[][] a, int[] ao, int k, double[] out, int len) {
    int i = 0;
    for (int bound = S.loopBound(len); i < bound; i += S.length()) {
      DoubleVector max = DoubleVector.fromArray(S, a[0], ao[0] + i);
      for (int c = 1; c < k; c++) {
        max = max.lanewise(MAX, DoubleVector.fromArray(S, a[c], ao[c] + i));
      }
      // Rows where every component is −∞ give −∞ (log 0), not NaN from −∞ − (−∞).
      VectorMask<Double> empty = max.eq(Double.NEGATIVE_INFINITY);
      DoubleVector shift = max.blend(0.0, empty);
      DoubleVector sum = DoubleVector.zero(S);
      for (int c = 0; c < k; c++) {
        sum = sum.add(DoubleVector.fromArray(S, a[c], ao[c] + i).sub(shift).lanewise(EXP));
      }
      shift.add(sum.lanewise(LOG)).intoArray(out, i);
    }
    for (; i < len; i++) {
      out[i] = ScalarRowKernels.logSumExpAt(a, ao, k, i);
    }
  }

  @Override
  void logSumExpBackward(double[][] a, int[] ao, int k, double[] out, double[] g, double[][] adj, int len) {
    int bound = S.loopBound(len);
    for (int c = 0; c < k; c++) {
      double[] t = adj[c];
      if (t == null) {
        continue;
      }
      double[] ac = a[c];
      int o = ao[c];
      int i = 0;
      for (; i < bound; i += S.length()) {
        DoubleVector w = DoubleVector.fromArray(S, ac, o + i).sub(DoubleVector.fromArray(S, out, i)).lanewise(EXP);
        DoubleVector.fromArray(S, t, i).add(DoubleVector.fromArray(S, g, i).mul(w)).intoArray(t, i);
      }
      for (; i < len; i++) {
        t[i] += g[i] * Math.exp(ac[o + i] - out[i]);
      }
    }
  }

  @Override
  void add(double[] a, int ao, double sign, double[] b, int bo, double[] out, int len) {
    int i = 0;
    for (int bound = S.loopBound(len); i < bound; i += S.length()) {
      DoubleVector.fromArray(S, a, ao + i).add(DoubleVector.fromArray(S, b, bo + i).mul(sign)).intoArray(out, i);
    }
    for (; i < len; i++) {
      out[i] = a[ao + i] + sign * b[bo + i];
    }
  }

  @Override
  void mul(double[] a, int ao, double[] b, int bo, double[] out, int len) {
    int i = 0;
    for (int bound = S.loopBound(len); i < bound; i += S.length()) {
      DoubleVector.fromArray(S, a, ao + i).mul(DoubleVector.fromArray(S, b, bo + i)).intoArray(out, i);
    }
    for (; i < len; i++) {
      out[i] = a[ao + i] * b[bo + i];
    }
  }

  @Override
  void scale(double[] a, int ao, double c, double[] out, int len) {
    int i = 0;
    for (int bound = S.loopBound(len); i < bound; i += S.length()) {
      DoubleVector.fromArray(S, a, ao + i).mul(c).intoArray(out, i);
    }
    for (; i < len; i++) {
      out[i] = c * a[ao + i];
    }
  }

  @Override
  void addScaled(double[] v, int vo, double c, double[] target, int len) {
    if (target == null) {
      return;
    }
    int i = 0;
    for (int bound = S.loopBound(len); i < bound; i += S.length()) {
      DoubleVector.fromArray(S, target, i).add(DoubleVector.fromArray(S, v, vo + i).mul(c)).intoArray(target, i);
    }
    for (; i < len; i++) {
      target[i] += c * v[vo + i];
    }
  }

  @Override
  void addProduct(double[] g, double[] v, int vo, double c, double[] target, int len) {
    if (target == null) {
      return;
    }
    int i = 0;
    for (int bound = S.loopBound(len); i < bound; i += S.length()) {
      DoubleVector t = DoubleVector.fromArray(S, g, i).mul(c).mul(DoubleVector.fromArray(S, v, vo + i));
      DoubleVector.fromArray(S, target, i).add(t).intoArray(target, i);
    }
    for (; i < len; i++) {
      target[i] += c * g[i] * v[vo + i];
    }
  }

  @Override
  void halfSquaredZ(double[] x, int xo, double[] mu, int mo, double[] tau, int to, double[] out, int len) {
    int i = 0;
    for (int bound = S.loopBound(len); i < bound; i += S.length()) {
      DoubleVector z = DoubleVector.fromArray(S, x, xo + i).sub(DoubleVector.fromArray(S, mu, mo + i))
          .mul(DoubleVector.fromArray(S, tau, to + i));
      z.mul(-0.5).mul(z).intoArray(out, i);
    }
    for (; i < len; i++) {
      double z = (x[xo + i] - mu[mo + i]) * tau[to + i];
      out[i] = -0.5 * z * z;
    }
  }

  @Override
  void halfSquaredZBackward(double[] x, int xo, double[] mu, int mo, double[] tau, int to, double[] g,
      double[] gx, double[] gmu, double[] gtau, int len) {
    int bound = S.loopBound(len);
    for (int i = 0; i < bound; i += S.length()) {
      DoubleVector t = DoubleVector.fromArray(S, tau, to + i);
      DoubleVector gv = DoubleVector.fromArray(S, g, i);
      DoubleVector d = DoubleVector.fromArray(S, x, xo + i).sub(DoubleVector.fromArray(S, mu, mo + i));
      DoubleVector gd = gv.mul(d).mul(t).mul(t);
      if (gx != null) {
        DoubleVector.fromArray(S, gx, i).sub(gd).intoArray(gx, i);
      }
      if (gmu != null) {
        DoubleVector.fromArray(S, gmu, i).add(gd).intoArray(gmu, i);
      }
      if (gtau != null) {
        DoubleVector.fromArray(S, gtau, i).sub(gv.mul(d).mul(d).mul(t)).intoArray(gtau, i);
      }
    }
    for (int i = bound; i < len; i++) {
      double t = tau[to + i];
      double d = x[xo + i] - mu[mo + i];
      double gd = g[i] * d * t * t;
      if (gx != null) {
        gx[i] -= gd;
      }
      if (gmu != null) {
        gmu[i] += gd;
      }
      if (gtau != null) {
        gtau[i] -= g[i] * d * d * t;
      }
    }
  }
}
