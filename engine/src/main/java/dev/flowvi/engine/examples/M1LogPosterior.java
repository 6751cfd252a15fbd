package dev.flowvi.engine.examples;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.target.LogDensity;

/**
 * The seed's M1 log posterior written by hand, with a hand-derived gradient: the reference the
 * model builder and code generation are checked against.
 *
 * <p>θ = (m1, m2, c2, w1) with uniform priors on the boxes [−10, 10], [−10, 10], [−50, 50], [0, 1];
 * log p(y | θ) = Σ_i log( w1·N(y_i | m1 x_i, 1) + (1 − w1)·N(y_i | m2 x_i + c2, 1.5) ).
 *
 * <p>Two parameterisations of the same posterior:
 * <ul>
 *   <li>{@link Parameterisation#UNIT_CUBE}, the seed's: θ = lo + (hi − lo)·z for z in [0, 1]⁴. The
 *       prior density and the Jacobian cancel, so log p(z) = log p(y | θ(z)) inside the cube and −∞
 *       outside;
 *   <li>{@link Parameterisation#UNCONSTRAINED}, the model builder's: θ = lo + (hi − lo)·logistic(u),
 *       log p(u) = log p(y | θ) + log prior + Σ log|dθ/du|.
 * </ul>
 */
public final class M1LogPosterior implements LogDensity {
  private static final String[] NAMES = {"m1", "m2", "c2", "w1"};
  private static final double[] LO = {-10, -10, -50, 0};
  private static final double[] HI = {10, 10, 50, 1};
  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

  /** How the four coordinates map onto the prior boxes. */
  public enum Parameterisation { UNIT_CUBE, UNCONSTRAINED }

  private final double[] x;
  private final double[] y;
  private final Parameterisation parameterisation;

  private M1LogPosterior(double[] x, double[] y, Parameterisation parameterisation) {
    this.x = x.clone();
    this.y = y.clone();
    this.parameterisation = parameterisation;
  }

  public static M1LogPosterior of(DataTable data, Parameterisation parameterisation) {
    return of(data.column("x"), data.column("y"), parameterisation);
  }

  public static M1LogPosterior of(double[] x, double[] y, Parameterisation parameterisation) {
    if (x == null || y == null || x.length != y.length || x.length == 0) {
      throw new IllegalArgumentException("x and y have lengths " + (x == null ? "null" : x.length) + " and "
          + (y == null ? "null" : y.length) + ", expected equal positive lengths");
    }
    if (parameterisation == null) {
      throw new IllegalArgumentException("parameterisation is null, expected UNIT_CUBE or UNCONSTRAINED");
    }
    return new M1LogPosterior(x, y, parameterisation);
  }

  public Parameterisation parameterisation() {
    return parameterisation;
  }

  @Override
  public int dim() {
    return 4;
  }

  @Override
  public String[] coordinateNames() {
    return NAMES.clone();
  }

  /** θ = (m1, m2, c2, w1) at a point z of this parameterisation. */
  public double[] constrain(double[] z) {
    Checks.exactLength("z", z, 4);
    double[] theta = new double[4];
    for (int j = 0; j < 4; j++) {
      double s = parameterisation == Parameterisation.UNIT_CUBE ? z[j] : logistic(z[j]);
      theta[j] = LO[j] + (HI[j] - LO[j]) * s;
    }
    return theta;
  }

  @Override
  public void logDensity(double[] z, int n, double[] logp) {
    evaluate(z, n, logp, null);
  }

  @Override
  public void logDensityAndGradient(double[] z, int n, double[] logp, double[] grad) {
    Checks.batch("grad", grad, 4, n);
    evaluate(z, n, logp, grad);
  }

  private void evaluate(double[] z, int n, double[] logp, double[] grad) {
    Checks.positive("n", n);
    Checks.batch("z", z, 4, n);
    Checks.perPoint("logp", logp, n);
    double[] theta = new double[4];
    double[] g = new double[4];
    for (int i = 0; i < n; i++) {
      double extra = 0;
      boolean inside = true;
      for (int j = 0; j < 4; j++) {
        double zj = z[j * n + i];
        double s;
        if (parameterisation == Parameterisation.UNIT_CUBE) {
          s = zj;
          inside &= zj >= 0 && zj <= 1;
        } else {
          s = logistic(zj);
          // log σ(u) + log(1 − σ(u)), written without overflow.
          extra += -Math.abs(zj) - 2 * Math.log1p(Math.exp(-Math.abs(zj)));
        }
        theta[j] = LO[j] + (HI[j] - LO[j]) * s;
      }
      if (!inside) {
        logp[i] = Double.NEGATIVE_INFINITY;
        if (grad != null) {
          for (int j = 0; j < 4; j++) {
            grad[j * n + i] = 0;
          }
        }
        continue;
      }
      double ll = logLikelihood(theta, grad == null ? null : g);
      // Either way the uniform prior density 1/Π(hi − lo) cancels the Π(hi − lo) of the Jacobian;
      // the logistic map adds its own Σ log σ(1 − σ).
      logp[i] = ll + extra;
      if (grad != null) {
        for (int j = 0; j < 4; j++) {
          double width = HI[j] - LO[j];
          if (parameterisation == Parameterisation.UNIT_CUBE) {
            grad[j * n + i] = g[j] * width;
          } else {
            double s = logistic(z[j * n + i]);
            grad[j * n + i] = g[j] * width * s * (1 - s) + 1 - 2 * s;
          }
        }
      }
    }
  }

  /** log p(y | θ); with g not null, also its gradient with respect to θ. */
  private double logLikelihood(double[] theta, double[] g) {
    double m1 = theta[0];
    double m2 = theta[1];
    double c2 = theta[2];
    double w1 = theta[3];
    double logW1 = Math.log(w1);
    double logW2 = Math.log1p(-w1);
    double s2 = M1Data.S2;
    double logNorm1 = -Math.log(M1Data.S1) - HALF_LOG_TWO_PI;
    double logNorm2 = -Math.log(s2) - HALF_LOG_TWO_PI;
    double total = 0;
    double gm1 = 0;
    double gm2 = 0;
    double gc2 = 0;
    double gw = 0;
    for (int r = 0; r < x.length; r++) {
      double d1 = (y[r] - m1 * x[r]) / M1Data.S1;
      double d2 = (y[r] - m2 * x[r] - c2) / s2;
      double a = logW1 - 0.5 * d1 * d1 + logNorm1;
      double b = logW2 - 0.5 * d2 * d2 + logNorm2;
      double max = Math.max(a, b);
      double ea = Math.exp(a - max);
      double eb = Math.exp(b - max);
      double sum = ea + eb;
      total += max + Math.log(sum);
      if (g != null) {
        double r1 = ea / sum;
        double r2 = eb / sum;
        gm1 += r1 * d1 / M1Data.S1 * x[r];
        gm2 += r2 * d2 / s2 * x[r];
        gc2 += r2 * d2 / s2;
        gw += r1 / w1 - r2 / (1 - w1);
      }
    }
    if (g != null) {
      g[0] = gm1;
      g[1] = gm2;
      g[2] = gc2;
      g[3] = gw;
    }
    return total;
  }

  private static double logistic(double u) {
    return u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u));
  }
}
