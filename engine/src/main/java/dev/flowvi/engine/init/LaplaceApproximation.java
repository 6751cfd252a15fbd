package dev.flowvi.engine.init;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.target.LogDensity;

/**
 * The Laplace approximation N(mode, Σ) of a log density at a mode, Σ = (−∇²log p)⁻¹, given as a
 * lower-triangular factor L with L Lᵀ = Σ. The default preset starts its flow at this Gaussian:
 * the frozen map u = mode + L x sends the standard-normal coordinates x to it, so a flow that
 * starts at the identity starts at the full-covariance Laplace approximation and only has to
 * correct it. The diagonal alternative (conditional sds) shrinks strongly correlated pairs, such
 * as M1's slope and intercept, by √(1 − ρ²), and a flow with bounded transformers (splines) then
 * has to learn that correlation through its conditioners.
 *
 * <p>The Hessian comes from central differences of the gradient, step h_j = cbrt(ε)·max(1, |u_j|)
 * (truncation O(h²) against round-off O(ε/h)), symmetrised. Where −∇²log p is not positive
 * definite there (a flat or non-concave direction), L falls back to the diagonal of the clamped
 * conditional sds, as documented on {@link #isFullCovariance}.
 */
public final class LaplaceApproximation {
  /** Bounds on the diagonal fallback's sds: a flat or non-concave coordinate gets the upper bound. */
  static final double MIN_SCALE = 1e-4;
  static final double MAX_SCALE = 1.0;

  private final double[] mode;
  private final double[][] lower;
  private final boolean full;

  private LaplaceApproximation(double[] mode, double[][] lower, boolean full) {
    this.mode = mode;
    this.lower = lower;
    this.full = full;
  }

  /** The Laplace approximation of {@code target} at {@code mode} (2·D gradient evaluations, one batch). */
  public static LaplaceApproximation at(LogDensity target, double[] mode) {
    Checks.exactLength("mode", mode, target.dim());
    for (int j = 0; j < mode.length; j++) {
      Checks.finite("mode[" + j + "]", mode[j]);
    }
    double[][] precision = curvature(target, mode).precision();
    int dim = mode.length;
    double[][] l = covarianceFactor(precision);
    if (l != null) {
      return new LaplaceApproximation(mode.clone(), l, true);
    }
    double[][] diagonal = new double[dim][dim];
    for (int j = 0; j < dim; j++) {
      double p = precision[j][j];
      double s = p > 0 ? 1.0 / Math.sqrt(p) : MAX_SCALE;
      diagonal[j][j] = Double.isFinite(s) ? Math.min(MAX_SCALE, Math.max(MIN_SCALE, s)) : MAX_SCALE;
    }
    return new LaplaceApproximation(mode.clone(), diagonal, false);
  }

  /** −∇²log p (symmetrised) and ∇log p at a point. */
  record Curvature(double[][] precision, double[] gradient) {}

