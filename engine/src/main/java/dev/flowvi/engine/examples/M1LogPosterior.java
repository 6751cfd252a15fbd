package dev.flowvi.engine.examples;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.PerSample;
import dev.flowvi.engine.kernel.VectorSupport;
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.target.LogDensity;
import java.util.Arrays;

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
 *
 * <p>The sweep over rows is {@link M1Rows} (scalar reference) or {@link M1RowsVector} (lanes across
 * rows), chosen by {@link VectorSupport}; each sample is computed on its own, and large batches run
 * in parallel over samples ({@link PerSample}).
 */
public final class M1LogPosterior implements LogDensity {
  private static final String[] NAMES = {"m1", "m2", "c2", "w1"};
  private static final double[] LO = {-10, -10, -50, 0};
  private static final double[] HI = {10, 10, 50, 1};

  /** How the four coordinates map onto the prior boxes. */
  public enum Parameterisation { UNIT_CUBE, UNCONSTRAINED }

  private final double[] x;
  private final double[] y;
  private final Parameterisation parameterisation;
  private final M1Rows rows;
  /** Per thread: θ and the sweep's gradient accumulator, so that a sample allocates nothing. */
  private final ThreadLocal<double[][]> scratch = ThreadLocal.withInitial(() -> new double[2][4]);

  private M1LogPosterior(double[] x, double[] y, Parameterisation parameterisation, M1Rows rows) {
    this.x = x;
    this.y = y;
    this.parameterisation = parameterisation;
    this.rows = rows;
  }

  /** The same posterior with the scalar row sweep (the reference for the vector one). */
  M1LogPosterior withScalarRows() {
    return new M1LogPosterior(x, y, parameterisation, new M1Rows());
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
    return new M1LogPosterior(x.clone(), y.clone(), parameterisation,
        VectorSupport.choose(M1Rows.class, "dev.flowvi.engine.examples.M1RowsVector", M1Rows::new));
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
    PerSample.each(n, i -> logp[i] = sample(z, n, i, grad));
  }

  /** log p of sample i; with grad not null, its gradient into grad[j·n + i]. */
  private double sample(double[] z, int n, int i, double[] grad) {
    double[][] work = scratch.get();
    double[] theta = work[0];
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
      if (grad != null) {
        for (int j = 0; j < 4; j++) {
          grad[j * n + i] = 0;
        }
      }
      return Double.NEGATIVE_INFINITY;
    }
    double[] g = null;
    if (grad != null) {
      g = work[1];
      Arrays.fill(g, 0.0);
    }
    // Either way the uniform prior density 1/Π(hi − lo) cancels the Π(hi − lo) of the Jacobian;
    // the logistic map adds its own Σ log σ(1 − σ).
    double value = rows.sweep(x, y, theta, g) + extra;
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
    return value;
  }

  private static double logistic(double u) {
    return u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u));
  }
}
