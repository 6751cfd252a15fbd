package dev.flowvi.validation;

import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.distribution.Distribution;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.target.LogDensity;

/**
 * Compares analytic gradients with central finite differences, for targets ({@link LogDensity}),
 * bijections (both directions), distributions (log density and reparameterised sampling) and any
 * scalar function. Users can run it on their own models:
 *
 * <pre>{@code
 * GradientCheck.Result r = GradientCheck.logDensity(myModel, z, n);
 * if (!r.passed(1e-6)) throw new AssertionError(r);  // says which coordinate of which point
 * }</pre>
 *
 * <p><b>Step.</b> h = ε^{1/3}·max(1, |x|) with ε = 2⁻⁵²: the truncation error of a central
 * difference is O(h²) and its round-off O(ε/h), balanced at h ∝ ε^{1/3}, leaving an error of about
 * ε^{2/3} ≈ 4e-11 times the scale of the function. One Richardson step on D(h) and D(h/2) then
 * removes the h² term, so strongly curved maps need no looser tolerance (see {@link
 * FiniteDifference}). Derivatives across a kink (ReLU, a spline knot's second derivative) are
 * only as good as the kink allows: choose points away from them.
 *
 * <p><b>Error.</b> Each entry gets |a − n| / max(1, |a|, |n|) for analytic a and numeric n: a
 * relative error for gradients above 1 and an absolute one below. The floor is 1, not something
 * like 1e-8, because the finite difference itself carries an absolute error of about
 * ε^{2/3}·|f| (4e-10 for |f| = 10): with a tiny floor, every gradient entry that is truly 0 would
 * show a relative error of order 1 from round-off alone, and the check would be useless on real
 * models. The same max(1, ·) convention picks the step. A wrong term of size δ in a gradient
 * still shows as an error of at least min(δ, δ/|g|).
 *
 * <p><b>Losses.</b> Points of a batch are independent (the batch contract), so derivatives with
 * respect to a point's coordinates difference only that point's term, which keeps the round-off
 * at the scale of one point. For bijections the loss is L = Σ c·y + Σ d·logDet with c, d drawn
 * from N(0, 1) by the given seed, so every output and the log-determinant are exercised; for log
 * densities L = Σ w_i log p(x_i), and for sampling L = Σ c·x(params).
 *
 * <p><b>Choosing points.</b> The round-off of a difference scales with |L|/h, not with the gradient:
 * where outputs are huge next to their gradients (a saturating map inverted far outside its
 * typical range, say), the check measures noise. Check at typical points, e.g. images of typical
 * inputs for an inverse, and away from kinks.
 *
 * <p>Cost: four passes per input coordinate and per parameter; meant for tests and small batches.
 */
public final class GradientCheck {
  /** The floor of the relative-error denominator (see the class comment). */
  public static final double FLOOR = 1.0;
  /** The rounding of one log-density evaluation, in ulps of |log p|, that {@link #logDensityBeyondRoundOff} allows. */
  public static final double ROUND_OFF_ULPS = 4;
  private static final double EPSILON = Math.ulp(1.0);

  private GradientCheck() {}

  /** A scalar function of a vector, for {@link #ofFunction}. */
  @FunctionalInterface
  public interface ScalarFunction {
    double value(double[] x);
  }

  /** Checks {@code gradient} against central differences of {@code f} at {@code x}. */
  public static Result ofFunction(String subject, ScalarFunction f, double[] x, double[] gradient) {
    Checks.exactLength("gradient", gradient, x.length);
    Worst worst = new Worst();
    double[] probe = x.clone();
    for (int k = 0; k < x.length; k++) {
      int e = k;
      double numeric = FiniteDifference.derivative(x[k], h -> {
        probe[e] = x[e] + h;
        double up = f.value(probe);
        probe[e] = x[e] - h;
        double down = f.value(probe);
        probe[e] = x[e];
        return (up - down) / (2 * h);
      });
      worst.offer(gradient[k], numeric, 0, k);
    }
    return worst.result(subject, x.length, 0, (kind, k) -> "x[" + k + "]");
  }

