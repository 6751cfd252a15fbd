package dev.flowvi.engine.examples;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.PerSample;
import dev.flowvi.engine.kernel.VectorSupport;
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.target.LogDensity;
import java.util.Arrays;

/**
 * The seed's M2 log posterior (three tracks plus background, 26 coordinates) written by hand, with
 * a hand-derived gradient: the reference for the model builder and code generation.
 *
 * <p>Coordinates, as EXAMPLES.md orders them: for k = 1..3 a_k1, a_k2, a_k3, b_k1, b_k2, logE_k,
 * phi_k; then log_sigma, log_sigma_e; then 3 free coordinates of the weights (w1, w2, w3, w_b) on
 * the 4-simplex, by Stan's stick-breaking transform (z_k = logistic(u_k − log(3 − k + 1)), w_k =
 * z_k·(1 − Σ_{j<k} w_j), w_b the rest) with its log-Jacobian, so the density is on ℝ^26.
 *
 * <p>Per row, log Σ_c w_c p_c(x, y, z, e | t): a track is N(x | a_k1 t + b_k1, σ)·N(y | a_k2 t +
 * b_k2, σ)·N(z | a_k3 t, σ)·LogNormal(e | logE_k − phi_k t, σ_e); the background is (1/80)³/(6e)
 * on |x|, |y|, |z| ≤ 40, |log e| ≤ 3 and 0 outside. Priors: N(true, 1) per track parameter, N(true,
 * 3) for b, N(log 0.5, 1) and N(log 0.3, 1) for the log scales, Dirichlet(1, 1, 1, 1) on the weights.
 * Each sample is computed independently; large batches run in parallel over samples ({@link PerSample}).
 */
public final class M2LogPosterior implements LogDensity {
  public static final int DIM = 26;
  private static final double LOG_TWO_PI = Math.log(2 * Math.PI);
  private static final double LOG_DIRICHLET_1111 = Math.log(6);
  private static final double TRACK_PRIOR_SD = 1.0;
  private static final double OFFSET_PRIOR_SD = 3.0;

  private final M2Rows.M2Columns columns;
  private final M2Rows rows;
  /** Per thread: one sample's working arrays, so that evaluating a sample allocates nothing. */
  private final ThreadLocal<Work> scratch = ThreadLocal.withInitial(Work::new);

  /** A sample's working arrays; each use overwrites or zeroes what it reads. */
  private static final class Work {
    final double[] p = new double[DIM];
    final double[] w = new double[4];
    final double[] stick = new double[3];
    final double[] rest = new double[4];
    final double[] q = new double[M2Rows.Q_SIZE];
    final double[] acc = new double[M2Rows.ACC_SIZE];
    final double[] g = new double[DIM];
    final double[] gw = new double[4];
  }

  private M2LogPosterior(double[] t, double[] x, double[] y, double[] z, double[] e) {
    int n = t.length;
    double[] logE = new double[n];
    double[] background = new double[n];
    double logBox = -3 * Math.log(2 * M2Data.BOX) - Math.log(2 * M2Data.LOG_E_BOX);
    for (int i = 0; i < n; i++) {
      if (!(e[i] > 0)) {
        throw new IllegalArgumentException("e is " + e[i] + " at data row " + (i + 1) + ", expected a value > 0 (log-normal energy)");
      }
      logE[i] = Math.log(e[i]);
      boolean inBox = Math.abs(x[i]) <= M2Data.BOX && Math.abs(y[i]) <= M2Data.BOX && Math.abs(z[i]) <= M2Data.BOX
          && Math.abs(logE[i]) <= M2Data.LOG_E_BOX;
      background[i] = inBox ? logBox - logE[i] : Double.NEGATIVE_INFINITY;
    }
    this.columns = new M2Rows.M2Columns(t.clone(), x.clone(), y.clone(), z.clone(), logE, background);
    this.rows = VectorSupport.choose(M2Rows.class, "dev.flowvi.engine.examples.M2RowsVector", M2Rows::new);
  }

