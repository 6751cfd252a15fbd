package dev.flowvi.engine.init;

import dev.flowvi.engine.bijection.Chain;
import dev.flowvi.engine.bijection.Frozen;
import dev.flowvi.engine.bijection.TriangularAffine;
import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.target.LogDensity;

/**
 * A Gaussian N(m, L Lᵀ) that a fit can start from, and the Monte Carlo ELBO of starting there.
 * A flow that starts as the identity, followed by the frozen map u = m + L x, starts at this
 * Gaussian; comparing the ELBO of candidate starts chooses between them by the objective the fit
 * is about to maximise. The Laplace approximation at the highest mode is the better start for a
 * posterior that is roughly Gaussian around its mode (a mixture's, once the right mode is found);
 * the standard normal can be the better one where the mode is degenerate, as at the neck of a
 * funnel, where the Laplace scales collapse.
 */
public final class GaussianStart {
  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

  private final double[] mean;
  private final double[][] lower;
  /** Σ log L_jj: log q(m + L ε) = log N(ε; 0, I) − this. */
  private final double logDetLower;

  private GaussianStart(double[] mean, double[][] lower) {
    this.mean = mean;
    this.lower = lower;
    double s = 0;
    for (int j = 0; j < mean.length; j++) {
      s += Math.log(lower[j][j]);
    }
    this.logDetLower = s;
  }

  /**
   * N(mean, L Lᵀ) for a lower-triangular {@code lower} with a positive diagonal (copied).
   *
   * @throws IllegalArgumentException when the sizes differ, an entry is not finite, an entry lies
   *     above the diagonal or a diagonal entry is not positive
   */
  public static GaussianStart of(double[] mean, double[][] lower) {
    Checks.positive("the mean's length", mean.length);
    if (lower.length != mean.length) {
      throw new IllegalArgumentException("lower has " + lower.length + " rows, expected " + mean.length + " to match the mean");
    }
    double[][] l = new double[mean.length][];
    for (int i = 0; i < mean.length; i++) {
      Checks.finite("mean[" + i + "]", mean[i]);
      Checks.exactLength("lower[" + i + "]", lower[i], mean.length);
      l[i] = lower[i].clone();
      for (int j = 0; j < mean.length; j++) {
        Checks.finite("lower[" + i + "][" + j + "]", l[i][j]);
        if (j > i && l[i][j] != 0) {
          throw new IllegalArgumentException("lower[" + i + "][" + j + "] is " + l[i][j] + ", above the diagonal: expected 0 (L is lower triangular)");
        }
      }
      if (!(l[i][i] > 0)) {
        throw new IllegalArgumentException("lower[" + i + "][" + i + "] is " + l[i][i] + ", expected a positive diagonal");
      }
    }
    return new GaussianStart(mean.clone(), l);
  }

  /** The standard normal on ℝ^dim: what a flow over a standard normal base starts at. */
  public static GaussianStart standardNormal(int dim) {
    Checks.positive("dim", dim);
    double[][] identity = new double[dim][dim];
    for (int j = 0; j < dim; j++) {
      identity[j][j] = 1;
    }
    return new GaussianStart(new double[dim], identity);
  }

  /** The Laplace approximation N(mode, Σ) as a start. */
  public static GaussianStart laplace(LaplaceApproximation approximation) {
    return of(approximation.mode(), approximation.covarianceFactor());
  }

  public int dim() {
    return mean.length;
  }

  /**
   * {@code flow} followed by the frozen map u = m + L x: the flow then works on coordinates
   * standardised by this start, and since every factory's flow starts as the identity, training
   * starts at N(m, L Lᵀ). The map's m and L sit at the end of the parameter vector, written by
   * {@code initialParameters}, and no optimiser step changes them.
   */
  public TransformedDistribution standardise(TransformedDistribution flow) {
    Checks.sameDim("the start", dim(), "flow", flow.dim());
    TriangularAffine toStart = TriangularAffine.of(mean, lower, true);
    return TransformedDistribution.of(flow.base(), Chain.of(flow.bijection(), Frozen.of(toStart)));
  }

  /** m (a copy). */
  public double[] mean() {
    return mean.clone();
  }

  /** L (a copy). */
  public double[][] lower() {
    return LaplaceApproximation.copyRows(lower);
  }

  /**
   * The ELBO E_q[log p̃(u) − log q(u)] of this start against {@code target}, the mean over
   * {@code draws} draws u = m + L ε with ε from {@code rng}; −∞ when a draw has log p̃ = −∞ or
   * NaN, since q then puts mass where the target has none or cannot score it. Two starts compared
   * with streams of the same seed share their ε, so the noise of the comparison is only that of
   * the difference.
   */
  public double elbo(LogDensity target, int draws, RandomStream rng) {
    Checks.sameDim("the start", dim(), "target", target.dim());
    Checks.positive("draws", draws);
    int d = dim();
    double[] eps = new double[d * draws];
    rng.fillGaussian(eps, 0, eps.length);
    double[] u = new double[d * draws];
    double[] logq = new double[draws];
    for (int i = 0; i < draws; i++) {
      double sq = 0;
      for (int r = 0; r < d; r++) {
        double e = eps[r * draws + i];
        sq += e * e;
        double v = mean[r];
        for (int c = 0; c <= r; c++) {
          v += lower[r][c] * eps[c * draws + i];
        }
        u[r * draws + i] = v;
      }
      logq[i] = -0.5 * sq - d * HALF_LOG_TWO_PI - logDetLower;
    }
    double[] logp = new double[draws];
    target.logDensity(u, draws, logp);
    double sum = 0;
    for (int i = 0; i < draws; i++) {
      if (!(logp[i] > Double.NEGATIVE_INFINITY)) {
        return Double.NEGATIVE_INFINITY;
      }
      sum += logp[i] - logq[i];
    }
    return sum / draws;
  }
}
