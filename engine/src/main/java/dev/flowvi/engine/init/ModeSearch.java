package dev.flowvi.engine.init;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.target.LogDensity;
import dev.flowvi.engine.train.Adam;

/**
 * A multi-start search for the highest mode of an unnormalised log density on ℝ^D, used to place
 * the default preset's base distribution: mixtures such as M1 and M2 have local modes (lines or
 * tracks swapped or merged) in which a flow trained from one start can settle, and the ELBO alone
 * cannot get out of them. Gradient ascent from many starts at once is cheap (the starts are one
 * batch) and keeps the highest point seen.
 *
 * <p>Start 0 is the centre itself; the others are drawn from Normal(centre, spread). All starts
 * share one {@link Adam} over the batch (Adam is elementwise, so that is one independent Adam per
 * start), with the learning rate decaying geometrically from {@link #FIRST_RATE} to {@link
 * #LAST_RATE}. The best point is then polished by at most {@value #NEWTON_STEPS} Newton steps, so
 * that the ascent only has to reach the right basin, not settle in it. {@link
 * LaplaceApproximation} then describes the posterior's shape at that point.
 */
public final class ModeSearch {
  static final double FIRST_RATE = 0.1;
  static final double LAST_RATE = 1e-3;

  private final double[] mode;
  private final double logDensity;
  private final double ascentLogDensity;

  private ModeSearch(double[] mode, double logDensity, double ascentLogDensity) {
    this.mode = mode;
    this.logDensity = logDensity;
    this.ascentLogDensity = ascentLogDensity;
  }

  /**
   * Ascends {@code target} from {@code starts} points for {@code iterations} steps.
   *
   * @param centre the first start and the centre of the others (e.g. the prior means)
   * @param spread the sd of the other starts around the centre
   * @param seed fixes the starts
   */
  public static ModeSearch of(LogDensity target, double[] centre, double spread, int starts, int iterations, long seed) {
    int dim = target.dim();
    Checks.exactLength("centre", centre, dim);
    Checks.positive("starts", starts);
    Checks.positive("iterations", iterations);
    if (!(spread >= 0 && spread < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("spread is " + spread + ", expected a finite value ≥ 0");
    }
    int n = starts;
    double[] z = new double[dim * n];
    RandomStream rng = RandomStream.of(seed);
    for (int j = 0; j < dim; j++) {
      for (int i = 0; i < n; i++) {
        z[j * n + i] = centre[j] + (i == 0 ? 0.0 : spread * rng.nextGaussian());
      }
    }
    double[] logp = new double[n];
    double[] grad = new double[dim * n];
    double[] best = centre.clone();
    double bestLogp = Double.NEGATIVE_INFINITY;
    Adam adam = Adam.of(ParameterLayout.builder().add("starts", dim, n).build(), Double.POSITIVE_INFINITY);
    double decay = Math.pow(LAST_RATE / FIRST_RATE, 1.0 / Math.max(1, iterations - 1));
    double rate = FIRST_RATE;
    for (int t = 0; t <= iterations; t++) {
      target.logDensityAndGradient(z, n, logp, grad);
      for (int i = 0; i < n; i++) {
        boolean finite = Double.isFinite(logp[i]);
        for (int j = 0; j < dim && finite; j++) {
          finite = Double.isFinite(grad[j * n + i]);
        }
        if (finite && logp[i] > bestLogp) {
          bestLogp = logp[i];
          for (int j = 0; j < dim; j++) {
            best[j] = z[j * n + i];
          }
        }
        for (int j = 0; j < dim; j++) {
          // Ascent: Adam minimises, so it gets −∇ log p; a start outside the support stays put.
          grad[j * n + i] = finite ? -grad[j * n + i] : 0.0;
        }
      }
      if (t < iterations) {
        adam.update(z, grad, rate);
        rate *= decay;
      }
    }
    if (bestLogp == Double.NEGATIVE_INFINITY) {
      throw new IllegalArgumentException("the log density is not finite at any of the " + n
          + " starts around the centre, expected a centre inside the model's support");
    }
    return new ModeSearch(best, newtonPolish(target, best, bestLogp), bestLogp);
  }

  /** Most Newton steps after the ascent; each must raise log p, so fewer are taken once it stops improving. */
  static final int NEWTON_STEPS = 5;

  /**
   * Newton's method from the ascent's best point {@code u} (updated in place). The ascent finds the
   * right basin quickly but settles only to within about its last learning rate; near a mode log p
   * is close to quadratic, where steps u + (−∇²log p)⁻¹∇log p converge quadratically. A step is kept
   * only if it raises log p (halved up to 4 times otherwise), and polishing stops where −∇²log p is
   * not positive definite. Returns log p at u.
   */
  private static double newtonPolish(LogDensity target, double[] u, double logp) {
    double[] trial = new double[u.length];
    double[] trialLogp = new double[1];
    for (int step = 0; step < NEWTON_STEPS; step++) {
      LaplaceApproximation.Curvature c = LaplaceApproximation.curvature(target, u);
      double[][] r = LaplaceApproximation.cholesky(c.precision());
      if (r == null) {
        return logp;
      }
      double[] d = LaplaceApproximation.solve(r, c.gradient());
      boolean improved = false;
      double scale = 1.0;
      for (int halving = 0; halving <= 4 && !improved; halving++, scale *= 0.5) {
        for (int j = 0; j < u.length; j++) {
          trial[j] = u[j] + scale * d[j];
        }
        target.logDensity(trial, 1, trialLogp);
        improved = Double.isFinite(trialLogp[0]) && trialLogp[0] > logp;
      }
      if (!improved) {
        return logp;
      }
      System.arraycopy(trial, 0, u, 0, u.length);
      logp = trialLogp[0];
    }
    return logp;
  }

  /** The highest point found. */
  public double[] mode() {
    return mode.clone();
  }

  /** log p̃ at {@link #mode}. */
  public double logDensity() {
    return logDensity;
  }

  /** log p̃ at the ascent's best point, before the Newton polish (at most {@link #logDensity}). */
  public double ascentLogDensity() {
    return ascentLogDensity;
  }
}
