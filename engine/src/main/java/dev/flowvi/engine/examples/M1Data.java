package dev.flowvi.engine.examples;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.random.RandomStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Seeded data for the seed's M1 (docs: EXAMPLES.md): x ~ U(0, 10); with probability w1 = 0.6,
 * y ~ N(1.5·x, 1), otherwise y ~ N(−0.8·x + 12, 1.5). Columns x, y.
 */
public final class M1Data {
  public static final int DEFAULT_ROWS = 400;
  public static final double M1 = 1.5;
  public static final double C1 = 0.0;
  public static final double S1 = 1.0;
  public static final double M2 = -0.8;
  public static final double C2 = 12.0;
  public static final double S2 = 1.5;
  public static final double W1 = 0.6;

  private M1Data() {}

  /** N = 400 rows, as the seed. */
  public static DataTable generate(long seed) {
    return generate(seed, DEFAULT_ROWS);
  }

  public static DataTable generate(long seed, int rows) {
    Checks.positive("rows", rows);
    RandomStream rng = RandomStream.of(seed);
    double[] x = new double[rows];
    double[] y = new double[rows];
    for (int i = 0; i < rows; i++) {
      x[i] = 10 * rng.nextDouble();
      boolean first = rng.nextDouble() < W1;
      double noise = rng.nextGaussian();
      y[i] = first ? M1 * x[i] + C1 + S1 * noise : M2 * x[i] + C2 + S2 * noise;
    }
    Map<String, double[]> columns = new LinkedHashMap<>();
    columns.put("x", x);
    columns.put("y", y);
    return DataTable.of("M1Data(seed=" + seed + ", rows=" + rows + ")", columns);
  }
}
