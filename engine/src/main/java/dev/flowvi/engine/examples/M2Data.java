package dev.flowvi.engine.examples;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.random.RandomStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Seeded data for the seed's M2 (docs: EXAMPLES.md): three particle tracks plus background in 3D.
 * t ~ U(−20, 20); a track k gives (x, y, z) ~ N(a_k·t + (b_k1, b_k2, 0), σ) per axis and
 * log e ~ N(logE_k − φ_k·t, σ_e); the background is uniform on (−40, 40)³ with log e ~ U(−3, 3).
 * Columns t, x, y, z, e.
 */
public final class M2Data {
  public static final int DEFAULT_ROWS = 10_000;
  /** Track slopes a_k (per axis x, y, z), k = 1..3. */
  public static final double[][] A = {{1.0, 0.5, -0.3}, {-0.7, 1.2, 0.4}, {0.2, -0.9, 1.1}};
  /** Track offsets b_k (x, y). */
  public static final double[][] B = {{2.0, -1.0}, {-3.0, 4.0}, {5.0, 2.0}};
  public static final double[] LOG_E = {2.0, 1.5, 2.5};
  public static final double[] PHI = {0.05, 0.08, 0.03};
  public static final double SIGMA = 0.5;
  public static final double SIGMA_E = 0.3;
  /** Weights (w1, w2, w3, w_b). */
  public static final double[] WEIGHTS = {0.3, 0.25, 0.25, 0.2};
  public static final double BOX = 40;
  public static final double LOG_E_BOX = 3;

  private M2Data() {}

  /** N = 10,000 rows, as the seed. */
  public static DataTable generate(long seed) {
    return generate(seed, DEFAULT_ROWS);
  }

  public static DataTable generate(long seed, int rows) {
    Checks.positive("rows", rows);
    RandomStream rng = RandomStream.of(seed);
    double[] t = new double[rows];
    double[] x = new double[rows];
    double[] y = new double[rows];
    double[] z = new double[rows];
    double[] e = new double[rows];
    for (int i = 0; i < rows; i++) {
      t[i] = -20 + 40 * rng.nextDouble();
      double u = rng.nextDouble();
      int c = 0;
      for (double cumulative = WEIGHTS[0]; c < 3 && u >= cumulative; cumulative += WEIGHTS[c]) {
        c++;
      }
      if (c < 3) {
        x[i] = A[c][0] * t[i] + B[c][0] + SIGMA * rng.nextGaussian();
        y[i] = A[c][1] * t[i] + B[c][1] + SIGMA * rng.nextGaussian();
        z[i] = A[c][2] * t[i] + SIGMA * rng.nextGaussian();
        e[i] = Math.exp(LOG_E[c] - PHI[c] * t[i] + SIGMA_E * rng.nextGaussian());
      } else {
        x[i] = -BOX + 2 * BOX * rng.nextDouble();
        y[i] = -BOX + 2 * BOX * rng.nextDouble();
        z[i] = -BOX + 2 * BOX * rng.nextDouble();
        e[i] = Math.exp(-LOG_E_BOX + 2 * LOG_E_BOX * rng.nextDouble());
      }
    }
    Map<String, double[]> columns = new LinkedHashMap<>();
    columns.put("t", t);
    columns.put("x", x);
    columns.put("y", y);
    columns.put("z", z);
    columns.put("e", e);
    return DataTable.of("M2Data(seed=" + seed + ", rows=" + rows + ")", columns);
  }
}
