package dev.flowvi.validation;

import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;

/**
 * Runs a bijection's four passes (forward, inverse and both backward passes, with random output
 * and log-det cotangents) on given points, typically extreme ones (±1e6, ±1e-300, knots, interval
 * ends), and reports the first value or gradient that is not finite. The bijection contract
 * promises finite values and gradients for every finite input.
 */
public final class FinitenessCheck {
  private FinitenessCheck() {}

  /** Forward pass and its backward pass at points x. */
  public static Result forward(Bijection b, double[] params, double[] x, double[] cond, int n, long seed) {
    return check(b, params, x, cond, n, seed, true);
  }

  /** Inverse pass and its backward pass at points y (which must lie in the image of the map). */
  public static Result inverse(Bijection b, double[] params, double[] y, double[] cond, int n, long seed) {
    return check(b, params, y, cond, n, seed, false);
  }

  /** Both directions at the same points, for maps onto ℝ^dim. */
  public static Result of(Bijection b, double[] params, double[] points, double[] cond, int n, long seed) {
    Result f = forward(b, params, points, cond, n, seed);
    return f.passed() ? inverse(b, params, points, cond, n, seed) : f;
  }

  private static Result check(Bijection b, double[] params, double[] points, double[] cond, int n, long seed, boolean forward) {
    int d = b.dim();
    Checks.batchSize(n, null);
    Checks.batch(forward ? "x" : "y", points, d, n);
    Checks.params(params, 0, b.parameterCount());
    if (b.conditionDim() > 0) {
      Checks.batch("cond", cond, b.conditionDim(), n);
    }
    Workspace ws = b.newWorkspace(n);
    double[] c = GradientCheck.gaussians(seed, d * n);
    double[] dLogDet = GradientCheck.gaussians(seed + 1, n);
    String pass = forward ? "forward" : "inverse";
    double[] out = new double[d * n];
    double[] logDet = new double[n];
    double[] gradIn = new double[d * n];
    double[] gradParams = new double[b.parameterCount()];
    GradientCheck.pass(b, forward, params, points, cond, out, logDet, n, ws);
    if (forward) {
      b.forwardBackward(params, 0, points, cond, out, c, dLogDet, gradIn, gradParams, n, ws);
    } else {
      b.inverseBackward(params, 0, points, cond, out, c, dLogDet, gradIn, gradParams, n, ws);
    }
    String in = forward ? "x" : "y";
    String outName = forward ? "y" : "x";
    for (int k = 0; k < d * n; k++) {
      if (!Double.isFinite(out[k])) {
        return Result.failure(b.name(), pass + " output " + Where.batchEntry(outName, k, n) + " is " + out[k] + " for input " + points[k]);
      }
      if (!Double.isFinite(gradIn[k])) {
        return Result.failure(b.name(), pass + " gradient wrt " + Where.batchEntry(in, k, n) + " = " + points[k] + " is " + gradIn[k]);
      }
    }
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(logDet[i])) {
        return Result.failure(b.name(), pass + " log-det of point " + i + " is " + logDet[i]);
      }
    }
    for (int k = 0; k < gradParams.length; k++) {
      if (!Double.isFinite(gradParams[k])) {
        ParameterLayout.Builder layout = ParameterLayout.builder();
        b.describeParameters(layout, "");
        return Result.failure(b.name(), pass + " gradient wrt " + Where.parameter(layout.build(), k) + " is " + gradParams[k]);
      }
    }
    return new Result(b.name(), true, pass + ": all values and gradients finite at " + n + " points");
  }

  /** Whether every value was finite and, if not, the first offender. */
  public static final class Result {
    private final String subject;
    private final boolean finite;
    private final String where;

    private Result(String subject, boolean finite, String where) {
      this.subject = subject;
      this.finite = finite;
      this.where = where;
    }

    static Result failure(String subject, String where) {
      return new Result(subject, false, where);
    }

    public boolean passed() {
      return finite;
    }

    public String where() {
      return where;
    }

    @Override
    public String toString() {
      return "FinitenessCheck[" + subject + "]: " + where;
    }
  }
}
