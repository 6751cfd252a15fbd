package dev.flowvi.validation;

/**
 * log|det A| of a square matrix by LU decomposition with partial pivoting (Golub and Van Loan,
 * Algorithm 3.4.1): det A = ±Π u_kk, so log|det A| = Σ log|u_kk|, which cannot overflow the way
 * the product can. A singular matrix gives −∞.
 */
final class LogDeterminant {
  private LogDeterminant() {}

  /** log|det a| for the row-major d×d matrix {@code a}, which is overwritten by its LU factors. */
  static double ofInPlace(double[] a, int d) {
    double sum = 0;
    for (int k = 0; k < d; k++) {
      int pivot = k;
      double best = Math.abs(a[k * d + k]);
      for (int r = k + 1; r < d; r++) {
        double v = Math.abs(a[r * d + k]);
        if (v > best) {
          best = v;
          pivot = r;
        }
      }
      if (best == 0) {
        return Double.NEGATIVE_INFINITY;
      }
      if (pivot != k) {
        for (int col = 0; col < d; col++) {
          double t = a[k * d + col];
          a[k * d + col] = a[pivot * d + col];
          a[pivot * d + col] = t;
        }
      }
      double ukk = a[k * d + k];
      sum += Math.log(Math.abs(ukk));
      for (int r = k + 1; r < d; r++) {
        double factor = a[r * d + k] / ukk;
        if (factor != 0) {
          for (int col = k + 1; col < d; col++) {
            a[r * d + col] -= factor * a[k * d + col];
          }
        }
      }
    }
    return sum;
  }
}
