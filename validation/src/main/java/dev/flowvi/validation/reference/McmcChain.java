package dev.flowvi.validation.reference;

/**
 * The draws of one {@link NoUTurnSampler} run after warm-up, with what the adaptation settled on
 * and the counts that say whether the run is healthy (divergences, saturated trees).
 */
public final class McmcChain {
  private final int dim;
  private final int size;
  private final double[] draws;
  private final double stepSize;
  private final double[] inverseMetric;
  private final int divergences;
  private final int maxDepthHits;
  private final double meanAcceptance;
  private final double meanLeapfrogSteps;

  McmcChain(int dim, int size, double[] draws, double stepSize, double[] inverseMetric, int divergences, int maxDepthHits,
      double meanAcceptance, double meanLeapfrogSteps) {
    this.dim = dim;
    this.size = size;
    this.draws = draws;
    this.stepSize = stepSize;
    this.inverseMetric = inverseMetric;
    this.divergences = divergences;
    this.maxDepthHits = maxDepthHits;
    this.meanAcceptance = meanAcceptance;
    this.meanLeapfrogSteps = meanLeapfrogSteps;
  }

  public int dim() {
    return dim;
  }

  /** Number of draws kept (warm-up excluded). */
  public int size() {
    return size;
  }

  /** The draws, feature-major: coordinate j of draw i at {@code [j*size + i]}. A copy. */
  public double[] draws() {
    return draws.clone();
  }

  /** Coordinate j's draws in order. */
  public double[] coordinate(int j) {
    if (j < 0 || j >= dim) {
      throw new IllegalArgumentException("j is " + j + ", expected 0.." + (dim - 1));
    }
    double[] out = new double[size];
    System.arraycopy(draws, j * size, out, 0, size);
    return out;
  }

  /** Geyer ESS of each coordinate. */
  public double[] effectiveSampleSize() {
    return EffectiveSampleSize.ofBatch(draws, dim, size);
  }

  /** The adapted leapfrog step size used for every kept draw. */
  public double stepSize() {
    return stepSize;
  }

  /** The adapted diagonal inverse mass matrix (an estimate of the posterior variances). */
  public double[] inverseMetric() {
    return inverseMetric.clone();
  }

  /** Kept transitions whose energy error exceeded the divergence bound. */
  public int divergences() {
    return divergences;
  }

  /** Kept transitions that stopped at the maximum tree depth rather than at a U-turn. */
  public int maxDepthHits() {
    return maxDepthHits;
  }

  /** Mean acceptance statistic of the kept transitions (near the target when adaptation worked). */
  public double meanAcceptance() {
    return meanAcceptance;
  }

  public double meanLeapfrogSteps() {
    return meanLeapfrogSteps;
  }

  @Override
  public String toString() {
    return String.format(
        "McmcChain(%d draws of dim %d, step %.3g, %d divergences, %d at max depth, acceptance %.3f, %.1f leapfrogs/draw)",
        size, dim, stepSize, divergences, maxDepthHits, meanAcceptance, meanLeapfrogSteps);
  }
}
