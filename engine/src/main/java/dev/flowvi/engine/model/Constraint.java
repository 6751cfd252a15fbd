package dev.flowvi.engine.model;

import dev.flowvi.engine.core.Checks;

/**
 * A parameter's support and the bijection from unconstrained coordinates onto it, with the exact
 * log-Jacobian, following the Stan reference manual ("Constraint transforms"). The flow lives on
 * ℝ^D; the model adds log|J| to its density so that the constrained parameters get their prior.
 *
 * <ul>
 *   <li>real: x = u;
 *   <li>positive: x = e^u, log|J| = u;
 *   <li>interval (lo, hi): x = lo + (hi − lo)·logistic(u), log|J| = log(hi − lo) + log σ(u) + log(1 − σ(u));
 *   <li>ordered (K): x_1 = u_1, x_k = x_{k−1} + e^{u_k}, log|J| = Σ_{k≥2} u_k;
 *   <li>simplex (K, from K − 1 free coordinates): Stan's stick-breaking. With z_k = logistic(u_k −
 *       log(K − k)) and the remaining stick r_1 = 1: x_k = r_k z_k, r_{k+1} = r_k − x_k, x_K = r_K;
 *       log|J| = Σ_{k<K} [log z_k + log(1 − z_k) + log r_k]. The offset log(K − k) maps u = 0 to the
 *       centre of the simplex.
 * </ul>
 */
public abstract class Constraint {
  private final String description;
  /** The infimum and supremum of an element's value under this constraint. */
  private final double lowest;
  private final double highest;

  private Constraint(String description, double lowest, double highest) {
    this.description = description;
    this.lowest = lowest;
    this.highest = highest;
  }

  /** Whether every value an element can take lies in the closed range [lo, hi]. */
  boolean within(double lo, double hi) {
    return lo <= lowest && highest <= hi;
  }

  public static Constraint real() {
    return Real.INSTANCE;
  }

  public static Constraint positive() {
    return Positive.INSTANCE;
  }

  public static Constraint interval(double lo, double hi) {
    Checks.interval("interval constraint (lo, hi)", lo, hi);
    return new Interval(lo, hi);
  }

  public static Constraint simplex() {
    return Simplex.INSTANCE;
  }

  public static Constraint ordered() {
    return Ordered.INSTANCE;
  }

  /** Number of unconstrained coordinates for a parameter of {@code size} elements. */
  public int freeSize(int size) {
    return size;
  }

  /** The smallest number of elements this constraint accepts. */
  int minimumSize() {
    return 1;
  }

  /** The bounds (lo, hi) of an interval constraint, null for every other constraint (for code generators). */
  double[] intervalBounds() {
    return null;
  }

  /** Whether a flat prior on this support is proper (a bounded support). */
  public abstract boolean bounded();

  /**
   * Maps free coordinates u[uOff, uOff + freeSize) to the constrained x[xOff, xOff + size); returns
   * log|J|.
   */
  abstract double constrain(double[] u, int uOff, double[] x, int xOff, int size);

  /**
   * Given dL/dx at x[xOff..] (from {@link #constrain}), adds into gu[uOff..] the gradient of L +
   * log|J| with respect to u.
   */
  abstract void backward(double[] u, int uOff, double[] x, int xOff, double[] gx, int size, double[] gu, int guOff);

  /** Maps a constrained value back to free coordinates (for initial values and tests). */
  abstract void unconstrain(double[] x, int xOff, double[] u, int uOff, int size);

  @Override
  public String toString() {
    return description;
  }

  private static final class Real extends Constraint {
    static final Real INSTANCE = new Real();

