package dev.flowvi.engine.diagnostics;

import java.util.Arrays;

/**
 * The permutation that sorts an array of doubles, as {@code int} indices: a stable merge sort on
 * primitives, in the order of {@link Double#compare}. Sorting boxed indices with a comparator
 * costs an object per draw and keeps the JIT busy with TimSort at the end of every fit.
 */
final class SortOrder {
  private SortOrder() {}

  /** Indices {@code 0..n-1} of {@code keys}, ascending by key; equal keys keep their index order. */
  static int[] ascending(double[] keys) {
    int[] all = new int[keys.length];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    return ascending(keys, all, all.length);
  }

  /** {@code indices[0..count)}, ascending by their keys; equal keys keep the order they came in. */
  static int[] ascending(double[] keys, int[] indices, int count) {
    int[] a = Arrays.copyOf(indices, count);
    int[] b = new int[count];
    for (int width = 1; width < count; width *= 2) {
      for (int lo = 0; lo < count; lo += 2 * width) {
        int mid = Math.min(lo + width, count);
        int hi = Math.min(lo + 2 * width, count);
        int i = lo;
        int j = mid;
        for (int k = lo; k < hi; k++) {
          // Take from the left run on ties, which keeps the sort stable.
          if (j >= hi || (i < mid && Double.compare(keys[a[i]], keys[a[j]]) <= 0)) {
            b[k] = a[i++];
          } else {
            b[k] = a[j++];
          }
        }
      }
      int[] t = a;
      a = b;
      b = t;
    }
    return a;
  }
}