  /**
   * −∇²log p at {@code u} from the gradient at u ± h_j e_j (one batch of 2·D points), and ∇log p
   * at u as the mean of those 2·D gradients (also O(h²) accurate, and no extra evaluation).
   */
  static Curvature curvature(LogDensity target, double[] u) {
    int dim = u.length;
    int n = 2 * dim;
    double[] z = new double[dim * n];
    double[] h = new double[dim];
    for (int j = 0; j < dim; j++) {
      h[j] = Math.cbrt(Math.ulp(1.0)) * Math.max(1.0, Math.abs(u[j]));
      for (int i = 0; i < n; i++) {
        z[j * n + i] = u[j];
      }
      z[j * n + 2 * j] += h[j];
      z[j * n + 2 * j + 1] -= h[j];
    }
    double[] logp = new double[n];
    double[] grad = new double[dim * n];
    target.logDensityAndGradient(z, n, logp, grad);
    // precision[k][j] = −∂²log p/∂u_k∂u_j, from the gradient at u ± h_j e_j, symmetrised.
    double[][] precision = new double[dim][dim];
    for (int j = 0; j < dim; j++) {
      for (int k = 0; k < dim; k++) {
        precision[k][j] = -(grad[k * n + 2 * j] - grad[k * n + 2 * j + 1]) / (2 * h[j]);
      }
    }
    for (int j = 0; j < dim; j++) {
      for (int k = 0; k < j; k++) {
        double m = 0.5 * (precision[j][k] + precision[k][j]);
        precision[j][k] = m;
        precision[k][j] = m;
      }
    }
    double[] gradient = new double[dim];
    for (int k = 0; k < dim; k++) {
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += grad[k * n + i];
      }
      gradient[k] = sum / n;
    }
    return new Curvature(precision, gradient);
  }

  /**
   * A lower L with L Lᵀ = P⁻¹, or null when P is not (numerically) positive definite: P = R Rᵀ by
   * Cholesky, Σ = P⁻¹ column by column from R, then L = chol(Σ).
   */
  private static double[][] covarianceFactor(double[][] precision) {
    int dim = precision.length;
    double[][] r = cholesky(precision);
    if (r == null) {
      return null;
    }
    double[][] sigma = new double[dim][dim];
    double[] unit = new double[dim];
    for (int c = 0; c < dim; c++) {
      unit[c] = 1.0;
      double[] column = solve(r, unit);
      unit[c] = 0.0;
      for (int i = 0; i < dim; i++) {
        sigma[i][c] = column[i];
      }
    }
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < i; j++) {
        double m = 0.5 * (sigma[i][j] + sigma[j][i]);
        sigma[i][j] = m;
        sigma[j][i] = m;
      }
    }
    return cholesky(sigma);
  }

  /** x with R Rᵀ x = b, for R lower triangular: R y = b forwards, then Rᵀ x = y backwards. */
  static double[] solve(double[][] r, double[] b) {
    int dim = b.length;
    double[] y = new double[dim];
    for (int i = 0; i < dim; i++) {
      double s = b[i];
      for (int k = 0; k < i; k++) {
        s -= r[i][k] * y[k];
      }
      y[i] = s / r[i][i];
    }
    double[] x = new double[dim];
    for (int i = dim - 1; i >= 0; i--) {
      double s = y[i];
      for (int k = i + 1; k < dim; k++) {
        s -= r[k][i] * x[k];
      }
      x[i] = s / r[i][i];
    }
    return x;
  }

  /** Lower Cholesky factor of a symmetric matrix, or null if a pivot is not positive and finite. */
  static double[][] cholesky(double[][] a) {
    int dim = a.length;
    double[][] l = new double[dim][dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i][j];
        for (int k = 0; k < j; k++) {
          s -= l[i][k] * l[j][k];
        }
        if (i == j) {
          if (!(s > 0) || !Double.isFinite(s)) {
            return null;
          }
          l[i][i] = Math.sqrt(s);
        } else {
          l[i][j] = s / l[j][j];
        }
      }
    }
    return l;
  }

  /** The point the approximation is centred on. */
  public double[] mode() {
    return mode.clone();
  }

  /** L, lower triangular with a positive diagonal, L Lᵀ = Σ (a copy). */
  public double[][] covarianceFactor() {
    return copyRows(lower);
  }

  /** A copy of a matrix given by rows, each row its own array. */
  static double[][] copyRows(double[][] m) {
    double[][] copy = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      copy[i] = m[i].clone();
    }
    return copy;
  }

  /**
   * True when L is the Cholesky factor of the full inverse Hessian; false when −∇²log p was not
   * positive definite at the mode and L is the diagonal of the conditional sds 1/√(−∂²log p/∂u_j²),
   * clamped to [{@value #MIN_SCALE}, {@value #MAX_SCALE}] (a flat direction gets the upper bound).
   */
  public boolean isFullCovariance() {
    return full;
  }

  /** The marginal sds √Σ_jj (the rows' norms of L). */
  public double[] marginalSds() {
    double[] sd = new double[lower.length];
    for (int i = 0; i < lower.length; i++) {
      double s = 0;
      for (double v : lower[i]) {
        s += v * v;
      }
      sd[i] = Math.sqrt(s);
    }
    return sd;
  }
}