  /**
   * ∇ log p̃ of a target against central differences of each point's log density, for every
   * coordinate of every point. Locations use the target's coordinate names.
   */
  public static Result logDensity(LogDensity target, double[] z, int n) {
    return logDensity(target, z, n, 0);
  }

  /**
   * As {@link #logDensity(LogDensity, double[], int)}, but each entry's discrepancy is first
   * reduced by the round-off its finite difference carries: the error counted is
   * max(0, |a − n| − r) / max(1, |a|, |n|), with r = {@value #ROUND_OFF_ULPS}·3·ε·max(1, |log p|)/h
   * at step h. A log density summed over many data rows can be large next to its gradient (about
   * −3·10^5 for M2's 10^4 rows at standard normal points, where a gradient entry is about 3), and a
   * central difference of it is then only as good as ε·|log p|/h, far worse than ε^{2/3}·max(1,
   * |gradient|): the Richardson combination (4D(h/2) − D(h))/3 carries at most 3 times the
   * round-off of D(h), and each evaluation of log p is taken to round by up to
   * {@value #ROUND_OFF_ULPS} ulps of |log p| (measured on M2: one, from the difference at h = 1e-6,
   * 7.2e-5 against ε·|log p|/h = 7.5e-5). Errors smaller than r cannot be seen at these points;
   * {@link Result#roundOff} reports the largest r.
   */
  public static Result logDensityBeyondRoundOff(LogDensity target, double[] z, int n) {
    return logDensity(target, z, n, ROUND_OFF_ULPS);
  }

  private static Result logDensity(LogDensity target, double[] z, int n, double roundOffUlps) {
    int dim = target.dim();
    Checks.batchSize(n, null);
    Checks.batch("z", z, dim, n);
    double[] logp = new double[n];
    double[] grad = new double[dim * n];
    target.logDensityAndGradient(z, n, logp, grad);
    Worst worst = new Worst();
    double[] probe = z.clone();
    double[] up = new double[n];
    double[] down = new double[n];
    for (int k = 0; k < dim * n; k++) {
      int e = k;
      int i = k % n;
      double numeric = FiniteDifference.derivative(z[k], h -> {
        probe[e] = z[e] + h;
        target.logDensity(probe, n, up);
        probe[e] = z[e] - h;
        target.logDensity(probe, n, down);
        probe[e] = z[e];
        return (up[i] - down[i]) / (2 * h);
      });
      double roundOff = roundOffUlps * 3 * EPSILON * Math.max(1, Math.abs(logp[i])) / FiniteDifference.step(z[k]);
      worst.offer(grad[k], numeric, roundOff, Worst.INPUT, k);
    }
    String[] names = target.coordinateNames();
    return worst.result(target.getClass().getSimpleName() + " logDensity", dim * n, 0,
        (kind, k) -> Where.batchEntry("z", k, n) + (names != null && k / n < names.length ? " '" + names[k / n] + "'" : ""));
  }

  /** Gradient of Σ w_i log p(x_i) with respect to the points and the parameters (at offset 0). */
  public static Result logProb(Distribution d, double[] params, double[] x, int n, long seed) {
    int dim = d.dim();
    int count = d.parameterCount();
    Checks.batchSize(n, null);
    Checks.batch("x", x, dim, n);
    Checks.params(params, 0, count);
    double[] w = gaussians(seed, n);
    double[] gradX = new double[dim * n];
    double[] gradParams = new double[count];
    d.logProbBackward(params, 0, x, w, gradX, gradParams, n);

    Worst worst = new Worst();
    double[] probe = x.clone();
    double[] up = new double[n];
    double[] down = new double[n];
    for (int k = 0; k < dim * n; k++) {
      int e = k;
      int i = k % n;
      double numeric = FiniteDifference.derivative(x[k], h -> {
        probe[e] = x[e] + h;
        d.logProb(params, 0, probe, up, n);
        probe[e] = x[e] - h;
        d.logProb(params, 0, probe, down, n);
        probe[e] = x[e];
        return w[i] * (up[i] - down[i]) / (2 * h);
      });
      worst.offer(gradX[k], numeric, Worst.INPUT, k);
    }
    double[] p = params.clone();
    for (int k = 0; k < count; k++) {
      int e = k;
      double numeric = FiniteDifference.derivative(params[k], h -> {
        p[e] = params[e] + h;
        d.logProb(p, 0, x, up, n);
        p[e] = params[e] - h;
        d.logProb(p, 0, x, down, n);
        p[e] = params[e];
        double diff = 0;
        for (int i = 0; i < n; i++) {
          diff += w[i] * (up[i] - down[i]);
        }
        return diff / (2 * h);
      });
      worst.offer(gradParams[k], numeric, Worst.PARAMETER, k);
    }
    ParameterLayout layout = layoutOf(d);
    return worst.result(d.name() + " logProb", dim * n, count, names("x", n, layout));
  }

