package dev.flowvi.engine.kernel;

/**
 * Batched y = A x + t for a triangular A, its inverse by substitution, and the products the
 * backward passes need. A is dense row-major, {@code a[i*dim + j]}, and only its triangle
 * (diagonal included) is read. Batches are feature-major with n points; inputs and outputs must
 * be different arrays.
 *
 * <p>{@link #multiply}, {@link #solve} and their transposes accumulate each point's sum in the
 * same order in both implementations, without fused multiply-add, so they agree bit for bit;
 * {@link #accumulateOuter} reduces over points in a different order and agrees to rounding.
 */
public interface TriangularAffineKernel {
  /** The plain-Java reference. */
  TriangularAffineKernel SCALAR = new ScalarTriangularAffineKernel();

  /** The kernel this JVM should use: the vector one where {@link VectorSupport#enabled()}. */
  TriangularAffineKernel PREFERRED = VectorSupport.choose(TriangularAffineKernel.class,
      "dev.flowvi.engine.kernel.VectorTriangularAffineKernel", ScalarTriangularAffineKernel::new);

  /** y = A x + t, with t_i at {@code t[tOff + i]}. */
  void multiply(double[] a, int dim, boolean lower, double[] t, int tOff, double[] x, double[] y, int n);

  /** x = A⁻¹ (y − t), by forward (lower) or back (upper) substitution. */
  void solve(double[] a, int dim, boolean lower, double[] t, int tOff, double[] y, double[] x, int n);

  /** out = Aᵀ g. */
  void multiplyTransposed(double[] a, int dim, boolean lower, double[] g, double[] out, int n);

  /** out = A⁻ᵀ g. */
  void solveTransposed(double[] a, int dim, boolean lower, double[] g, double[] out, int n);

  /**
   * For every (i, j) in the triangle, adds sign·Σ_p g_i[p]·v_j[p] to {@code gradA[i*dim + j]}, and
   * adds sign·Σ_p g_i[p] to {@code gradT[i]}: the parameter gradients of A x + t.
   */
  void accumulateOuter(int dim, boolean lower, double[] g, double[] v, int n, double sign, double[] gradA, double[] gradT);

  /** First column of row i's triangle, diagonal included. */
  static int firstColumn(int i, boolean lower) {
    return lower ? 0 : i;
  }

  /** One past the last column of row i's triangle, diagonal included. */
  static int endColumn(int i, int dim, boolean lower) {
    return lower ? i + 1 : dim;
  }
}
