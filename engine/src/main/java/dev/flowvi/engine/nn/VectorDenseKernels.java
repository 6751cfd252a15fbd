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