  /**
   * Reparameterisation gradient of L = Σ c·x for draws x = sample(params, stream(seed)): the same
   * seed gives the same underlying noise at perturbed parameters.
   */
  public static Result sample(Distribution d, double[] params, int n, long seed) {
    int dim = d.dim();
    int count = d.parameterCount();
    Checks.batchSize(n, null);
    Checks.params(params, 0, count);
    long noiseSeed = RandomStream.of(seed).derive(1).nextLong();
    double[] c = gaussians(seed, dim * n);
    double[] x = new double[dim * n];
    d.sample(params, 0, RandomStream.of(noiseSeed), x, n);
    double[] gradParams = new double[count];
    d.sampleBackward(params, 0, x, c, gradParams, n);

    Worst worst = new Worst();
    double[] p = params.clone();
    double[] up = new double[dim * n];
    double[] down = new double[dim * n];
    for (int k = 0; k < count; k++) {
      int e = k;
      double numeric = FiniteDifference.derivative(params[k], h -> {
        p[e] = params[e] + h;
        d.sample(p, 0, RandomStream.of(noiseSeed), up, n);
        p[e] = params[e] - h;
        d.sample(p, 0, RandomStream.of(noiseSeed), down, n);
        p[e] = params[e];
        double diff = 0;
        for (int m = 0; m < dim * n; m++) {
          diff += c[m] * (up[m] - down[m]);
        }
        return diff / (2 * h);
      });
      worst.offer(gradParams[k], numeric, Worst.PARAMETER, k);
    }
    return worst.result(d.name() + " sample", 0, count, names("x", n, layoutOf(d)));
  }

  /** {@link #forward(Bijection, double[], double[], double[], int, long)} without conditioning. */
  public static Result forward(Bijection b, double[] params, double[] x, int n, long seed) {
    return forward(b, params, x, null, n, seed);
  }

  /** forwardBackward against differences of L = Σ c·y + Σ d·logDet, wrt x and the parameters. */
  public static Result forward(Bijection b, double[] params, double[] x, double[] cond, int n, long seed) {
    return bijection(b, params, x, cond, n, seed, true);
  }

  public static Result inverse(Bijection b, double[] params, double[] y, int n, long seed) {
    return inverse(b, params, y, null, n, seed);
  }

  /** inverseBackward against differences of L = Σ c·x + Σ d·logDet, wrt y and the parameters. */
  public static Result inverse(Bijection b, double[] params, double[] y, double[] cond, int n, long seed) {
    return bijection(b, params, y, cond, n, seed, false);
  }

