package dev.flowvi.bench;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FmaChains} on {@code DoubleVector}s of the preferred species: each of the
 * {@link FmaChains#CHAINS} accumulators is a whole vector register. Touch this class only when
 * {@code VectorSupport.enabled()}: it links against jdk.incubator.vector.
 */
final class VectorFmaChains {
  static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;

  private VectorFmaChains() {}

  static int lanes() {
    return SPECIES.length();
  }

  /** Floating-point operations of one {@link #run} call: two per lane per FMA. */
  static long flops() {
    return 2L * FmaChains.CHAINS * FmaChains.ITERATIONS * SPECIES.length();
  }

  /** Runs the vector chains from {@code start} and returns the sum of every lane. */
  static double run(double start) {
    DoubleVector m = DoubleVector.broadcast(SPECIES, FmaChains.M);
    DoubleVector c = DoubleVector.broadcast(SPECIES, FmaChains.C);
    DoubleVector a0 = DoubleVector.broadcast(SPECIES, start), a1 = DoubleVector.broadcast(SPECIES, start + 1);
    DoubleVector a2 = DoubleVector.broadcast(SPECIES, start + 2), a3 = DoubleVector.broadcast(SPECIES, start + 3);
    DoubleVector a4 = DoubleVector.broadcast(SPECIES, start + 4), a5 = DoubleVector.broadcast(SPECIES, start + 5);
    DoubleVector a6 = DoubleVector.broadcast(SPECIES, start + 6), a7 = DoubleVector.broadcast(SPECIES, start + 7);
    DoubleVector a8 = DoubleVector.broadcast(SPECIES, start + 8), a9 = DoubleVector.broadcast(SPECIES, start + 9);
    DoubleVector a10 = DoubleVector.broadcast(SPECIES, start + 10), a11 = DoubleVector.broadcast(SPECIES, start + 11);
    for (int i = 0; i < FmaChains.ITERATIONS; i++) {
      a0 = a0.fma(m, c);
      a1 = a1.fma(m, c);
      a2 = a2.fma(m, c);
      a3 = a3.fma(m, c);
      a4 = a4.fma(m, c);
      a5 = a5.fma(m, c);
      a6 = a6.fma(m, c);
      a7 = a7.fma(m, c);
      a8 = a8.fma(m, c);
      a9 = a9.fma(m, c);
      a10 = a10.fma(m, c);
      a11 = a11.fma(m, c);
    }
    DoubleVector s = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11);
    return s.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
  }
}