  /** The same posterior with the scalar row sweep (the reference for the vector one). */
  M2LogPosterior withScalarRows() {
    return new M2LogPosterior(this, new M2Rows());
  }

  private M2LogPosterior(M2LogPosterior other, M2Rows rows) {
    this.columns = other.columns;
    this.rows = rows;
  }

  public static M2LogPosterior of(DataTable data) {
    return of(data.column("t"), data.column("x"), data.column("y"), data.column("z"), data.column("e"));
  }

  public static M2LogPosterior of(double[] t, double[] x, double[] y, double[] z, double[] e) {
    int n = t == null ? -1 : t.length;
    for (double[] c : new double[][] {x, y, z, e}) {
      if (c == null || c.length != n || n == 0) {
        throw new IllegalArgumentException("columns t, x, y, z, e must be non-empty and of equal length, got t of length " + n
            + " and another of " + (c == null ? "null" : c.length));
      }
    }
    return new M2LogPosterior(t, x, y, z, e);
  }

  @Override
  public int dim() {
    return DIM;
  }

  /** Unconstrained coordinate names: the 23 track and scale parameters, then the simplex's free coordinates. */
  @Override
  public String[] coordinateNames() {
    String[] names = new String[DIM];
    String[] constrained = parameterNames();
    System.arraycopy(constrained, 0, names, 0, 23);
    for (int k = 1; k <= 3; k++) {
      names[22 + k] = "w1..w_b:free[" + k + "]";
    }
    return names;
  }

  /** The 27 constrained names: a_11 … phi_3, log_sigma, log_sigma_e, w1, w2, w3, w_b. */
  public static String[] parameterNames() {
    String[] names = new String[27];
    int j = 0;
    for (int k = 1; k <= 3; k++) {
      for (String s : new String[] {"a_" + k + "1", "a_" + k + "2", "a_" + k + "3", "b_" + k + "1", "b_" + k + "2", "logE_" + k, "phi_" + k}) {
        names[j++] = s;
      }
    }
    names[j++] = "log_sigma";
    names[j++] = "log_sigma_e";
    names[j++] = "w1";
    names[j++] = "w2";
    names[j++] = "w3";
    names[j] = "w_b";
    return names;
  }

  /** The prior means, in coordinate order (first 23). */
  static double[] priorMeans() {
    double[] m = new double[23];
    for (int k = 0; k < 3; k++) {
      m[7 * k] = M2Data.A[k][0];
      m[7 * k + 1] = M2Data.A[k][1];
      m[7 * k + 2] = M2Data.A[k][2];
      m[7 * k + 3] = M2Data.B[k][0];
      m[7 * k + 4] = M2Data.B[k][1];
      m[7 * k + 5] = M2Data.LOG_E[k];
      m[7 * k + 6] = M2Data.PHI[k];
    }
    m[21] = Math.log(M2Data.SIGMA);
    m[22] = Math.log(M2Data.SIGMA_E);
    return m;
  }

  private static final double[] PRIOR_MEAN = priorMeans();

  private static double priorSd(int j) {
    int within = j % 7;
    return j < 21 && (within == 3 || within == 4) ? OFFSET_PRIOR_SD : TRACK_PRIOR_SD;
  }

  @Override
  public void logDensity(double[] zs, int n, double[] logp) {
    run(zs, n, logp, null);
  }

  @Override
  public void logDensityAndGradient(double[] zs, int n, double[] logp, double[] grad) {
    Checks.batch("grad", grad, DIM, n);
    run(zs, n, logp, grad);
  }

  private void run(double[] zs, int n, double[] logp, double[] grad) {
    Checks.positive("n", n);
    Checks.batch("z", zs, DIM, n);
    Checks.perPoint("logp", logp, n);
    PerSample.each(n, i -> logp[i] = evaluate(zs, n, i, grad));
  }

