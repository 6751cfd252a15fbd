package dev.flowvi.validation;

import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.Workspace;
import java.util.Locale;

/**
 * Compares the log-determinant a bijection reports with log|det J| of its Jacobian J computed by
 * central differences (step as in {@link GradientCheck}), point by point, in either direction.
 *
 * <p>Points of a batch are independent, so coordinate j of every point is perturbed at once and
 * one pair of passes gives column j of every point's Jacobian; with the Richardson step of {@link
 * FiniteDifference}, 4·dim passes in all. The
 * determinant comes from an LU decomposition with partial pivoting ({@link LogDeterminant}).
 *
 * <p>The error is |reported − numeric| in log space, which is the relative error of |det J|
 * itself; entries of a central-difference Jacobian are good to about ε^{2/3} ≈ 4e-11 relative,
 * so a correct log-det typically agrees to 1e-8 unless J is badly conditioned.
 */
public final class JacobianCheck {
  private JacobianCheck() {}

  public static Result forward(Bijection b, double[] params, double[] x, int n) {
    return of(b, params, x, null, n, true);
  }

  public static Result forward(Bijection b, double[] params, double[] x, double[] cond, int n) {
    return of(b, params, x, cond, n, true);
  }

  public static Result inverse(Bijection b, double[] params, double[] y, int n) {
    return of(b, params, y, null, n, false);
  }

  public static Result inverse(Bijection b, double[] params, double[] y, double[] cond, int n) {
    return of(b, params, y, cond, n, false);
  }

  private static Result of(Bijection b, double[] params, double[] in, double[] cond, int n, boolean forward) {
    int d = b.dim();
    Checks.batchSize(n, null);
    Checks.batch(forward ? "x" : "y", in, d, n);
    Checks.params(params, 0, b.parameterCount());
    if (b.conditionDim() > 0) {
      Checks.batch("cond", cond, b.conditionDim(), n);
    }
    Workspace ws = b.newWorkspace(n);
    double[] out = new double[d * n];
    double[] reported = new double[n];
    GradientCheck.pass(b, forward, params, in, cond, out, reported, n, ws);

    // jac[i][r*d + col] = ∂out_r/∂in_col at point i
    double[][] jac = new double[n][d * d];
    double[] probe = in.clone();
    double[] up = new double[d * n];
    double[] down = new double[d * n];
    double[] scratch = new double[n];
    double[] h = new double[n];
    for (int col = 0; col < d; col++) {
      for (int i = 0; i < n; i++) {
        h[i] = FiniteDifference.step(in[col * n + i]);
      }
      // Richardson: (4·D(h/2) − D(h))/3 per entry, as in FiniteDifference.derivative.
      for (double fraction : new double[] {1.0, 0.5}) {
        double weight = fraction == 1.0 ? -1.0 / 3 : 4.0 / 3;
        for (int i = 0; i < n; i++) {
          probe[col * n + i] = in[col * n + i] + fraction * h[i];
        }
        GradientCheck.pass(b, forward, params, probe, cond, up, scratch, n, ws);
        for (int i = 0; i < n; i++) {
          probe[col * n + i] = in[col * n + i] - fraction * h[i];
        }
        GradientCheck.pass(b, forward, params, probe, cond, down, scratch, n, ws);
        for (int i = 0; i < n; i++) {
          probe[col * n + i] = in[col * n + i];
          for (int r = 0; r < d; r++) {
            jac[i][r * d + col] += weight * (up[r * n + i] - down[r * n + i]) / (2 * fraction * h[i]);
          }
        }
      }
    }
    double worst = -1;
    int worstPoint = -1;
    double worstReported = Double.NaN;
    double worstNumeric = Double.NaN;
    for (int i = 0; i < n; i++) {
      double numeric = LogDeterminant.ofInPlace(jac[i], d);
      double e = Double.isFinite(numeric) && Double.isFinite(reported[i]) ? Math.abs(numeric - reported[i]) : Double.POSITIVE_INFINITY;
      if (e > worst) {
        worst = e;
        worstPoint = i;
        worstReported = reported[i];
        worstNumeric = numeric;
      }
    }
    return new Result(b.name() + (forward ? " forward" : " inverse"), worst, worstPoint, worstReported, worstNumeric, n);
  }

  /** The outcome: the point whose reported log-det differs most from the finite-difference one. */
  public static final class Result {
    private final String subject;
    private final double worstError;
    private final int worstPoint;
    private final double reported;
    private final double numeric;
    private final int points;

    Result(String subject, double worstError, int worstPoint, double reported, double numeric, int points) {
      this.subject = subject;
      this.worstError = worstError;
      this.worstPoint = worstPoint;
      this.reported = reported;
      this.numeric = numeric;
      this.points = points;
    }

    /** max over points of |reported log-det − log|det J_fd||; +∞ if either was not finite. */
    public double worstError() {
      return worstError;
    }

    public int worstPoint() {
      return worstPoint;
    }

    public String where() {
      return "point " + worstPoint;
    }

    public double reportedLogDet() {
      return reported;
    }

    public double numericLogDet() {
      return numeric;
    }

    public boolean passed(double tolerance) {
      return worstError <= tolerance;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT,
          "JacobianCheck[%s]: worst log-det error %.3g at point %d (reported %.17g, finite-difference Jacobian %.17g); %d points checked",
          subject, worstError, worstPoint, reported, numeric, points);
    }
  }
}
