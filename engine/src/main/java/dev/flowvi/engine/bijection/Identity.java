package dev.flowvi.engine.bijection;

import dev.flowvi.engine.core.Checks;

/** y = x, log-det 0: a placeholder layer, and the neutral element of {@link Chain}. */
public final class Identity extends CoordinatePermutation {
  private Identity(int[] perm) {
    super(perm);
  }

  public static Identity of(int dim) {
    Checks.positive("dim", dim);
    int[] perm = new int[dim];
    for (int j = 0; j < dim; j++) {
      perm[j] = j;
    }
    return new Identity(perm);
  }
}
