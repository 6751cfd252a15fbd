package dev.flowvi.engine.bijection;

/** Per-point array helpers for layers whose log-det is the same for every point. */
final class PerPoint {
  private PerPoint() {}

  /** Adds {@code value} to each of the first n entries. */
  static void addToAll(double[] logDet, int n, double value) {
    for (int i = 0; i < n; i++) {
      logDet[i] += value;
    }
  }

  /** Σ of the first n entries: dL/d(a log-det shared by all points). */
  static double sum(double[] v, int n) {
    double s = 0.0;
    for (int i = 0; i < n; i++) {
      s += v[i];
    }
    return s;
  }
}