  /** log p̃ of sample i (and its gradient into grad when not null). */
  private double evaluate(double[] zs, int n, int i, double[] grad) {
    Work work = scratch.get();
    double[] p = work.p;
    for (int j = 0; j < DIM; j++) {
      p[j] = zs[j * n + i];
    }
    // Weights by stick-breaking.
    double[] w = work.w;
    double[] stick = work.stick;
    double[] rest = work.rest;
    double logJ = 0;
    rest[0] = 1;
    for (int k = 0; k < 3; k++) {
      double v = p[23 + k] - Math.log(3 - k);
      stick[k] = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
      w[k] = rest[k] * stick[k];
      rest[k + 1] = rest[k] - w[k];
      logJ += -Math.abs(v) - 2 * Math.log1p(Math.exp(-Math.abs(v))) + Math.log(rest[k]);
    }
    w[3] = rest[3];

    double logPrior = LOG_DIRICHLET_1111;
    for (int j = 0; j < 23; j++) {
      double sd = priorSd(j);
      double d = (p[j] - PRIOR_MEAN[j]) / sd;
      logPrior += -0.5 * d * d - Math.log(sd) - 0.5 * LOG_TWO_PI;
    }

    double logSigma = p[21];
    double logSigmaE = p[22];
    double invS2 = Math.exp(-2 * logSigma);
    double invSe2 = Math.exp(-2 * logSigmaE);
    double[] q = work.q; // every one of its Q_SIZE entries is written below
    System.arraycopy(p, 0, q, 0, 21);
    q[M2Rows.Q_INV_S2] = invS2;
    q[M2Rows.Q_INV_SE2] = invSe2;
    // Three normals for x, y, z and one for log e; the log-normal's −log e is added per row.
    q[M2Rows.Q_CONST] = -3 * logSigma - logSigmaE - 2 * LOG_TWO_PI;
    for (int c = 0; c < 4; c++) {
      q[M2Rows.Q_LOG_W + c] = Math.log(w[c]);
    }
    boolean gradient = grad != null;
    double[] acc = gradient ? work.acc : null;
    if (gradient) {
      Arrays.fill(acc, 0.0);
    }
    double total = rows.sweep(q, columns, 0, columns.rows(), acc);
    double value = total + logPrior + logJ;
    if (!gradient) {
      return value;
    }
    double[] g = work.g;
    double[] gw = work.gw;
    Arrays.fill(g, 0.0);
    for (int k = 0; k < 3; k++) {
      int o = 10 * k;
      int j = 7 * k;
      g[j] = acc[o + 1] * invS2;
      g[j + 1] = acc[o + 3] * invS2;
      g[j + 2] = acc[o + 4] * invS2;
      g[j + 3] = acc[o] * invS2;
      g[j + 4] = acc[o + 2] * invS2;
      g[j + 5] = acc[o + 5] * invSe2;
      g[j + 6] = -acc[o + 6] * invSe2;
      g[21] += acc[o + 7] * invS2 - 3 * acc[o + 9];
      g[22] += acc[o + 8] * invSe2 - acc[o + 9];
      gw[k] = acc[o + 9] / w[k];
    }
    gw[3] = acc[30] / w[3];
    for (int j = 0; j < 23; j++) {
      double sd = priorSd(j);
      g[j] -= (p[j] - PRIOR_MEAN[j]) / (sd * sd);
    }
    // Stick-breaking backwards: w_k = r_k z_k, r_{k+1} = r_k (1 − z_k), w_b = r_4; plus log|J|.
    double gRest = gw[3];
    for (int k = 2; k >= 0; k--) {
      double s = stick[k];
      double gStick = (gw[k] - gRest) * rest[k];
      g[23 + k] = gStick * s * (1 - s) + 1 - 2 * s;
      gRest = gRest * (1 - s) + gw[k] * s + 1 / rest[k];
    }
    for (int j = 0; j < DIM; j++) {
      grad[j * n + i] = g[j];
    }
    return value;
  }
}
