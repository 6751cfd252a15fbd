package dev.flowvi.engine.diagnostics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.flowvi.engine.random.RandomStream;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The primitive stable sort against a stable sort of boxed indices (TimSort) by Double.compare. */
class SortOrderTest {
  @Test
  void matchesAStableBoxedSortWithTiesSignedZerosAndNaN() {
    RandomStream rng = RandomStream.of(3);
    for (int n : new int[] {0, 1, 2, 3, 7, 64, 1000, 4001}) {
      double[] keys = new double[n];
      for (int i = 0; i < n; i++) {
        double u = rng.nextDouble();
        // Few distinct values, so that ties are common; then the awkward ones.
        keys[i] = u < 0.05 ? Double.NaN : u < 0.1 ? -0.0 : u < 0.15 ? 0.0 : u < 0.2 ? Double.NEGATIVE_INFINITY : Math.floor(8 * rng.nextDouble());
      }
      assertArrayEquals(boxed(keys, IntStream.range(0, n).toArray()), SortOrder.ascending(keys), "n = " + n);
      // A subset, in an order of its own: ties keep that order.
      int[] subset = IntStream.range(0, n).filter(i -> i % 3 != 1).map(i -> n - 1 - i).toArray();
      int[] padded = Arrays.copyOf(subset, subset.length + 5);
      assertArrayEquals(boxed(keys, subset), SortOrder.ascending(keys, padded, subset.length), "subset of n = " + n);
    }
  }

  private static int[] boxed(double[] keys, int[] indices) {
    Integer[] order = Arrays.stream(indices).boxed().toArray(Integer[]::new);
    Arrays.sort(order, (a, b) -> Double.compare(keys[a], keys[b]));
    return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
  }
}
