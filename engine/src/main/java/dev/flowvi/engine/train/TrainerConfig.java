package dev.flowvi.engine.train;

import dev.flowvi.engine.core.Checks;

/**
 * Everything that shapes a training run, immutable and built by {@link #builder()}. Together with
 * the flow, the target and the initial parameters it determines the result: on the scalar kernel
 * path bit for bit, whatever the thread count.
 *
 * <p>Defaults: seed 0; 1000 steps at 1e-3; clip norm 10 (Andrade 2024 saw 1–10 work); 100 samples
 * per step; sticking the landing off (FlowJAX's default; see {@link Builder#stickingTheLanding});
 * no early stopping; 1 thread; chunks of 64 samples; give up
 * after 20 consecutive failed steps. Data fitting uses FlowJAX's {@code fit_to_data} defaults:
 * batches of 100, validation fraction 0.1, at most 100 epochs, patience 5 epochs.
 */
public final class TrainerConfig {
  private final long seed;
  private final Schedule schedule;
  private final double clipNorm;
  private final int sampleCount;
  private final boolean stickingTheLanding;
  private final int patience;
  private final boolean stopWhenConverged;
  private final double minImprovement;
  private final int threads;
  private final int chunkSize;
  private final int maxConsecutiveFailures;
  private final int batchSize;
  private final double validationFraction;
  private final int maxEpochs;
  private final int epochPatience;

  private TrainerConfig(Builder b) {
    seed = b.seed;
    schedule = b.schedule;
    clipNorm = b.clipNorm;
    sampleCount = b.sampleCount;
    stickingTheLanding = b.stickingTheLanding;
    patience = b.patience;
    stopWhenConverged = b.stopWhenConverged;
    minImprovement = b.minImprovement;
    threads = b.threads;
    chunkSize = b.chunkSize;
    maxConsecutiveFailures = b.maxConsecutiveFailures;
    batchSize = b.batchSize;
    validationFraction = b.validationFraction;
    maxEpochs = b.maxEpochs;
    epochPatience = b.epochPatience;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.seed = seed;
    b.schedule = schedule;
    b.clipNorm = clipNorm;
    b.sampleCount = sampleCount;
    b.stickingTheLanding = stickingTheLanding;
    b.patience = patience;
    b.stopWhenConverged = stopWhenConverged;
    b.minImprovement = minImprovement;
    b.threads = threads;
    b.chunkSize = chunkSize;
    b.maxConsecutiveFailures = maxConsecutiveFailures;
    b.batchSize = batchSize;
    b.validationFraction = validationFraction;
    b.maxEpochs = maxEpochs;
    b.epochPatience = epochPatience;
    return b;
  }

  public long seed() {
    return seed;
  }

  public Schedule schedule() {
    return schedule;
  }

  public double clipNorm() {
    return clipNorm;
  }

  /** Units (samples, or importance-weighted groups) per step. */
  public int sampleCount() {
    return sampleCount;
  }

  public boolean stickingTheLanding() {
    return stickingTheLanding;
  }

  /** Steps without an improvement of the best loss before stopping; 0 disables early stopping. */
  public int patience() {
    return patience;
  }

  /**
   * Whether the loss's convergence ends a phase of the schedule early: see {@link
   * Builder#stopWhenConverged}.
   */
  public boolean stopWhenConverged() {
    return stopWhenConverged;
  }

  /** The decrease of the loss that counts as an improvement. */
  public double minImprovement() {
    return minImprovement;
  }

  public int threads() {
    return threads;
  }

  /** Units per chunk: fixes the work split, and so the result, independently of the threads. */
  public int chunkSize() {
    return chunkSize;
  }

  public int maxConsecutiveFailures() {
    return maxConsecutiveFailures;
  }

  public int batchSize() {
    return batchSize;
  }

  public double validationFraction() {
    return validationFraction;
  }

  public int maxEpochs() {
    return maxEpochs;
  }

  public int epochPatience() {
    return epochPatience;
  }

  @Override
  public String toString() {
    return "TrainerConfig[seed=" + seed + ", schedule=" + schedule + ", clipNorm=" + clipNorm + ", sampleCount=" + sampleCount
        + ", stl=" + stickingTheLanding + ", patience=" + patience + ", stopWhenConverged=" + stopWhenConverged + ", minImprovement=" + minImprovement + ", threads=" + threads
        + ", chunkSize=" + chunkSize + ", maxConsecutiveFailures=" + maxConsecutiveFailures + ", batchSize=" + batchSize
        + ", validationFraction=" + validationFraction + ", maxEpochs=" + maxEpochs + ", epochPatience=" + epochPatience + "]";
  }

