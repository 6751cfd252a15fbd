package dev.flowvi.engine.train;

import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.distribution.Distribution;
import dev.flowvi.engine.random.RandomStream;

/**
 * Test-scope diagonal normal: standard (no parameters) or with learnable [μ (d) | log σ (d)],
 * which exercises the reparameterised base gradient x = μ + σ ε.
 */
final class TestNormal implements Distribution {
  private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
  private final int d;
  private final boolean learnable;

  TestNormal(int d, boolean learnable) {
    this.d = d;
    this.learnable = learnable;
  }

  static TestNormal standard(int d) {
    return new TestNormal(d, false);
  }

  @Override
  public int dim() {
    return d;
  }

  @Override
  public int parameterCount() {
    return learnable ? 2 * d : 0;
  }

  @Override
  public void describeParameters(ParameterLayout.Builder layout, String prefix) {
    layout.add(prefix + "loc", learnable ? d : 0);
    layout.add(prefix + "logScale", learnable ? d : 0);
  }

  private double mu(double[] p, int off, int j) {
    return learnable ? p[off + j] : 0.0;
  }

  private double sigma(double[] p, int off, int j) {
    return learnable ? Math.exp(p[off + d + j]) : 1.0;
  }

  @Override
  public void initialise(double[] params, int offset, RandomStream rng) {
    for (int k = 0; k < parameterCount(); k++) {
      params[offset + k] = 0.0;
    }
  }

  @Override
  public void sample(double[] p, int off, RandomStream rng, double[] x, int n) {
    for (int j = 0; j < d; j++) {
      for (int i = 0; i < n; i++) {
        x[j * n + i] = mu(p, off, j) + sigma(p, off, j) * rng.nextGaussian();
      }
    }
  }

  @Override
  public void logProb(double[] p, int off, double[] x, double[] logp, int n) {
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < d; j++) {
        double u = (x[j * n + i] - mu(p, off, j)) / sigma(p, off, j);
        s += -0.5 * u * u - Math.log(sigma(p, off, j)) - HALF_LOG_2PI;
      }
      logp[i] = s;
    }
  }

  @Override
  public void logProbBackward(double[] p, int off, double[] x, double[] g, double[] gX, double[] gP, int n) {
    for (int j = 0; j < d; j++) {
      double m = mu(p, off, j);
      double s = sigma(p, off, j);
      for (int i = 0; i < n; i++) {
        double u = (x[j * n + i] - m) / s;
        if (gX != null) {
          gX[j * n + i] = -g[i] * u / s;
        }
        if (learnable) {
          gP[off + j] += g[i] * u / s;
          gP[off + d + j] += g[i] * (u * u - 1.0);
        }
      }
    }
  }

  @Override
  public void sampleBackward(double[] p, int off, double[] x, double[] gX, double[] gP, int n) {
    if (!learnable) {
      return;
    }
    for (int j = 0; j < d; j++) {
      double m = mu(p, off, j);
      for (int i = 0; i < n; i++) {
        gP[off + j] += gX[j * n + i];
        gP[off + d + j] += gX[j * n + i] * (x[j * n + i] - m);
      }
    }
  }
}
