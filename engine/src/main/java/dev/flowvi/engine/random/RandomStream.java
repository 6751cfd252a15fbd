package dev.flowvi.engine.random;

/**
 * A reproducible, splittable stream of random numbers.
 *
 * <p>The state is a 64-bit counter advanced by a fixed odd constant and finalised by the
 * SplitMix64 mixer (Steele, Lea and Flood 2014). A stream derived with {@link #derive(long...)}
 * depends only on this stream's seed and the keys, not on how many numbers were drawn, so the
 * trainer can give each (step, chunk) its own stream and get the same numbers on any thread count.
 *
 * <p>Not thread-safe: give each thread its own stream.
 */
public final class RandomStream {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
  private static final double DOUBLE_UNIT = 0x1.0p-53;

  private long seed;
  private long state;

  private RandomStream(long seed) {
    this.seed = seed;
    this.state = seed;
  }

  /** A stream fully determined by {@code seed}. */
  public static RandomStream of(long seed) {
    return new RandomStream(mix64(seed ^ 0x6A09E667F3BCC909L));
  }

  /** A new independent stream determined by this stream's seed and the keys (e.g. step, chunk). */
  public RandomStream derive(long... keys) {
    long s = seed;
    for (long k : keys) {
      s = mixKey(s, k);
    }
    return new RandomStream(s);
  }

  /**
   * Restarts this stream as {@code parent.derive(k0, k1)} would start, without allocating: the
   * trainer's per-(step, chunk) streams reuse one object each.
   */
  public void restartAsDerived(RandomStream parent, long k0, long k1) {
    if (parent == null) {
      throw new IllegalArgumentException("parent must not be null");
    }
    seed = mixKey(mixKey(parent.seed, k0), k1);
    state = seed;
  }

  /** One key of {@link #derive}: the seed of the stream derived from seed {@code s} by {@code key}. */
  private static long mixKey(long s, long key) {
    return mix64(s + GOLDEN_GAMMA * (key + 1) ^ 0xBB67AE8584CAA73BL);
  }

  /** The seed this stream started from (for provenance). */
  public long seed() {
    return seed;
  }

  public long nextLong() {
    state += GOLDEN_GAMMA;
    return mix64(state);
  }

  /** Uniform on [0, 1) with 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * DOUBLE_UNIT;
  }

  /** Uniform on the open interval (0, 1): never 0, for logs. */
  public double nextOpenDouble() {
    return ((nextLong() >>> 12) + 0.5) * 0x1.0p-52;
  }

  /** Uniform integer in [0, bound). */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound is " + bound + ", expected at least 1");
    }
    long r = nextLong() >>> 33;
    return (int) ((r * bound) >>> 31);
  }

  /** One standard normal draw (ziggurat). */
  public double nextGaussian() {
    return Ziggurat.next(this);
  }

  /** Fills {@code out[offset, offset+len)} with standard normal draws. */
  public void fillGaussian(double[] out, int offset, int len) {
    for (int i = 0; i < len; i++) {
      out[offset + i] = Ziggurat.next(this);
    }
  }

  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
