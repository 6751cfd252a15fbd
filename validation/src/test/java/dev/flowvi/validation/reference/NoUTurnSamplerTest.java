package dev.flowvi.validation.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.target.LogDensity;
import org.junit.jupiter.api.Test;

/**
 * The sampler against closed-form posteriors. Each mean is checked by z = (mean − μ)/(σ/√ESS) and
 * each sd by z = (sd − σ)/(σ/√(2·ESS₂)), with ESS from Geyer's estimator on the chain (ESS₂ on the
 * squared deviations, whose autocorrelation differs) and σ/√(2·ESS₂) the delta-method error of a
 * normal sample's sd. Every |z| must stay below 4: P(|z| > 4) = 6.3e-5 per check, and the 30
 * checks here give a false-failure rate below 0.2% over seeds (the seeds are fixed). Over 30 seeds
 * of the 10-D case the mean of z² was 1.02 (300 mean z-scores), as calibrated z-scores should give.
 */
class NoUTurnSamplerTest {
  private static final double Z_LIMIT = 4.0;

  private static void assertMarginal(McmcChain chain, int j, double mu, double sigma) {
    assertMarginal(chain, j, mu, sigma, 3.0);
  }

  /** As above for a distribution of kurtosis κ: the sd's error is σ·sqrt((κ − 1)/(4·ESS₂)). */
  private static void assertMarginal(McmcChain chain, int j, double mu, double sigma, double kurtosis) {
    double[] x = chain.coordinate(j);
    int n = x.length;
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= n;
    double ss = 0;
    double[] sq = new double[n];
    for (int i = 0; i < n; i++) {
      double d = x[i] - mean;
      ss += d * d;
      sq[i] = (x[i] - mu) * (x[i] - mu);
    }
    double sd = Math.sqrt(ss / (n - 1));
    double zMean = (mean - mu) / (sigma / Math.sqrt(EffectiveSampleSize.of(x)));
    double zSd = (sd - sigma) / (sigma * Math.sqrt((kurtosis - 1) / (4 * EffectiveSampleSize.of(sq))));
    assertTrue(Math.abs(zMean) < Z_LIMIT, "coordinate " + j + ": mean " + mean + " vs " + mu + ", z " + zMean + "; " + chain);
    assertTrue(Math.abs(zSd) < Z_LIMIT, "coordinate " + j + ": sd " + sd + " vs " + sigma + ", z " + zSd + "; " + chain);
  }

  private static void assertHealthy(McmcChain chain) {
    assertEquals(0, chain.divergences(), chain.toString());
    assertEquals(0, chain.maxDepthHits(), chain.toString());
    // Dual averaging aims at 0.8; the final ε = exp(x̄) lands a little lower, so kept acceptance sits
    // at 0.8–0.95 on Gaussians. Far outside means the adaptation is broken.
    assertTrue(chain.meanAcceptance() > 0.65 && chain.meanAcceptance() < 0.98, chain.toString());
  }

  @Test
  void correlatedTwoDimensionalGaussian() {
    double rho = 0.8;
    GaussianTarget target = GaussianTarget.correlated(1.0, -2.0, 1.0, 2.0, rho);
    McmcChain chain = NoUTurnSampler.of(target).sample(new double[] {0, 0}, 4000, RandomStream.of(101));
    assertHealthy(chain);
    assertMarginal(chain, 0, 1.0, 1.0);
    assertMarginal(chain, 1, -2.0, 2.0);
    // Correlation: se ≈ (1 − ρ²)/√ESS for a normal sample.
    double[] a = chain.coordinate(0);
    double[] b = chain.coordinate(1);
    double ma = 0;
    double mb = 0;
    for (int i = 0; i < a.length; i++) {
      ma += a[i];
      mb += b[i];
    }
    ma /= a.length;
    mb /= b.length;
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    double r = sab / Math.sqrt(saa * sbb);
    double ess = Math.min(EffectiveSampleSize.of(a), EffectiveSampleSize.of(b));
    assertEquals(rho, r, Z_LIMIT * (1 - rho * rho) / Math.sqrt(ess), "correlation");
  }

  /** Scales from 0.1 to 10 only mix well once the diagonal metric has adapted to them. */
  @Test
  void tenDimensionalGaussianWithSpreadScales() {
    int d = 10;
    double[] mu = new double[d];
    double[] sigma = new double[d];
    for (int j = 0; j < d; j++) {
      mu[j] = j - 4.5;
      sigma[j] = Math.pow(10, -1 + 2.0 * j / (d - 1));
    }
    McmcChain chain = NoUTurnSampler.of(GaussianTarget.independent(mu, sigma)).sample(new double[d], 3000, RandomStream.of(202));
    assertHealthy(chain);
    for (int j = 0; j < d; j++) {
      assertMarginal(chain, j, mu[j], sigma[j]);
      // The metric comes from the last warm-up window (500 draws, ESS a few hundred): its relative
      // sd is about sqrt(2/ESS) < 0.1, so a factor of 1.5 either way is over 4 sd.
      double ratio = chain.inverseMetric()[j] / (sigma[j] * sigma[j]);
      assertTrue(ratio > 1 / 1.5 && ratio < 1.5, "inverse metric " + j + " / variance = " + ratio);
    }
  }

