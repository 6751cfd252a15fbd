package dev.flowvi.engine.random;

/**
 * Standard normal draws by the ziggurat method of Marsaglia and Tsang (2000), in the 128-layer
 * double-precision form of Doornik (2005, "An improved ziggurat method"), which takes the layer
 * index and the uniform from independent bits.
 */
final class Ziggurat {
  private static final int LAYERS = 128;
  /** Start of the tail: the right edge of the base layer. */
  private static final double R = 3.442619855899;
  /** Area of each layer (and of the base layer including its tail). */
  private static final double V = 9.91256303526217e-3;

  /** Right edges x[0..LAYERS]; x[0] is the base layer's pseudo-width V / f(R). */
  private static final double[] X = new double[LAYERS + 1];
  /** Ratios x[i+1]/x[i]: a draw below this is inside the layer's rectangle for sure. */
  private static final double[] RATIO = new double[LAYERS];

  static {
    double f = Math.exp(-0.5 * R * R);
    X[0] = V / f;
    X[1] = R;
    X[LAYERS] = 0.0;
    for (int i = 2; i < LAYERS; i++) {
      X[i] = Math.sqrt(-2.0 * Math.log(V / X[i - 1] + f));
      f = Math.exp(-0.5 * X[i] * X[i]);
    }
    for (int i = 0; i < LAYERS; i++) {
      RATIO[i] = X[i + 1] / X[i];
    }
  }

  private Ziggurat() {}

  static double next(RandomStream rng) {
    while (true) {
      long bits = rng.nextLong();
      int i = (int) (bits & (LAYERS - 1));
      // 53 bits above the 7 index bits, mapped to a uniform on (-1, 1).
      double u = 2.0 * ((bits >>> 11) * 0x1.0p-53) - 1.0;
      if (Math.abs(u) < RATIO[i]) {
        return u * X[i];
      }
      if (i == 0) {
        return tail(rng, u < 0);
      }
      double x = u * X[i];
      double f0 = Math.exp(-0.5 * (X[i] * X[i] - x * x));
      double f1 = Math.exp(-0.5 * (X[i + 1] * X[i + 1] - x * x));
      if (f1 + rng.nextDouble() * (f0 - f1) < 1.0) {
        return x;
      }
    }
  }

  /** Marsaglia's (1964) exact sampler for the normal tail beyond R. */
  private static double tail(RandomStream rng, boolean negative) {
    double x;
    double y;
    do {
      x = Math.log(rng.nextOpenDouble()) / R;
      y = Math.log(rng.nextOpenDouble());
    } while (-2.0 * y < x * x);
    return negative ? x - R : R - x;
  }
}
