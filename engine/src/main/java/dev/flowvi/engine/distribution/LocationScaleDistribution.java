package dev.flowvi.engine.distribution;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.random.RandomStream;
import java.util.Arrays;

/**
 * Independent coordinates x_j = loc_j + s_j·ε_j with ε_j drawn from a fixed standard density f and
 * trainable loc and scale, s_j = softplus(raw_j). Parameters are laid out as [loc (dim) | raw
 * scale (dim)].
 *
 * <p>With z = (x − loc)/s and score ψ(z) = d log f/dz, log p(x) = log f(z) − log s, so
 * ∂/∂x = ψ/s, ∂/∂loc = −ψ/s and ∂/∂s = −(1 + zψ)/s. Sampling is reparameterised:
 * ∂x/∂loc = 1 and ∂x/∂s = ε = (x − loc)/s, so the gradient is recovered from the draw itself.
 */
abstract class LocationScaleDistribution extends FactorisedDistribution {
  private final double[] initialLoc;
  private final double[] initialRawScale;

  LocationScaleDistribution(double[] loc, double[] scale) {
    super(checkedDim(loc, scale));
    this.initialLoc = loc.clone();
    this.initialRawScale = new double[scale.length];
    for (int j = 0; j < loc.length; j++) {
      Checks.finite("loc[" + j + "]", loc[j]);
      Checks.positive("scale[" + j + "]", scale[j]);
      initialRawScale[j] = Softplus.inverse(scale[j]);
      if (!Double.isFinite(initialRawScale[j])) {
        throw new IllegalArgumentException(
            "scale[" + j + "] is " + scale[j] + ", expected a value whose softplus inverse is finite (about 1e-300 or more)");
      }
    }
  }

  private static int checkedDim(double[] loc, double[] scale) {
    if (loc == null || scale == null) {
      throw new IllegalArgumentException("loc and scale must not be null");
    }
    if (loc.length != scale.length) {
      throw new IllegalArgumentException(
          "scale has length " + scale.length + ", expected " + loc.length + " to match loc");
    }
    return loc.length;
  }

  static double[] filled(int dim, double value) {
    double[] a = new double[Checks.positive("dim", dim)];
    Arrays.fill(a, value);
    return a;
  }

  /** log f(z) of the standard density. */
  abstract double standardLogDensity(double z);

  /** ψ(z) = d log f(z)/dz. */
  abstract double standardScore(double z);

  /** One draw of the standard density. */
  abstract double standardSample(RandomStream rng);

  @Override
  public final int parameterCount() {
    return 2 * dim();
  }

  @Override
  public final void describeParameters(ParameterLayout.Builder layout, String prefix) {
    layout.add(prefix + name() + ".loc", dim());
    layout.add(prefix + name() + ".scale_raw", dim());
  }

  /** Writes the initial loc and softplus⁻¹(initial scale) given at construction. */
  @Override
  public final void initialise(double[] params, int offset, RandomStream rng) {
    Checks.params(params, offset, parameterCount());
    System.arraycopy(initialLoc, 0, params, offset, dim());
    System.arraycopy(initialRawScale, 0, params, offset + dim(), dim());
  }

  /** The initial location per coordinate (a copy). */
  public final double[] initialLoc() {
    return initialLoc.clone();
  }

  /** The initial scale per coordinate (a copy). */
  public final double[] initialScale() {
    double[] s = new double[dim()];
    for (int j = 0; j < dim(); j++) {
      s[j] = Softplus.value(initialRawScale[j]);
    }
    return s;
  }

  @Override
  public String toString() {
    return name() + "(dim=" + dim() + ")";
  }

  @Override
  final void sampleAt(double[] params, int offset, RandomStream rng, double[] x, int xOff, int n) {
    int d = dim();
    for (int j = 0; j < d; j++) {
      double loc = params[offset + j];
      double s = Softplus.value(params[offset + d + j]);
      int base = xOff + j * n;
      for (int i = 0; i < n; i++) {
        x[base + i] = loc + s * standardSample(rng);
      }
    }
  }

  @Override
  final void addLogProb(double[] params, int offset, double[] x, int xOff, double[] logp, int n) {
    int d = dim();
    for (int j = 0; j < d; j++) {
      double loc = params[offset + j];
      double s = Softplus.value(params[offset + d + j]);
      double logS = Math.log(s);
      int base = xOff + j * n;
      for (int i = 0; i < n; i++) {
        logp[i] += standardLogDensity((x[base + i] - loc) / s) - logS;
      }
    }
  }

  @Override
  final void logProbBackwardAt(
      double[] params, int offset, double[] x, int xOff, double[] gradLogp, double[] gradX, double[] gradParams, int n) {
    int d = dim();
    for (int j = 0; j < d; j++) {
      double loc = params[offset + j];
      double raw = params[offset + d + j];
      double s = Softplus.value(raw);
      int base = xOff + j * n;
      double gLoc = 0;
      double gScale = 0;
      for (int i = 0; i < n; i++) {
        double z = (x[base + i] - loc) / s;
        double psi = standardScore(z);
        double g = gradLogp[i];
        if (gradX != null) {
          gradX[base + i] = g * psi / s;
        }
        gLoc -= g * psi / s;
        gScale -= g * (1.0 + z * psi) / s;
      }
      gradParams[offset + j] += gLoc;
      gradParams[offset + d + j] += gScale * Softplus.derivative(raw);
    }
  }

  @Override
  final void sampleBackwardAt(double[] params, int offset, double[] x, int xOff, double[] gradX, double[] gradParams, int n) {
    int d = dim();
    for (int j = 0; j < d; j++) {
      double loc = params[offset + j];
      double raw = params[offset + d + j];
      double s = Softplus.value(raw);
      int base = xOff + j * n;
      double gLoc = 0;
      double gScale = 0;
      for (int i = 0; i < n; i++) {
        double g = gradX[base + i];
        gLoc += g;
        gScale += g * (x[base + i] - loc) / s;
      }
      gradParams[offset + j] += gLoc;
      gradParams[offset + d + j] += gScale * Softplus.derivative(raw);
    }
  }
}
