package dev.flowvi.engine.examples;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The hand-written vector sweeps' log-sum-exp step, terms[i] = exp(terms[i] − shift[i]), as a loop
 * of its own: the EXP stub call clobbers every vector register, so in a fused loop every other
 * live vector was spilled and reloaded around each call. Arrays in, arrays out, so nothing boxes
 * when C2 does not inline it.
 */
final class ShiftedExp {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

  private ShiftedExp() {}

  /** Over [0, len), len a multiple of the species length. */
  static void inPlace(double[] terms, double[] shift, int len) {
    for (int i = 0; i < len; i += S.length()) {
      DoubleVector.fromArray(S, terms, i).sub(DoubleVector.fromArray(S, shift, i)).lanewise(VectorOperators.EXP).intoArray(terms, i);
    }
  }
}