  /** Collects settings; each setter checks its argument at once. */
  public static final class Builder {
    private long seed;
    private Schedule schedule = Schedule.constant(1e-3, 1000);
    private double clipNorm = 10.0;
    private int sampleCount = 100;
    private boolean stickingTheLanding;
    private int patience;
    private boolean stopWhenConverged;
    private double minImprovement;
    private int threads = 1;
    private int chunkSize = 64;
    private int maxConsecutiveFailures = 20;
    private int batchSize = 100;
    private double validationFraction = 0.1;
    private int maxEpochs = 100;
    private int epochPatience = 5;

    private Builder() {}

    public Builder seed(long value) {
      seed = value;
      return this;
    }

    public Builder schedule(Schedule value) {
      if (value == null) {
        throw new IllegalArgumentException("schedule must not be null");
      }
      schedule = value;
      return this;
    }

    /** Global-norm clip; {@code Double.POSITIVE_INFINITY} disables clipping. */
    public Builder clipNorm(double value) {
      if (!(value > 0)) {
        throw new IllegalArgumentException("clipNorm is " + value + ", expected a value > 0 (+Infinity for no clipping)");
      }
      clipNorm = value;
      return this;
    }

    public Builder sampleCount(int value) {
      sampleCount = Checks.positive("sampleCount", value);
      return this;
    }

    /**
     * Sticking the landing (Roeder et al. 2017): zero gradient variance at an exact fit, which
     * smooth flows (tanh conditioners, splines, triangular affine maps) reach to round-off. Seen
     * to diverge with ReLU conditioners in the sampling-fast direction on a curved target, where
     * the plain estimator converged, so it is off by default.
     */
    public Builder stickingTheLanding(boolean value) {
      stickingTheLanding = value;
      return this;
    }

    public Builder patience(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("patience is " + value + ", expected at least 0 (0 disables early stopping)");
      }
      patience = value;
      return this;
    }

    /**
     * Ends each constant-rate phase of the schedule once the loss has converged in it, and the run
     * after the last phase: every {@value Trainer#CONVERGENCE_CHECK_EVERY} steps, when the window
     * of {@link LossTrend} over the steps so far lies inside the current phase and reads {@link
     * LossTrend.State#CONVERGED}, the schedule moves on to the next phase's first step (its rate,
     * and its optimiser restart for {@link Schedule#stages}), or the run stops. The steps run are
     * then fewer than the schedule's, and the last trend the result reports is the one that stopped
     * it. Off by default. Step-based training only ({@link Trainer#fit}, {@link Trainer#minimise});
     * {@link Trainer#fitToData} stops on its validation loss ({@link #epochPatience}).
     */
    public Builder stopWhenConverged(boolean value) {
      stopWhenConverged = value;
      return this;
    }

    public Builder minImprovement(double value) {
      if (!(value >= 0) || Double.isInfinite(value)) {
        throw new IllegalArgumentException("minImprovement is " + value + ", expected a finite value ≥ 0");
      }
      minImprovement = value;
      return this;
    }

    public Builder threads(int value) {
      threads = Checks.positive("threads", value);
      return this;
    }

    public Builder chunkSize(int value) {
      chunkSize = Checks.positive("chunkSize", value);
      return this;
    }

    public Builder maxConsecutiveFailures(int value) {
      maxConsecutiveFailures = Checks.positive("maxConsecutiveFailures", value);
      return this;
    }

    public Builder batchSize(int value) {
      batchSize = Checks.positive("batchSize", value);
      return this;
    }

    public Builder validationFraction(double value) {
      if (!(value > 0 && value < 1)) {
        throw new IllegalArgumentException("validationFraction is " + value + ", expected a value in (0, 1)");
      }
      validationFraction = value;
      return this;
    }

    public Builder maxEpochs(int value) {
      maxEpochs = Checks.positive("maxEpochs", value);
      return this;
    }

    public Builder epochPatience(int value) {
      epochPatience = Checks.positive("epochPatience", value);
      return this;
    }

    public TrainerConfig build() {
      return new TrainerConfig(this);
    }
  }
}
