package dev.flowvi.engine.bijection;

import dev.flowvi.engine.core.Checks;

/** Reverses the order of the coordinates, y_j = x_{dim−1−j}: the permutation used between layers when dim = 2. */
public final class Flip extends CoordinatePermutation {
  private Flip(int[] perm) {
    super(perm);
  }

  public static Flip of(int dim) {
    Checks.positive("dim", dim);
    int[] perm = new int[dim];
    for (int j = 0; j < dim; j++) {
      perm[j] = dim - 1 - j;
    }
    return new Flip(perm);
  }
}
