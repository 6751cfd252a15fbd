package dev.flowvi.engine.bijection;

/**
 * A scalar bijection whose raw parameters are supplied per point, as FlowJAX's transformers are:
 * a conditioner network emits them in flow layers, and an elementwise bijection broadcasts one
 * set to every point. Any transformer becomes a flow layer without further code.
 *
 * <p><b>Layout.</b> A call covers {@code len} points. Point i's input is {@code x[xOff + i]}; its
 * raw parameter k (0 ≤ k &lt; {@link #parameterCount()}) is {@code raw[rawOff + k*stride + i]},
 * with stride ≥ len. This matches a conditioner's feature-major output, where output unit
 * {@code j*P + k} holds parameter k of coordinate j. Per-point log-determinants are {@code
 * logDet[i]} for i in [0, len).
 *
 * <p><b>Passes.</b> {@code forward} writes y and adds log τ'(x) to logDet; {@code inverse} writes
 * x and adds −log τ'(x). The backward passes receive both sides of the pass they differentiate,
 * <em>write</em> dL/d(input) and <em>write</em> dL/d(raw) at {@code gradRaw[gradRawOff + k*stride + i]}.
 * Every value and gradient is finite for every finite input and raw parameter.
 */
public interface Transformer {

  /** Raw parameters per scalar. */
  int parameterCount();

  default String name() {
    return getClass().getSimpleName();
  }

  /** Writes the {@link #parameterCount()} raw values that make this transformer the exact identity. */
  void identity(double[] raw, int offset);

  void forward(double[] raw, int rawOff, int stride, double[] x, int xOff, double[] y, int yOff, double[] logDet, int len);

  void inverse(double[] raw, int rawOff, int stride, double[] y, int yOff, double[] x, int xOff, double[] logDet, int len);

  void forwardBackward(
      double[] raw, int rawOff, int stride,
      double[] x, int xOff, double[] y, int yOff,
      double[] gradY, int gradYOff, double[] gradLogDet,
      double[] gradX, int gradXOff, double[] gradRaw, int gradRawOff, int len);

  void inverseBackward(
      double[] raw, int rawOff, int stride,
      double[] y, int yOff, double[] x, int xOff,
      double[] gradX, int gradXOff, double[] gradLogDet,
      double[] gradY, int gradYOff, double[] gradRaw, int gradRawOff, int len);
}
