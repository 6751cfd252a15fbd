package dev.flowvi.engine.kernel;

import jdk.incubator.vector.DoubleVector;

/** Loaded reflectively, only when the vector module is present. */
final class VectorSpeciesProbe {
  private VectorSpeciesProbe() {}

  public static int preferredBits() {
    return DoubleVector.SPECIES_PREFERRED.vectorBitSize();
  }
}
