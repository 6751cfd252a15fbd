package dev.flowvi.engine.distribution;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.random.GammaSampler;
import dev.flowvi.engine.random.RandomStream;

/**
 * Independent Student-t coordinates with fixed degrees of freedom ν and trainable loc and scale
 * s = softplus(raw) (parameter layout and gradients in {@link LocationScaleDistribution}). A
 * heavy-tailed base keeps flows stable on heavy-tailed targets (Andrade, arXiv 2402.16408).
 *
 * <p>Standard density: log f(z) = log Γ((ν+1)/2) − log Γ(ν/2) − ½ log(νπ) − (ν+1)/2 · log(1 + z²/ν),
 * with score ψ(z) = −(ν+1) z/(ν + z²). Draws are ε = Z/√(V/ν) with Z standard normal and
 * V ~ χ²_ν = 2·Gamma(ν/2), the Gamma draw taken in log space so that small ν cannot divide by 0.
 */
public final class StudentT extends LocationScaleDistribution {
  private final double df;
  private final double logNormaliser;
  private final double halfLogDfOver2;
  private final GammaSampler halfChiSquare;

  private StudentT(double df, double[] loc, double[] scale) {
    super(loc, scale);
    this.df = Checks.positive("df", df);
    this.logNormaliser = LogGamma.of(0.5 * (df + 1)) - LogGamma.of(0.5 * df) - 0.5 * Math.log(df * Math.PI);
    this.halfLogDfOver2 = 0.5 * Math.log(0.5 * df);
    this.halfChiSquare = GammaSampler.of(0.5 * df);
  }

  /** Degrees of freedom df (finite, &gt; 0) and initial loc and scale per coordinate. */
  public static StudentT of(double df, double[] loc, double[] scale) {
    return new StudentT(df, loc, scale);
  }

  /** The same initial loc and scale for all dim coordinates. */
  public static StudentT of(int dim, double df, double loc, double scale) {
    return new StudentT(df, filled(dim, loc), filled(dim, scale));
  }

  public double df() {
    return df;
  }

  @Override
  double standardLogDensity(double z) {
    double a = Math.abs(z);
    // Far out, z² would overflow: log(1 + z²/ν) = 2 log|z| − log ν + log1p(ν/z²).
    double log1pZ2 = a < 1e100 ? Math.log1p(z * z / df) : 2 * Math.log(a) - Math.log(df) + Math.log1p(df / a / a);
    return logNormaliser - 0.5 * (df + 1) * log1pZ2;
  }

  @Override
  double standardScore(double z) {
    // −(ν+1)/(ν/z + z) equals −(ν+1)z/(ν + z²) and keeps z·ψ(z) → −(ν+1) finite as |z| → ∞.
    return z == 0 ? 0.0 : -(df + 1) / (df / z + z);
  }

  @Override
  double standardSample(RandomStream rng) {
    double z = rng.nextGaussian();
    // 1/sqrt(V/ν) with V = 2G: exp(½ log(ν/2) − ½ log G).
    return z * Math.exp(halfLogDfOver2 - 0.5 * halfChiSquare.sampleLog(rng));
  }

  @Override
  public String toString() {
    return "StudentT(dim=" + dim() + ", df=" + df + ")";
  }
}
