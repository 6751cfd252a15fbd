package dev.flowvi.engine.flow;

import dev.flowvi.engine.bijection.Transformer;
import dev.flowvi.engine.nn.Activation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The conditioner-driven layers must work with any {@link Transformer}, e.g. the spline with its
 * 3K+4 raw values. This test uses a transformer with three raw values and a numerical inverse,
 * so that the layout (unit j·P + k), the identity offsets and the backward wiring are exercised
 * with P ≠ 2. Its e^r and e^q overflow for huge raw values, so only the ordinary-input contract
 * is checked here; the extreme-input check belongs to each real transformer.
 */
class AnyTransformerTest {

  /**
   * τ(x) = t + s·(x + κ·tanh x) with s = e^r and κ = e^q − 1/2 &gt; −1, so τ' = s(1 + κ sech² x) &gt; 0.
   * Raw values (t, r, q); identity at (0, 0, log ½).
   */
  static final class TanhBumpTransformer implements Transformer {
    @Override
    public int parameterCount() {
      return 3;
    }

    @Override
    public void identity(double[] raw, int offset) {
      raw[offset] = 0;
      raw[offset + 1] = 0;
      raw[offset + 2] = Math.log(0.5);
    }

    @Override
    public void forward(double[] raw, int rawOff, int stride, double[] x, int xOff, double[] y, int yOff, double[] logDet, int len) {
      for (int i = 0; i < len; i++) {
        double t = raw[rawOff + i];
        double r = raw[rawOff + stride + i];
        double kappa = Math.exp(raw[rawOff + 2 * stride + i]) - 0.5;
        double xi = x[xOff + i];
        double th = Math.tanh(xi);
        y[yOff + i] = t + Math.exp(r) * (xi + kappa * th);
        logDet[i] += r + Math.log1p(kappa * (1 - th * th));
      }
    }

    @Override
    public void inverse(double[] raw, int rawOff, int stride, double[] y, int yOff, double[] x, int xOff, double[] logDet, int len) {
      for (int i = 0; i < len; i++) {
        double t = raw[rawOff + i];
        double r = raw[rawOff + stride + i];
        double kappa = Math.exp(raw[rawOff + 2 * stride + i]) - 0.5;
        double c = (y[yOff + i] - t) * Math.exp(-r);
        // x + κ tanh x = c is increasing in x, with the root within |κ| of c: bisection.
        double lo = c - Math.abs(kappa) - 1e-12;
        double hi = c + Math.abs(kappa) + 1e-12;
        for (int it = 0; it < 200 && hi - lo > 2 * Math.ulp(Math.max(Math.abs(lo), Math.abs(hi))); it++) {
          double mid = 0.5 * (lo + hi);
          if (mid + kappa * Math.tanh(mid) < c) {
            lo = mid;
          } else {
            hi = mid;
          }
        }
        double xi = 0.5 * (lo + hi);
        double th = Math.tanh(xi);
        x[xOff + i] = xi;
        logDet[i] -= r + Math.log1p(kappa * (1 - th * th));
      }
    }

    @Override
    public void forwardBackward(double[] raw, int rawOff, int stride, double[] x, int xOff, double[] y, int yOff,
        double[] gradY, int gradYOff, double[] gradLogDet, double[] gradX, int gradXOff, double[] gradRaw, int gradRawOff, int len) {
      for (int i = 0; i < len; i++) {
        double r = raw[rawOff + stride + i];
        double e = Math.exp(raw[rawOff + 2 * stride + i]);
        double kappa = e - 0.5;
        double s = Math.exp(r);
        double xi = x[xOff + i];
        double th = Math.tanh(xi);
        double u = 1 - th * th;
        double d = 1 + kappa * u;
        double gy = gradY[gradYOff + i];
        double gl = gradLogDet[i];
        gradX[gradXOff + i] = gy * s * d + gl * kappa * (-2 * th * u) / d;
        gradRaw[gradRawOff + i] = gy;
        gradRaw[gradRawOff + stride + i] = gy * s * (xi + kappa * th) + gl;
        gradRaw[gradRawOff + 2 * stride + i] = (gy * s * th + gl * u / d) * e;
      }
    }

    @Override
    public void inverseBackward(double[] raw, int rawOff, int stride, double[] y, int yOff, double[] x, int xOff,
        double[] gradX, int gradXOff, double[] gradLogDet, double[] gradY, int gradYOff, double[] gradRaw, int gradRawOff, int len) {
      for (int i = 0; i < len; i++) {
        double r = raw[rawOff + stride + i];
        double e = Math.exp(raw[rawOff + 2 * stride + i]);
        double kappa = e - 0.5;
        double s = Math.exp(r);
        double xi = x[xOff + i];
        double th = Math.tanh(xi);
        double u = 1 - th * th;
        double d = 1 + kappa * u;
        double gl = gradLogDet[i];
        // dL/dx in total (the log-det −log τ'(x) depends on x), then x(y, t, r, κ) implicitly:
        // dx = (dy − dt − g·s·dr − s·tanh x·dκ)/(s·D).
        double gx = gradX[gradXOff + i] - gl * kappa * (-2 * th * u) / d;
        double w = gx / (s * d);
        gradY[gradYOff + i] = w;
        gradRaw[gradRawOff + i] = -w;
        gradRaw[gradRawOff + stride + i] = -w * s * (xi + kappa * th) - gl;
        gradRaw[gradRawOff + 2 * stride + i] = (-w * s * th - gl * u / d) * e;
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 5})
  void maskedAutoregressiveWorksWithAThreeParameterTransformer(int dim) {
    MaskedAutoregressive maf = MaskedAutoregressive.of(new TanhBumpTransformer(), dim, dim == 2 ? 1 : 0, 6, 1, Activation.TANH);
    new BijectionCheck(maf, 3, 17L * dim, 0.4).contract(1e-10);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 5})
  void couplingWorksWithAThreeParameterTransformer(int dim) {
    Coupling c = Coupling.of(new TanhBumpTransformer(), dim, dim == 5 ? 2 : 0, 6, 1, Activation.ELU);
    new BijectionCheck(c, 3, 19L * dim, 0.4).contract(1e-10);
  }
}
