package dev.flowvi.engine.examples;

/**
 * The row sweep of {@link M2LogPosterior} for one sample: Σ_r log Σ_c w_c p_c(row r) and, for the
 * gradient, the responsibility-weighted sums it needs. This is the scalar reference;
 * {@link M2RowsVector} is the Vector API version, chosen by
 * {@link dev.flowvi.engine.kernel.VectorSupport}.
 *
 * <p>Per-sample constants q: q[7k..7k+6] = a_k1, a_k2, a_k3, b_k1, b_k2, logE_k, phi_k (k = 0..2);
 * q[21] = 1/σ², q[22] = 1/σ_e², q[23] = the tracks' normalising constant; q[24..27] = log w.
 * Accumulators acc[10k..10k+9] = Σ r_k·(dx, dx·t, dy, dy·t, dz·t, de, de·t, dx²+dy²+dz², de², 1),
 * acc[30] = Σ r_b, where r_c is the responsibility of component c and d· the residuals.
 */
class M2Rows {
  static final int Q_INV_S2 = 21;
  static final int Q_INV_SE2 = 22;
  static final int Q_CONST = 23;
  static final int Q_LOG_W = 24;
  static final int Q_SIZE = 28;
  static final int ACC_SIZE = 31;

  /** Rows [from, to); acc may be null (value only). */
  double sweep(double[] q, M2Columns d, int from, int to, double[] acc) {
    return scalarSweep(q, d, from, to, acc);
  }

  static double scalarSweep(double[] q, M2Columns d, int from, int to, double[] acc) {
    double invS2 = q[Q_INV_S2];
    double invSe2 = q[Q_INV_SE2];
    double[] comp = new double[4];
    double[] dx = new double[3];
    double[] dy = new double[3];
    double[] dz = new double[3];
    double[] de = new double[3];
    double total = 0;
    for (int r = from; r < to; r++) {
      double tr = d.t[r];
      double le = d.logE[r];
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < 3; k++) {
        int o = 7 * k;
        dx[k] = d.x[r] - (q[o] * tr + q[o + 3]);
        dy[k] = d.y[r] - (q[o + 1] * tr + q[o + 4]);
        dz[k] = d.z[r] - q[o + 2] * tr;
        de[k] = le - (q[o + 5] - q[o + 6] * tr);
        comp[k] = q[Q_LOG_W + k] + q[Q_CONST] - le - 0.5 * (dx[k] * dx[k] + dy[k] * dy[k] + dz[k] * dz[k]) * invS2
            - 0.5 * de[k] * de[k] * invSe2;
        max = Math.max(max, comp[k]);
      }
      comp[3] = q[Q_LOG_W + 3] + d.background[r];
      max = Math.max(max, comp[3]);
      double sum = 0;
      for (int c = 0; c < 4; c++) {
        comp[c] = Math.exp(comp[c] - max);
        sum += comp[c];
      }
      total += max + Math.log(sum);
      if (acc != null) {
        double inv = 1 / sum;
        for (int k = 0; k < 3; k++) {
          double resp = comp[k] * inv;
          int o = 10 * k;
          acc[o] += resp * dx[k];
          acc[o + 1] += resp * dx[k] * tr;
          acc[o + 2] += resp * dy[k];
          acc[o + 3] += resp * dy[k] * tr;
          acc[o + 4] += resp * dz[k] * tr;
          acc[o + 5] += resp * de[k];
          acc[o + 6] += resp * de[k] * tr;
          acc[o + 7] += resp * (dx[k] * dx[k] + dy[k] * dy[k] + dz[k] * dz[k]);
          acc[o + 8] += resp * de[k] * de[k];
          acc[o + 9] += resp;
        }
        acc[30] += comp[3] * inv;
      }
    }
    return total;
  }

  /** M2's data columns, with log e and the background's log density (−∞ outside its box) per row. */
  static final class M2Columns {
    final double[] t;
    final double[] x;
    final double[] y;
    final double[] z;
    final double[] logE;
    final double[] background;

    M2Columns(double[] t, double[] x, double[] y, double[] z, double[] logE, double[] background) {
      this.t = t;
      this.x = x;
      this.y = y;
      this.z = z;
      this.logE = logE;
      this.background = background;
    }

    int rows() {
      return t.length;
    }
  }
}