  private static Result bijection(Bijection b, double[] params, double[] in, double[] cond, int n, long seed, boolean forward) {
    int dim = b.dim();
    int count = b.parameterCount();
    Checks.batchSize(n, null);
    Checks.batch(forward ? "x" : "y", in, dim, n);
    Checks.params(params, 0, count);
    if (b.conditionDim() > 0) {
      Checks.batch("cond", cond, b.conditionDim(), n);
    }
    Workspace ws = b.newWorkspace(n);
    double[] c = gaussians(seed, dim * n);
    double[] dLogDet = gaussians(RandomStream.of(seed).derive(2).nextLong(), n);
    double[] out = new double[dim * n];
    double[] logDet = new double[n];
    pass(b, forward, params, in, cond, out, logDet, n, ws);
    double[] gradIn = new double[dim * n];
    double[] gradParams = new double[count];
    if (forward) {
      b.forwardBackward(params, 0, in, cond, out, c, dLogDet, gradIn, gradParams, n, ws);
    } else {
      b.inverseBackward(params, 0, in, cond, out, c, dLogDet, gradIn, gradParams, n, ws);
    }

    Worst worst = new Worst();
    double[] probe = in.clone();
    double[] upOut = new double[dim * n];
    double[] downOut = new double[dim * n];
    double[] upLd = new double[n];
    double[] downLd = new double[n];
    for (int k = 0; k < dim * n; k++) {
      int e = k;
      int i = k % n;
      double numeric = FiniteDifference.derivative(in[k], h -> {
        probe[e] = in[e] + h;
        java.util.Arrays.fill(upLd, 0);
        pass(b, forward, params, probe, cond, upOut, upLd, n, ws);
        probe[e] = in[e] - h;
        java.util.Arrays.fill(downLd, 0);
        pass(b, forward, params, probe, cond, downOut, downLd, n, ws);
        probe[e] = in[e];
        return pointLossDifference(c, dLogDet, upOut, downOut, upLd, downLd, i, dim, n) / (2 * h);
      });
      worst.offer(gradIn[k], numeric, Worst.INPUT, k);
    }
    double[] p = params.clone();
    for (int k = 0; k < count; k++) {
      int e = k;
      double numeric = FiniteDifference.derivative(params[k], h -> {
        p[e] = params[e] + h;
        java.util.Arrays.fill(upLd, 0);
        pass(b, forward, p, in, cond, upOut, upLd, n, ws);
        p[e] = params[e] - h;
        java.util.Arrays.fill(downLd, 0);
        pass(b, forward, p, in, cond, downOut, downLd, n, ws);
        p[e] = params[e];
        double diff = 0;
        for (int i = 0; i < n; i++) {
          diff += pointLossDifference(c, dLogDet, upOut, downOut, upLd, downLd, i, dim, n);
        }
        return diff / (2 * h);
      });
      worst.offer(gradParams[k], numeric, Worst.PARAMETER, k);
    }
    ParameterLayout.Builder layout = ParameterLayout.builder();
    b.describeParameters(layout, "");
    return worst.result(b.name() + (forward ? " forward" : " inverse"), dim * n, count, names(forward ? "x" : "y", n, layout.build()));
  }

  /** L_i(up) − L_i(down) for point i, with L_i = Σ_j c_ji·out_ji + d_i·logDet_i. */
  private static double pointLossDifference(
      double[] c, double[] d, double[] upOut, double[] downOut, double[] upLd, double[] downLd, int i, int dim, int n) {
    double diff = d[i] * (upLd[i] - downLd[i]);
    for (int j = 0; j < dim; j++) {
      int e = j * n + i;
      diff += c[e] * (upOut[e] - downOut[e]);
    }
    return diff;
  }

  static void pass(Bijection b, boolean forward, double[] params, double[] in, double[] cond, double[] out, double[] logDet, int n, Workspace ws) {
    if (forward) {
      b.forward(params, 0, in, cond, out, logDet, n, ws);
    } else {
      b.inverse(params, 0, in, cond, out, logDet, n, ws);
    }
  }

  static double[] gaussians(long seed, int count) {
    double[] out = new double[count];
    RandomStream.of(seed).fillGaussian(out, 0, count);
    return out;
  }

  private static ParameterLayout layoutOf(Distribution d) {
    ParameterLayout.Builder layout = ParameterLayout.builder();
    d.describeParameters(layout, "");
    return layout.build();
  }

  private static Worst.Namer names(String array, int n, ParameterLayout layout) {
    return (kind, k) -> kind == Worst.INPUT ? Where.batchEntry(array, k, n) : Where.parameter(layout, k);
  }

