package dev.flowvi.engine.core;

/**
 * Argument checks shared by every component. Each failure is an {@link IllegalArgumentException}
 * whose message names the argument, the value and what was expected.
 */
public final class Checks {
  private Checks() {}

  /** A feature-major batch of {@code dim} coordinates for {@code n} points needs dim·n entries. */
  public static void batch(String name, double[] array, int dim, int n) {
    if (array == null) {
      throw new IllegalArgumentException(name + " must not be null (expected a batch of " + dim + "×" + n + " values)");
    }
    long need = (long) dim * n;
    if (array.length < need) {
      throw new IllegalArgumentException(
          name + " has length " + array.length + ", expected at least " + need + " (" + dim + " coordinates × " + n + " points, feature-major)");
    }
  }

  /**
   * The input and output batches of a pass: each as {@link #batch}, and two different arrays,
   * since a pass reads its input while it writes its output.
   */
  public static void distinctBatches(String inName, double[] in, String outName, double[] out, int dim, int n) {
    batch(inName, in, dim, n);
    batch(outName, out, dim, n);
    if (in == out) {
      throw new IllegalArgumentException(inName + " and " + outName + " are the same array, expected different arrays");
    }
  }

  /** A per-point array (log-densities, log-determinants) of n entries. */
  public static void perPoint(String name, double[] array, int n) {
    batch(name, array, 1, n);
  }

  /** A batch size must be positive and fit the workspace. */
  public static void batchSize(int n, Workspace ws) {
    if (n < 1) {
      throw new IllegalArgumentException("batch size n is " + n + ", expected at least 1");
    }
    if (ws != null && n > ws.capacity()) {
      throw new IllegalArgumentException(
          "batch size n is " + n + ", but the workspace was made for at most " + ws.capacity() + " points; create a larger workspace");
    }
  }

  /** A flat parameter vector must hold this component's block at the given offset. */
  public static void params(double[] params, int offset, int count) {
    params("params", params, offset, count);
  }

  /** As {@link #params(double[], int, int)}, naming the array (e.g. "gradParams") in the message. */
  public static void params(String name, double[] array, int offset, int count) {
    if (count == 0) {
      return;
    }
    if (array == null) {
      throw new IllegalArgumentException(name + " must not be null (expected " + count + " values at offset " + offset + ")");
    }
    if (offset < 0 || (long) offset + count > array.length) {
      throw new IllegalArgumentException(
          name + " has length " + array.length + ", expected at least " + ((long) offset + count) + " (" + count + " values at offset " + offset + ")");
    }
  }

  /** An exact parameter-vector length, for whole flows and models. */
  public static void exactLength(String name, double[] array, int expected) {
    if (array == null || array.length != expected) {
      throw new IllegalArgumentException(
          name + " has length " + (array == null ? "null" : String.valueOf(array.length)) + ", expected exactly " + expected);
    }
  }

  public static int positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " is " + value + ", expected at least 1");
    }
    return value;
  }

  public static double positive(String name, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " is " + value + ", expected a finite value > 0");
    }
    return value;
  }

  public static double finite(String name, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(name + " is " + value + ", expected a finite value");
    }
    return value;
  }

  /** An interval (lo, hi) must be finite and non-empty. */
  public static void interval(String name, double lo, double hi) {
    if (!Double.isFinite(lo) || !Double.isFinite(hi) || !(lo < hi)) {
      throw new IllegalArgumentException(name + " is (" + lo + ", " + hi + "), expected finite bounds with lo < hi");
    }
  }

  public static void sameDim(String what, int expected, String otherName, int actual) {
    if (expected != actual) {
      throw new IllegalArgumentException(otherName + " has dimension " + actual + ", expected " + expected + " to match " + what);
    }
  }
}
