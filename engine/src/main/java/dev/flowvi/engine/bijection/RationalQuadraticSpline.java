package dev.flowvi.engine.bijection;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.kernel.SplineKernel;

/**
 * The monotone rational-quadratic spline transformer (Durkan et al. 2019, arXiv 1906.04032) on an
 * interval [lo, hi], identity outside it, in FlowJAX 18's parameterisation.
 *
 * <p>With K = {@link #knots()} inner knots there are K+1 bins and {@link #parameterCount()} = 3K+4
 * raw values per scalar: K+1 raw widths, K+1 raw heights, K+2 raw derivatives. Bin widths are
 * {@code 1e-3 + (hi − lo − 1e-3(K+1))·softmax(raw widths)}, heights likewise, and the derivative at
 * each of the K+2 knots, the two ends included, is {@code softplus(raw) + 1e-3}. {@link
 * #identity} writes the raws of the exact identity map.
 *
 * <p>The arithmetic runs in {@link SplineKernel#preferred()}: vectorised across points when the
 * Vector API is available, otherwise the scalar reference.
 */
public final class RationalQuadraticSpline implements Transformer {
  /**
   * softplus⁻¹(1 − 1e-3) = log(expm1(0.999)), nudged by one ulp to the middle of the run of doubles
   * whose softplus plus 1e-3 rounds to exactly 1.0, so every knot slope starts at exactly 1.
   */
  static final double IDENTITY_RAW_DERIVATIVE = 0.5397424172369522;

  private final int knots;
  private final double lo;
  private final double hi;
  private final SplineKernel kernel;

  private RationalQuadraticSpline(int knots, double lo, double hi, SplineKernel kernel) {
    this.knots = knots;
    this.lo = lo;
    this.hi = hi;
    this.kernel = kernel;
  }

  /** A spline with {@code knots} inner knots on [lo, hi]. */
  public static RationalQuadraticSpline of(int knots, double lo, double hi) {
    return of(knots, lo, hi, SplineKernel.preferred());
  }

  /** A spline with {@code knots} inner knots on [−bound, bound]. */
  public static RationalQuadraticSpline of(int knots, double bound) {
    Checks.positive("bound", bound);
    return of(knots, -bound, bound);
  }

  /** A spline computed by a given kernel, for tests and benchmarks that compare kernels. */
  public static RationalQuadraticSpline of(int knots, double lo, double hi, SplineKernel kernel) {
    Checks.positive("knots", knots);
    Checks.interval("interval", lo, hi);
    if (kernel == null) {
      throw new IllegalArgumentException("kernel must not be null");
    }
    // Every bin is at least MIN_WIDTH wide, so K+1 of them must fit.
    double minimum = SplineKernel.MIN_WIDTH * (knots + 1);
    if (!(hi - lo > minimum)) {
      throw new IllegalArgumentException("interval is (" + lo + ", " + hi + ") of length " + (hi - lo)
          + ", expected a length above " + minimum + " so that " + (knots + 1) + " bins of minimum width "
          + SplineKernel.MIN_WIDTH + " fit");
    }
    return new RationalQuadraticSpline(knots, lo, hi, kernel);
  }

  /** Number of inner knots K. */
  public int knots() {
    return knots;
  }

  public double lo() {
    return lo;
  }

  public double hi() {
    return hi;
  }

  @Override
  public int parameterCount() {
    return SplineKernel.rawRows(knots);
  }

  @Override
  public String name() {
    return "RationalQuadraticSpline";
  }

  @Override
  public void identity(double[] raw, int offset) {
    Checks.params(raw, offset, parameterCount());
    int bins = knots + 1;
    for (int j = 0; j < 2 * bins; j++) {
      raw[offset + j] = 0.0;
    }
    for (int j = 0; j < knots + 2; j++) {
      raw[offset + 2 * bins + j] = IDENTITY_RAW_DERIVATIVE;
    }
  }

  @Override
  public void forward(double[] raw, int rawOff, int stride, double[] x, int xOff, double[] y, int yOff, double[] logDet, int len) {
    kernel.forward(knots, lo, hi, raw, rawOff, stride, x, xOff, y, yOff, logDet, len);
  }

  @Override
  public void inverse(double[] raw, int rawOff, int stride, double[] y, int yOff, double[] x, int xOff, double[] logDet, int len) {
    kernel.inverse(knots, lo, hi, raw, rawOff, stride, y, yOff, x, xOff, logDet, len);
  }

  @Override
  public void forwardBackward(double[] raw, int rawOff, int stride, double[] x, int xOff, double[] y, int yOff,
      double[] gradY, int gradYOff, double[] gradLogDet, double[] gradX, int gradXOff, double[] gradRaw, int gradRawOff, int len) {
    kernel.forwardBackward(knots, lo, hi, raw, rawOff, stride, x, xOff, gradY, gradYOff, gradLogDet,
        gradX, gradXOff, gradRaw, gradRawOff, len);
  }

  @Override
  public void inverseBackward(double[] raw, int rawOff, int stride, double[] y, int yOff, double[] x, int xOff,
      double[] gradX, int gradXOff, double[] gradLogDet, double[] gradY, int gradYOff, double[] gradRaw, int gradRawOff, int len) {
    kernel.inverseBackward(knots, lo, hi, raw, rawOff, stride, y, yOff, gradX, gradXOff, gradLogDet,
        gradY, gradYOff, gradRaw, gradRawOff, len);
  }

  @Override
  public String toString() {
    return "RationalQuadraticSpline(knots=" + knots + ", interval=[" + lo + ", " + hi + "])";
  }
}
