package dev.flowvi.engine.bijection;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.random.RandomStream;
import java.util.Arrays;

/** Reorders coordinates, y_j = x_{perm[j]}, as FlowJAX's Permute. */
public final class Permute extends CoordinatePermutation {
  private Permute(int[] perm) {
    super(perm);
  }

  /** The permutation {@code perm} of 0..perm.length−1; anything else is rejected. */
  public static Permute of(int[] perm) {
    if (perm == null || perm.length == 0) {
      throw new IllegalArgumentException("permutation is " + (perm == null ? "null" : "empty") + ", expected a permutation of 0..dim-1 with dim >= 1");
    }
    boolean[] seen = new boolean[perm.length];
    for (int p : perm) {
      if (p < 0 || p >= perm.length || seen[p]) {
        throw new IllegalArgumentException("permutation is " + Arrays.toString(perm) + ", expected each of 0.." + (perm.length - 1) + " exactly once");
      }
      seen[p] = true;
    }
    return new Permute(perm);
  }

  /** A uniformly random permutation of {@code dim} coordinates (Fisher–Yates), fixed once drawn. */
  public static Permute random(int dim, RandomStream rng) {
    Checks.positive("dim", dim);
    int[] perm = new int[dim];
    for (int i = 0; i < dim; i++) {
      perm[i] = i;
    }
    for (int i = dim - 1; i > 0; i--) {
      int k = rng.nextInt(i + 1);
      int t = perm[i];
      perm[i] = perm[k];
      perm[k] = t;
    }
    return new Permute(perm);
  }
}
