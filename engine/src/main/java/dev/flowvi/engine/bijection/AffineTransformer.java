package dev.flowvi.engine.bijection;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.nn.Softplus;

/**
 * The scalar affine transformer y = s·x + t with raw parameters (t, r).
 *
 * <ul>
 *   <li>{@link #withScaleFloor()} (default): s = softplus(r) + 0.01, FlowJAX's flow transformer; the
 *       floor keeps the inverse from blowing up.
 *   <li>{@link #softClamped(double, double)}: log s = c(r), with Andrade's (arXiv 2402.16408)
 *       asymmetric soft clamp c(r) = (2α/π)·arctan(r/α), α = α₊ for r ≥ 0 and α₋ for r &lt; 0: the
 *       scale can shrink (down to e^{−α₋}) but grows at most to e^{α₊}.
 * </ul>
 *
 * Raw parameter 0 is the shift t, raw parameter 1 the scale's raw value r.
 */
public final class AffineTransformer implements Transformer {
  /** FlowJAX's minimum scale for affine flow transformers. */
  public static final double SCALE_FLOOR = 0.01;
  /** Andrade 2024 defaults. */
  public static final double CLAMP_POSITIVE = 0.1;
  public static final double CLAMP_NEGATIVE = 2.0;

  private final boolean clamped;
  private final double alphaPositive;
  private final double alphaNegative;
  private final double identityRaw;

  private AffineTransformer(boolean clamped, double alphaPositive, double alphaNegative) {
    this.clamped = clamped;
    this.alphaPositive = alphaPositive;
    this.alphaNegative = alphaNegative;
    this.identityRaw = clamped ? 0.0 : Softplus.inverse(1.0 - SCALE_FLOOR);
  }

  /** s = softplus(r) + 0.01. */
  public static AffineTransformer withScaleFloor() {
    return new AffineTransformer(false, 0, 0);
  }

  /** log s = asymmetric soft clamp of r with Andrade's α₊ = 0.1, α₋ = 2. */
  public static AffineTransformer softClamped() {
    return softClamped(CLAMP_POSITIVE, CLAMP_NEGATIVE);
  }

  public static AffineTransformer softClamped(double alphaPositive, double alphaNegative) {
    Checks.positive("alphaPositive", alphaPositive);
    Checks.positive("alphaNegative", alphaNegative);
    return new AffineTransformer(true, alphaPositive, alphaNegative);
  }

  /** Whether log s is Andrade's soft clamp of r (otherwise s = softplus(r) + 0.01); for code generators. */
  public boolean isSoftClamped() {
    return clamped;
  }

  /** α₊ of the soft clamp (0 for the scale-floor variant). */
  public double alphaPositive() {
    return alphaPositive;
  }

  /** α₋ of the soft clamp (0 for the scale-floor variant). */
  public double alphaNegative() {
    return alphaNegative;
  }

  @Override
  public int parameterCount() {
    return 2;
  }

  @Override
  public String name() {
    return clamped ? "AffineTransformer(softClamp " + alphaPositive + ", " + alphaNegative + ")" : "AffineTransformer";
  }

  @Override
  public void identity(double[] raw, int offset) {
    raw[offset] = 0.0;
    raw[offset + 1] = identityRaw;
  }

  /** log s as a function of r. */
  private double logScale(double r) {
    if (clamped) {
      double a = r >= 0 ? alphaPositive : alphaNegative;
      return (2.0 * a / Math.PI) * Math.atan(r / a);
    }
    return Math.log(Softplus.value(r) + SCALE_FLOOR);
  }

  /** d log s / dr, given s. */
  private double logScaleDerivative(double r, double s) {
    if (clamped) {
      double a = r >= 0 ? alphaPositive : alphaNegative;
      double q = r / a;
      return (2.0 / Math.PI) / (1.0 + q * q);
    }
    return Softplus.derivative(r) / s;
  }

  @Override
  public void forward(double[] raw, int rawOff, int stride, double[] x, int xOff, double[] y, int yOff, double[] logDet, int len) {
    for (int i = 0; i < len; i++) {
      double logS = logScale(raw[rawOff + stride + i]);
      y[yOff + i] = x[xOff + i] * Math.exp(logS) + raw[rawOff + i];
      logDet[i] += logS;
    }
  }

  @Override
  public void inverse(double[] raw, int rawOff, int stride, double[] y, int yOff, double[] x, int xOff, double[] logDet, int len) {
    for (int i = 0; i < len; i++) {
      double logS = logScale(raw[rawOff + stride + i]);
      x[xOff + i] = (y[yOff + i] - raw[rawOff + i]) * Math.exp(-logS);
      logDet[i] -= logS;
    }
  }

  @Override
  public void forwardBackward(double[] raw, int rawOff, int stride, double[] x, int xOff, double[] y, int yOff,
      double[] gradY, int gradYOff, double[] gradLogDet, double[] gradX, int gradXOff, double[] gradRaw, int gradRawOff, int len) {
    for (int i = 0; i < len; i++) {
      double r = raw[rawOff + stride + i];
      double s = Math.exp(logScale(r));
      double gy = gradY[gradYOff + i];
      gradX[gradXOff + i] = gy * s;
      gradRaw[gradRawOff + i] = gy;
      // ∂y/∂log s = x·s and ∂logDet/∂log s = 1.
      gradRaw[gradRawOff + stride + i] = (gy * x[xOff + i] * s + gradLogDet[i]) * logScaleDerivative(r, s);
    }
  }

  @Override
  public void inverseBackward(double[] raw, int rawOff, int stride, double[] y, int yOff, double[] x, int xOff,
      double[] gradX, int gradXOff, double[] gradLogDet, double[] gradY, int gradYOff, double[] gradRaw, int gradRawOff, int len) {
    for (int i = 0; i < len; i++) {
      double r = raw[rawOff + stride + i];
      double s = Math.exp(logScale(r));
      double gx = gradX[gradXOff + i];
      gradY[gradYOff + i] = gx / s;
      gradRaw[gradRawOff + i] = -gx / s;
      // x = (y − t)·e^{−log s}: ∂x/∂log s = −x, and ∂logDet/∂log s = −1.
      gradRaw[gradRawOff + stride + i] = (-gx * x[xOff + i] - gradLogDet[i]) * logScaleDerivative(r, s);
    }
  }
}
