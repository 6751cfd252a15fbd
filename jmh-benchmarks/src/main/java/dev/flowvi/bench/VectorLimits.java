package dev.flowvi.bench;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The lane-wise operations whose throughput bounds FlowVI's kernels, on the preferred species, over
 * an array: EXP, LOG and division. Touch this class only when {@code VectorSupport.enabled()}.
 */
final class VectorLimits {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

  private VectorLimits() {}

  static void exp(double[] x, double[] y) {
    int i = 0;
    for (int bound = S.loopBound(x.length); i < bound; i += S.length()) {
      DoubleVector.fromArray(S, x, i).lanewise(VectorOperators.EXP).intoArray(y, i);
    }
    for (; i < x.length; i++) {
      y[i] = Math.exp(x[i]);
    }
  }

  static void log(double[] x, double[] y) {
    int i = 0;
    for (int bound = S.loopBound(x.length); i < bound; i += S.length()) {
      DoubleVector.fromArray(S, x, i).lanewise(VectorOperators.LOG).intoArray(y, i);
    }
    for (; i < x.length; i++) {
      y[i] = Math.log(x[i]);
    }
  }

  static void divide(double[] x, double[] z, double[] y) {
    int i = 0;
    for (int bound = S.loopBound(x.length); i < bound; i += S.length()) {
      DoubleVector.fromArray(S, x, i).div(DoubleVector.fromArray(S, z, i)).intoArray(y, i);
    }
    for (; i < x.length; i++) {
      y[i] = x[i] / z[i];
    }
  }
}