  /**
   * y_i ~ N(θ, σ² = 4), i = 1..20, with prior θ ~ N(μ₀ = 1, τ₀² = 100): the posterior is normal with
   * precision 1/τ₀² + n/σ² and mean (μ₀/τ₀² + Σy/σ²)/precision.
   */
  @Test
  void conjugateNormalNormal() {
    double[] y = new double[20];
    for (int i = 0; i < y.length; i++) {
      y[i] = 3.0 + Math.sin(1.7 * i) * 2.5; // fixed data
    }
    double sigma2 = 4;
    double mu0 = 1;
    double tau02 = 100;
    double sumY = 0;
    for (double v : y) {
      sumY += v;
    }
    double precision = 1 / tau02 + y.length / sigma2;
    double postMean = (mu0 / tau02 + sumY / sigma2) / precision;
    LogDensity model = new LogDensity() {
      @Override
      public int dim() {
        return 1;
      }

      @Override
      public void logDensity(double[] z, int n, double[] logp) {
        logDensityAndGradient(z, n, logp, new double[n]);
      }

      @Override
      public void logDensityAndGradient(double[] z, int n, double[] logp, double[] grad) {
        for (int i = 0; i < n; i++) {
          double theta = z[i];
          double lp = -0.5 * (theta - mu0) * (theta - mu0) / tau02;
          double g = -(theta - mu0) / tau02;
          for (double v : y) {
            lp -= 0.5 * (v - theta) * (v - theta) / sigma2;
            g += (v - theta) / sigma2;
          }
          logp[i] = lp;
          grad[i] = g;
        }
      }
    };
    McmcChain chain = NoUTurnSampler.of(model).withWarmup(500).sample(new double[] {-20}, 4000, RandomStream.of(303));
    assertHealthy(chain);
    assertMarginal(chain, 0, postMean, Math.sqrt(1 / precision));
  }

  /**
   * A skewed target that Gaussians cannot stand in for: θ = log λ with λ ~ Gamma(3, rate 2), so
   * p(θ) ∝ exp(3θ − 2e^θ). Then E θ = ψ(3) − log 2, Var θ = ψ′(3) = π²/6 − 5/4, and the kurtosis
   * is 3 + ψ‴(3)/ψ′(3)² with ψ‴(3) = 6(π⁴/90 − 1 − 1/16).
   */
  @Test
  void skewedLogGamma() {
    LogDensity logGamma = new LogDensity() {
      @Override
      public int dim() {
        return 1;
      }

      @Override
      public void logDensity(double[] z, int n, double[] logp) {
        logDensityAndGradient(z, n, logp, new double[n]);
      }

      @Override
      public void logDensityAndGradient(double[] z, int n, double[] logp, double[] grad) {
        for (int i = 0; i < n; i++) {
          logp[i] = 3 * z[i] - 2 * Math.exp(z[i]);
          grad[i] = 3 - 2 * Math.exp(z[i]);
        }
      }
    };
    double eulerGamma = 0.5772156649015329;
    double mean = 1.5 - eulerGamma - Math.log(2);
    double trigamma = Math.PI * Math.PI / 6 - 1.25;
    double tetragammaDerivative = 6 * (Math.pow(Math.PI, 4) / 90 - 1 - 1.0 / 16);
    McmcChain chain = NoUTurnSampler.of(logGamma).sample(new double[] {2.0}, 4000, RandomStream.of(404));
    assertHealthy(chain);
    assertMarginal(chain, 0, mean, Math.sqrt(trigamma), 3 + tetragammaDerivative / (trigamma * trigamma));
  }

  @Test
  void sameSeedSameDraws() {
    GaussianTarget target = GaussianTarget.correlated(0, 0, 1, 1, 0.5);
    NoUTurnSampler sampler = NoUTurnSampler.of(target).withWarmup(200);
    McmcChain a = sampler.sample(new double[] {0.3, 0.1}, 100, RandomStream.of(9));
    McmcChain b = sampler.sample(new double[] {0.3, 0.1}, 100, RandomStream.of(9));
    assertArrayEquals(a.draws(), b.draws(), 0.0);
    assertEquals(a.stepSize(), b.stepSize(), 0.0);
  }

  @Test
  void warmupWindowsMatchStan() {
    int[][] w = NoUTurnSampler.windows(1000);
    assertArrayEquals(new int[][] {{75, 100}, {100, 150}, {150, 250}, {250, 450}, {450, 950}}, w);
    assertArrayEquals(new int[][] {{75, 100}}, NoUTurnSampler.windows(150));
    // 75 + 25 + 50 > 100: buffers shrink to 15% and 10%.
    assertArrayEquals(new int[][] {{15, 90}}, NoUTurnSampler.windows(100));
    assertEquals(0, NoUTurnSampler.windows(19).length);
  }

  @Test
  void badInputIsRejectedWithItsName() {
    GaussianTarget target = GaussianTarget.correlated(0, 0, 1, 1, 0.5);
    NoUTurnSampler sampler = NoUTurnSampler.of(target);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> sampler.sample(new double[3], 10, RandomStream.of(1)));
    assertTrue(e.getMessage().contains("initial has length 3"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> sampler.sample(new double[2], 0, RandomStream.of(1)));
    assertTrue(e.getMessage().contains("draws is 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> sampler.withTargetAcceptance(1.5));
    assertTrue(e.getMessage().contains("target acceptance is 1.5"), e.getMessage());
    LogDensity nowhere = new LogDensity() {
      @Override
      public int dim() {
        return 1;
      }

      @Override
      public void logDensity(double[] z, int n, double[] logp) {
        logp[0] = Double.NEGATIVE_INFINITY;
      }

      @Override
      public void logDensityAndGradient(double[] z, int n, double[] logp, double[] grad) {
        logp[0] = Double.NEGATIVE_INFINITY;
        grad[0] = 0;
      }
    };
    e = assertThrows(IllegalArgumentException.class, () -> NoUTurnSampler.of(nowhere).sample(new double[] {0.5}, 10, RandomStream.of(1)));
    assertTrue(e.getMessage().contains("log density -Infinity"), e.getMessage());
  }
}
