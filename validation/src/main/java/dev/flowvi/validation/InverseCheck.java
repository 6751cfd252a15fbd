package dev.flowvi.validation;

import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.Workspace;
import java.util.Locale;

/**
 * Checks that a bijection's two directions undo each other: inverse(forward(x)) = x and
 * forward(inverse(y)) = y, with log-determinants that cancel (log|det ∂y/∂x| + log|det ∂x/∂y| = 0).
 *
 * <p>Errors are |x' − x| / max(1, |x|) per coordinate (relative for large values, absolute near 0,
 * the same convention as {@link GradientCheck}) and |ld_forward + ld_inverse| / max(1,
 * |ld_forward|) per point. Exact inverses reach a few ulps; numerical ones their solver tolerance.
 */
public final class InverseCheck {
  private InverseCheck() {}

  /** Both round trips, starting from the same points as inputs x and as outputs y. */
  public static Result of(Bijection b, double[] params, double[] points, int n) {
    return of(b, params, points, points, null, n);
  }

  /** Round trips x → y → x' and y → x → y' (x or y may be null to skip that direction). */
  public static Result of(Bijection b, double[] params, double[] x, double[] y, double[] cond, int n) {
    int d = b.dim();
    Checks.batchSize(n, null);
    Checks.params(params, 0, b.parameterCount());
    if (x == null && y == null) {
      throw new IllegalArgumentException("x and y are both null, expected points for at least one round trip");
    }
    if (b.conditionDim() > 0) {
      Checks.batch("cond", cond, b.conditionDim(), n);
    }
    Workspace ws = b.newWorkspace(n);
    Result.Builder r = new Result.Builder(b.name(), n);
    if (x != null) {
      Checks.batch("x", x, d, n);
      roundTrip(b, params, x, cond, n, ws, true, r);
    }
    if (y != null) {
      Checks.batch("y", y, d, n);
      roundTrip(b, params, y, cond, n, ws, false, r);
    }
    return r.build();
  }

  private static void roundTrip(Bijection b, double[] params, double[] start, double[] cond, int n, Workspace ws, boolean forwardFirst, Result.Builder r) {
    int d = b.dim();
    double[] mid = new double[d * n];
    double[] back = new double[d * n];
    double[] ldFirst = new double[n];
    double[] ldSecond = new double[n];
    GradientCheck.pass(b, forwardFirst, params, start, cond, mid, ldFirst, n, ws);
    GradientCheck.pass(b, !forwardFirst, params, mid, cond, back, ldSecond, n, ws);
    String trip = forwardFirst ? "inverse(forward(x))" : "forward(inverse(y))";
    String array = forwardFirst ? "x" : "y";
    for (int k = 0; k < d * n; k++) {
      double e = Double.isFinite(back[k]) ? Math.abs(back[k] - start[k]) / Math.max(1, Math.abs(start[k])) : Double.POSITIVE_INFINITY;
      if (r.beatsPoint(e)) {
        r.offerPoint(e, trip + " at " + Where.batchEntry(array, k, n) + ": " + start[k] + " came back as " + back[k]);
      }
    }
    for (int i = 0; i < n; i++) {
      double sum = ldFirst[i] + ldSecond[i];
      double e = Double.isFinite(sum) ? Math.abs(sum) / Math.max(1, Math.abs(ldFirst[i])) : Double.POSITIVE_INFINITY;
      if (r.beatsLogDet(e)) {
        r.offerLogDet(e, trip + " at point " + i + ": log-dets " + ldFirst[i] + " and " + ldSecond[i] + " sum to " + sum);
      }
    }
  }

  /** The worst round-trip error and the worst log-det cancellation error, with where each occurred. */
  public static final class Result {
    private final String subject;
    private final double worstPointError;
    private final String pointWhere;
    private final double worstLogDetError;
    private final String logDetWhere;

    private Result(String subject, double worstPointError, String pointWhere, double worstLogDetError, String logDetWhere) {
      this.subject = subject;
      this.worstPointError = worstPointError;
      this.pointWhere = pointWhere;
      this.worstLogDetError = worstLogDetError;
      this.logDetWhere = logDetWhere;
    }

    /** max |x' − x| / max(1, |x|) over both round trips. */
    public double worstPointError() {
      return worstPointError;
    }

    /** max |ld_forward + ld_inverse| / max(1, |ld_forward|) over both round trips. */
    public double worstLogDetError() {
      return worstLogDetError;
    }

    public double worstError() {
      return Math.max(worstPointError, worstLogDetError);
    }

    /** Where the larger of the two errors occurred. */
    public String where() {
      return worstPointError >= worstLogDetError ? pointWhere : logDetWhere;
    }

    public boolean passed(double tolerance) {
      return worstPointError <= tolerance && worstLogDetError <= tolerance;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT,
          "InverseCheck[%s]: worst round-trip error %.3g (%s); worst log-det cancellation error %.3g (%s)",
          subject, worstPointError, pointWhere, worstLogDetError, logDetWhere);
    }

    /** Keeps the worst entry of each kind; callers build a description only for a new worst. */
    static final class Builder {
      private final String subject;
      private double point = -1;
      private String pointWhere = "nothing checked";
      private double logDet = -1;
      private String logDetWhere = "nothing checked";

      Builder(String subject, int n) {
        this.subject = subject;
      }

      boolean beatsPoint(double e) {
        return e > point;
      }

      boolean beatsLogDet(double e) {
        return e > logDet;
      }

      void offerPoint(double e, String where) {
        if (e > point) {
          point = e;
          pointWhere = where;
        }
      }

      void offerLogDet(double e, String where) {
        if (e > logDet) {
          logDet = e;
          logDetWhere = where;
        }
      }

      Result build() {
        return new Result(subject, Math.max(point, 0), pointWhere, Math.max(logDet, 0), logDetWhere);
      }
    }
  }
}