  /** Tracks the worst entry so far; builds a description only once, at the end. */
  static final class Worst {
    static final int INPUT = 0;
    static final int PARAMETER = 1;

    interface Namer {
      String name(int kind, int index);
    }

    private double error = -1;
    private double analytic = Double.NaN;
    private double numeric = Double.NaN;
    private int kind = -1;
    private int index = -1;

    /** The largest round-off allowance offered so far. */
    private double roundOff;

    void offer(double a, double num, int kind, int index) {
      offer(a, num, 0, kind, index);
    }

    /** As {@link #offer(double, double, int, int)}, with {@code roundOff} of |a − num| not counted. */
    void offer(double a, double num, double roundOff, int kind, int index) {
      this.roundOff = Math.max(this.roundOff, roundOff);
      double e = Double.isFinite(a) && Double.isFinite(num)
          ? Math.max(0, Math.abs(a - num) - roundOff) / Math.max(FLOOR, Math.max(Math.abs(a), Math.abs(num)))
          : Double.POSITIVE_INFINITY;
      if (e > error) {
        error = e;
        analytic = a;
        numeric = num;
        this.kind = kind;
        this.index = index;
      }
    }

    Result result(String subject, int inputs, int parameters, Namer namer) {
      if (index < 0) {
        return new Result(subject, 0, "nothing to check", Double.NaN, Double.NaN, inputs, parameters, 0);
      }
      return new Result(subject, error, namer.name(kind, index), analytic, numeric, inputs, parameters, roundOff);
    }
  }

  /** The outcome of one gradient check: the worst entry, where it is and both values there. */
  public static final class Result {
    private final String subject;
    private final double worstRelativeError;
    private final String where;
    private final double analytic;
    private final double numeric;
    private final int inputsChecked;
    private final int parametersChecked;
    private final double roundOff;

    Result(String subject, double worstRelativeError, String where, double analytic, double numeric, int inputsChecked, int parametersChecked,
        double roundOff) {
      this.subject = subject;
      this.worstRelativeError = worstRelativeError;
      this.where = where;
      this.analytic = analytic;
      this.numeric = numeric;
      this.inputsChecked = inputsChecked;
      this.parametersChecked = parametersChecked;
      this.roundOff = roundOff;
    }

    /**
     * The largest absolute discrepancy left uncounted as finite-difference round-off (0 unless
     * the check allows for it, as {@link #logDensityBeyondRoundOff} does).
     */
    public double roundOff() {
      return roundOff;
    }

    /**
     * |a − n| / max(1, |a|, |n|) at the worst entry, with |a − n| first reduced by the round-off
     * allowance where the check makes one ({@link #roundOff}); +∞ if a value there was not finite.
     */
    public double worstRelativeError() {
      return worstRelativeError;
    }

    /** The worst entry, e.g. "parameter 5 (block 'Normal.scale_raw', element 1)". */
    public String where() {
      return where;
    }

    public double analytic() {
      return analytic;
    }

    public double numeric() {
      return numeric;
    }

    public int inputsChecked() {
      return inputsChecked;
    }

    public int parametersChecked() {
      return parametersChecked;
    }

    /** Whether the worst error is at most {@code tolerance} (1e-6 suits smooth maps of order-1 inputs). */
    public boolean passed(double tolerance) {
      return worstRelativeError <= tolerance;
    }

    @Override
    public String toString() {
      if (inputsChecked + parametersChecked == 0) {
        return "GradientCheck[" + subject + "]: nothing to check (no inputs, no parameters)";
      }
      return String.format(java.util.Locale.ROOT,
          "GradientCheck[%s]: worst relative error %.3g at %s (analytic %.17g, finite difference %.17g); %d inputs, %d parameters checked%s",
          subject, worstRelativeError, where, analytic, numeric, inputsChecked, parametersChecked,
          roundOff > 0 ? String.format(java.util.Locale.ROOT, "; discrepancies up to the finite differences' round-off (at most %.2g) not counted", roundOff) : "");
    }
  }
}
