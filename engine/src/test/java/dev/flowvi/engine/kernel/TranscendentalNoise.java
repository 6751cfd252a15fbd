package dev.flowvi.engine.kernel;

import java.util.Arrays;

/**
 * The allowance for comparing two separately built copies of the same flow. The Vector API's
 * lanewise EXP/LOG agree with Math to 1 ulp but are not bit-stable across JIT tiers, and two copies
 * may be run in different tiers; 1e-12 of the values' scale is a few hundred ulps after a dozen
 * layers, and a different topology, permutation or parameter layout moves draws by far more. On
 * the scalar kernels the copies must agree bit for bit, so the allowance is zero there.
 */
public final class TranscendentalNoise {
  private TranscendentalNoise() {}

  /** The absolute allowance for comparing {@code values} with another copy's. */
  public static double allowance(double[] values) {
    return VectorSupport.enabled() ? 1e-12 * Math.max(1, Arrays.stream(values).map(Math::abs).max().orElse(1)) : 0.0;
  }
}