    Real() {
      super("real", Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    @Override
    public boolean bounded() {
      return false;
    }

    @Override
    double constrain(double[] u, int uOff, double[] x, int xOff, int size) {
      System.arraycopy(u, uOff, x, xOff, size);
      return 0;
    }

    @Override
    void backward(double[] u, int uOff, double[] x, int xOff, double[] gx, int size, double[] gu, int guOff) {
      for (int k = 0; k < size; k++) {
        gu[guOff + k] += gx[xOff + k];
      }
    }

    @Override
    void unconstrain(double[] x, int xOff, double[] u, int uOff, int size) {
      System.arraycopy(x, xOff, u, uOff, size);
    }
  }

  private static final class Positive extends Constraint {
    static final Positive INSTANCE = new Positive();

    Positive() {
      super("positive", 0, Double.POSITIVE_INFINITY);
    }

    @Override
    public boolean bounded() {
      return false;
    }

    @Override
    double constrain(double[] u, int uOff, double[] x, int xOff, int size) {
      double logJ = 0;
      for (int k = 0; k < size; k++) {
        x[xOff + k] = Math.exp(u[uOff + k]);
        logJ += u[uOff + k];
      }
      return logJ;
    }

    @Override
    void backward(double[] u, int uOff, double[] x, int xOff, double[] gx, int size, double[] gu, int guOff) {
      for (int k = 0; k < size; k++) {
        gu[guOff + k] += gx[xOff + k] * x[xOff + k] + 1;
      }
    }

    @Override
    void unconstrain(double[] x, int xOff, double[] u, int uOff, int size) {
      for (int k = 0; k < size; k++) {
        u[uOff + k] = Math.log(x[xOff + k]);
      }
    }
  }

  private static final class Interval extends Constraint {
    private final double lo;
    private final double hi;
    private final double width;
    private final double logWidth;

    Interval(double lo, double hi) {
      super("interval(" + lo + ", " + hi + ")", lo, hi);
      this.lo = lo;
      this.hi = hi;
      this.width = hi - lo;
      this.logWidth = Math.log(width);
    }

    @Override
    public boolean bounded() {
      return true;
    }

    @Override
    double[] intervalBounds() {
      return new double[] {lo, hi};
    }

    @Override
    double constrain(double[] u, int uOff, double[] x, int xOff, int size) {
      double logJ = 0;
      for (int k = 0; k < size; k++) {
        double v = u[uOff + k];
        x[xOff + k] = lo + width * Op.logistic(v);
        // log σ(v) + log(1 − σ(v)) = −softplus(−v) − softplus(v) = −|v| − 2·log1p(e^−|v|).
        logJ += logWidth - Math.abs(v) - 2 * Math.log1p(Math.exp(-Math.abs(v)));
      }
      return logJ;
    }

    @Override
    void backward(double[] u, int uOff, double[] x, int xOff, double[] gx, int size, double[] gu, int guOff) {
      for (int k = 0; k < size; k++) {
        double s = Op.logistic(u[uOff + k]);
        // dx/du = width·σ(1−σ); d log|J|/du = 1 − 2σ.
        gu[guOff + k] += gx[xOff + k] * width * s * (1 - s) + 1 - 2 * s;
      }
    }

    @Override
    void unconstrain(double[] x, int xOff, double[] u, int uOff, int size) {
      for (int k = 0; k < size; k++) {
        double p = (x[xOff + k] - lo) / width;
        u[uOff + k] = Math.log(p) - Math.log1p(-p);
      }
    }
  }

  private static final class Ordered extends Constraint {
    static final Ordered INSTANCE = new Ordered();

    Ordered() {
      super("ordered", Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    @Override
    public boolean bounded() {
      return false;
    }

    @Override
    double constrain(double[] u, int uOff, double[] x, int xOff, int size) {
      double logJ = 0;
      x[xOff] = u[uOff];
      for (int k = 1; k < size; k++) {
        x[xOff + k] = x[xOff + k - 1] + Math.exp(u[uOff + k]);
        logJ += u[uOff + k];
      }
      return logJ;
    }

    @Override
    void backward(double[] u, int uOff, double[] x, int xOff, double[] gx, int size, double[] gu, int guOff) {
      // x_k depends on u_j (j ≤ k); the gradient of x_j flows into every earlier increment.
      double tail = 0;
      for (int k = size - 1; k >= 1; k--) {
        tail += gx[xOff + k];
        gu[guOff + k] += tail * Math.exp(u[uOff + k]) + 1;
      }
      gu[guOff] += tail + gx[xOff];
    }

    @Override
    void unconstrain(double[] x, int xOff, double[] u, int uOff, int size) {
      u[uOff] = x[xOff];
      for (int k = 1; k < size; k++) {
        u[uOff + k] = Math.log(x[xOff + k] - x[xOff + k - 1]);
      }
    }
  }

  private static final class Simplex extends Constraint {
    static final Simplex INSTANCE = new Simplex();

    Simplex() {
      super("simplex", 0, 1);
    }

    @Override
    public boolean bounded() {
      return true;
    }

    @Override
    public int freeSize(int size) {
      return size - 1;
    }

    @Override
    int minimumSize() {
      return 2;
    }

    @Override
    double constrain(double[] u, int uOff, double[] x, int xOff, int size) {
      double logJ = 0;
      double rest = 1;
      for (int k = 0; k < size - 1; k++) {
        double v = u[uOff + k] - Math.log(size - 1 - k);
        double z = Op.logistic(v);
        x[xOff + k] = rest * z;
        logJ += -Math.abs(v) - 2 * Math.log1p(Math.exp(-Math.abs(v))) + Math.log(rest);
        rest -= x[xOff + k];
      }
      x[xOff + size - 1] = rest;
      return logJ;
    }

    @Override
    void backward(double[] u, int uOff, double[] x, int xOff, double[] gx, int size, double[] gu, int guOff) {
      // Rebuild r_k = 1 − Σ_{j<k} x_j from x, then run the stick-breaking backwards.
      double gRest = gx[xOff + size - 1];
      double rest = x[xOff + size - 1];
      for (int k = size - 2; k >= 0; k--) {
        double restK = rest + x[xOff + k];
        double z = Op.logistic(u[uOff + k] - Math.log(size - 1 - k));
        // r_{k+1} = r_k (1 − z_k) and x_k = r_k z_k, plus log|J| terms log z + log(1−z) + log r_k.
        // d(log z + log(1 − z))/du = 1 − 2z.
        double gz = (gx[xOff + k] - gRest) * restK;
        double gRestK = gRest * (1 - z) + gx[xOff + k] * z + 1 / restK;
        gu[guOff + k] += gz * z * (1 - z) + 1 - 2 * z;
        gRest = gRestK;
        rest = restK;
      }
    }

    @Override
    void unconstrain(double[] x, int xOff, double[] u, int uOff, int size) {
      double rest = 1;
      for (int k = 0; k < size - 1; k++) {
        double z = x[xOff + k] / rest;
        u[uOff + k] = Math.log(z) - Math.log1p(-z) + Math.log(size - 1 - k);
        rest -= x[xOff + k];
      }
    }
  }
}
