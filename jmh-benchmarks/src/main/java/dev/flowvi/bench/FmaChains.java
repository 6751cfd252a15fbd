package dev.flowvi.bench;

/**
 * Independent fused multiply-add chains, the kernel of the peak-flops measurement. Each chain is
 * a ← fma(a, m, c) repeated; with m just below 1 and c small every chain settles at c/(1−m), so
 * values stay normal (no denormal slow-down) and the JIT cannot fold the loop away.
 *
 * <p>{@link #CHAINS} independent chains cover the FMA latency: a core with two FMA ports and a
 * 4-cycle latency needs 8 in flight; 12 leaves headroom for 5-cycle parts.
 */
final class FmaChains {
  static final int CHAINS = 12;
  static final int ITERATIONS = 1024;
  static final double M = 0.999_999;
  static final double C = 1e-7;

  private FmaChains() {}

  /** Floating-point operations of one {@link #scalar} call: two per FMA. */
  static long scalarFlops() {
    return 2L * CHAINS * ITERATIONS;
  }

  /** Runs the scalar chains from {@code start} and returns their sum. */
  static double scalar(double start) {
    double a0 = start, a1 = start + 1, a2 = start + 2, a3 = start + 3, a4 = start + 4, a5 = start + 5;
    double a6 = start + 6, a7 = start + 7, a8 = start + 8, a9 = start + 9, a10 = start + 10, a11 = start + 11;
    for (int i = 0; i < ITERATIONS; i++) {
      a0 = Math.fma(a0, M, C);
      a1 = Math.fma(a1, M, C);
      a2 = Math.fma(a2, M, C);
      a3 = Math.fma(a3, M, C);
      a4 = Math.fma(a4, M, C);
      a5 = Math.fma(a5, M, C);
      a6 = Math.fma(a6, M, C);
      a7 = Math.fma(a7, M, C);
      a8 = Math.fma(a8, M, C);
      a9 = Math.fma(a9, M, C);
      a10 = Math.fma(a10, M, C);
      a11 = Math.fma(a11, M, C);
    }
    return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
  }
}
