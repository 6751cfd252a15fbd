package dev.flowvi.engine.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API {@link AffineKernel}: a loopBound body over the preferred species plus a scalar tail. */
final class VectorAffineKernel implements AffineKernel {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final VectorOperators.Associative ADD = VectorOperators.ADD;

  VectorAffineKernel() {}

  @Override
  public void scaleShift(double[] in, int inOff, double scale, double shift, double[] out, int outOff, int len) {
    int bound = S.loopBound(len);
    int i = 0;
    for (; i < bound; i += S.length()) {
      DoubleVector.fromArray(S, in, inOff + i).mul(scale).add(shift).intoArray(out, outOff + i);
    }
    for (; i < len; i++) {
      out[outOff + i] = scale * in[inOff + i] + shift;
    }
  }

  @Override
  public void unshiftUnscale(double[] in, int inOff, double shift, double scale, double[] out, int outOff, int len) {
    int bound = S.loopBound(len);
    int i = 0;
    for (; i < bound; i += S.length()) {
      DoubleVector.fromArray(S, in, inOff + i).sub(shift).div(scale).intoArray(out, outOff + i);
    }
    for (; i < len; i++) {
      out[outOff + i] = (in[inOff + i] - shift) / scale;
    }
  }

  @Override
  public void scaleAndReduce(double[] grad, int gradOff, double[] v, int vOff, double factor,
      double[] gradIn, int gradInOff, int len, double[] sums) {
    int bound = S.loopBound(len);
    DoubleVector sum = DoubleVector.zero(S);
    DoubleVector dot = DoubleVector.zero(S);
    int i = 0;
    for (; i < bound; i += S.length()) {
      DoubleVector g = DoubleVector.fromArray(S, grad, gradOff + i);
      g.mul(factor).intoArray(gradIn, gradInOff + i);
      sum = sum.add(g);
      dot = dot.add(g.mul(DoubleVector.fromArray(S, v, vOff + i)));
    }
    double s = sum.reduceLanes(ADD);
    double d = dot.reduceLanes(ADD);
    for (; i < len; i++) {
      double g = grad[gradOff + i];
      gradIn[gradInOff + i] = factor * g;
      s += g;
      d += g * v[vOff + i];
    }
    sums[0] += s;
    sums[1] += d;
  }
}
