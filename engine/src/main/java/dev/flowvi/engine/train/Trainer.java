package dev.flowvi.engine.train;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.ParameterBlock;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.target.LogDensity;
import java.util.Arrays;
import java.util.List;

/**
 * Fits flow parameters with Adam: variational inference against a target ({@link #fit}), any
 * chunked loss ({@link #minimise}), or maximum likelihood on data ({@link #fitToData}).
 *
 * <p><b>Robustness.</b> Samples with a non-finite value are dropped and counted (by the loss).
 * A step whose loss or trainable gradient is non-finite is skipped: parameters and Adam moments
 * stay as they were. After {@link TrainerConfig#maxConsecutiveFailures()} skipped steps in a row a
 * {@link TrainingFailedException} carries the last good parameters and the culprit block.
 *
 * <p><b>Reproducibility.</b> Each step's units are split into fixed chunks, chunk c of step s
 * drawing from {@code RandomStream.of(seed).derive(s, c)}, and chunk gradients are summed in
 * chunk order: on the scalar kernel path the result is bit-identical for any thread count.
 */
public final class Trainer {
  private final TrainerConfig config;
  private final TrainingListener listener;

  private Trainer(TrainerConfig config, TrainingListener listener) {
    this.config = config;
    this.listener = listener;
  }

  public static Trainer of(TrainerConfig config) {
    return of(config, TrainingListener.none());
  }

  public static Trainer of(TrainerConfig config, TrainingListener listener) {
    if (config == null || listener == null) {
      throw new IllegalArgumentException("config and listener must not be null (got config=" + config + ", listener=" + listener + ")");
    }
    return new Trainer(config, listener);
  }

  public TrainerConfig config() {
    return config;
  }

  /** How often, in steps, {@link TrainerConfig#stopWhenConverged} looks at the loss's trend. */
  public static final int CONVERGENCE_CHECK_EVERY = 10;

  /** Whether the trend of the first {@code steps} losses converged within a window that starts at or after {@code phaseStart}. */
  private static boolean convergedInPhase(double[] history, int steps, int phaseStart) {
    LossTrend trend = LossTrend.of(history, steps, false);
    return trend.firstStep() - 1 >= phaseStart && trend.state() == LossTrend.State.CONVERGED;
  }

  /**
   * Variational inference: minimises the −ELBO of {@code flow} against {@code target} with the
   * configured sample count and estimator (sticking the landing or not), from {@code initial}.
   */
  public TrainingResult fit(TransformedDistribution flow, LogDensity target, double[] initial) {
    return minimise(ElboLoss.of(flow, target, config.stickingTheLanding()), initial);
  }

  /** Minimises any chunked sampling loss over {@link TrainerConfig#sampleCount()} units per step. */
  public TrainingResult minimise(ChunkedLoss loss, double[] initial) {
    if (loss == null) {
      throw new IllegalArgumentException("loss must not be null");
    }
    Checks.exactLength("initial", initial, loss.parameterCount());
    Run run = new Run(loss.layout(), initial);
    Schedule schedule = config.schedule();
    LossTotals totals = new LossTotals();
    double[] grad = new double[loss.parameterCount()];
    boolean stoppedEarly = false;
    // step is the position in the schedule (rate, stream and progress), steps the count run: they
    // differ once stopWhenConverged has cut a phase short.
    int steps = 0;
    int phaseStart = 0;
    try (ChunkedEvaluator eval = new ChunkedEvaluator(loss, RandomStream.of(config.seed()), config.sampleCount(), config.chunkSize(), config.threads())) {
      for (int step = 0; step < schedule.steps(); step++) {
        if (schedule.restartsBefore(step)) {
          run.adam.reset();
        }
        if (step > 0 && schedule.phaseEnd(step - 1) == step) {
          phaseStart = steps;
        }
        eval.evaluate(run.params, null, config.sampleCount(), step, grad, totals);
        double rate = schedule.rate(step);
        double value = totals.mean();
        boolean taken = run.step(step, value, grad, totals.dropped(), rate);
        int index = steps++;
        if (taken) {
          run.history[index] = value;
          if (value < run.bestLoss - config.minImprovement()) {
            run.bestLoss = value;
            System.arraycopy(run.params, 0, run.best, 0, run.params.length);
            run.sinceBest = 0;
          } else {
            run.sinceBest++;
          }
          run.adam.update(run.params, grad, rate);
        } else {
          run.history[index] = Double.NaN;
        }
        listener.onStep(run.progress(step, value, rate));
        if (config.patience() > 0 && run.sinceBest >= config.patience()) {
          stoppedEarly = true;
          break;
        }
        if (config.stopWhenConverged() && steps % CONVERGENCE_CHECK_EVERY == 0 && convergedInPhase(run.history, steps, phaseStart)) {
          int next = schedule.phaseEnd(step);
          if (next >= schedule.steps()) {
            stoppedEarly = true;
            break;
          }
          step = next - 1;
        }
      }
    }
    double[] out = config.patience() > 0 ? run.best : run.params;
    return new TrainingResult(
        out, config.patience() > 0, run.bestLoss, Arrays.copyOf(run.history, steps), steps, run.skipped, run.dropped, run.seconds(), stoppedEarly, config);
  }

  /**
   * Maximum likelihood on {@code rows} data points {@code x} (feature-major, dim·rows) with
   * conditioning {@code cond} (conditionDim·rows, or null). FlowJAX's {@code fit_to_data}
   * procedure: a seeded split into training and validation rows, shuffled mini-batches each epoch,
   * an epoch-end validation loss, stopping after {@link TrainerConfig#epochPatience()} epochs
   * without improvement, returning the best-validation parameters. The learning rate of optimiser
   * step t is {@code schedule.rate(t)}.
   */
  public TrainingResult fitToData(TransformedDistribution flow, double[] x, double[] cond, int rows, double[] initial) {
    MaximumLikelihoodLoss loss = MaximumLikelihoodLoss.of(flow, x, cond, rows);
    Checks.exactLength("initial", initial, loss.parameterCount());
    int validation = (int) Math.max(1, Math.round(config.validationFraction() * rows));
    int training = rows - validation;
    if (training < 1) {
      throw new IllegalArgumentException(
          "rows is " + rows + ", expected enough data for at least one training row after the validation fraction " + config.validationFraction());
    }
    RandomStream root = RandomStream.of(config.seed());
    int[] order = new int[rows];
    Arrays.setAll(order, i -> i);
    shuffle(order, rows, root.derive(-1));
    int[] validationRows = Arrays.copyOfRange(order, training, rows);
    int[] trainingRows = Arrays.copyOf(order, training);
    int batch = Math.min(config.batchSize(), training);
    int[] batchRows = new int[batch];
    Run run = new Run(loss.layout(), initial);
    Schedule schedule = config.schedule();
    LossTotals totals = new LossTotals();
    double[] grad = new double[loss.parameterCount()];
    double[] epochLoss = new double[config.maxEpochs()];
    int epochs = 0;
    int step = 0;
    boolean stoppedEarly = false;
    try (ChunkedEvaluator train = new ChunkedEvaluator(loss, root, batch, config.chunkSize(), config.threads());
        ChunkedEvaluator valid = new ChunkedEvaluator(loss, root, validation, config.chunkSize(), config.threads())) {
      valid.evaluate(run.params, validationRows, validation, -1, null, totals);
      run.bestLoss = totals.mean();
      System.arraycopy(run.params, 0, run.best, 0, run.params.length);
      for (int epoch = 0; epoch < config.maxEpochs(); epoch++) {
        shuffle(trainingRows, training, root.derive(-2, epoch));
        double trainSum = 0.0;
        long trainKept = 0;
        for (int from = 0; from < training; from += batch) {
          int count = Math.min(batch, training - from);
          System.arraycopy(trainingRows, from, batchRows, 0, count);
          train.evaluate(run.params, batchRows, count, step, grad, totals);
          double rate = schedule.rate(step);
          double value = totals.mean();
          if (run.step(step, value, grad, totals.dropped(), rate)) {
            trainSum += totals.lossSum();
            trainKept += totals.kept();
            run.adam.update(run.params, grad, rate);
          }
          listener.onStep(run.progress(step, value, rate));
          step++;
        }
        valid.evaluate(run.params, validationRows, validation, -1, null, totals);
        double v = totals.mean();
        epochLoss[epoch] = v;
        epochs++;
        listener.onEpoch(epoch, trainKept == 0 ? Double.NaN : trainSum / trainKept, v);
        if (v < run.bestLoss - config.minImprovement() || (Double.isNaN(run.bestLoss) && Double.isFinite(v))) {
          run.bestLoss = v;
          System.arraycopy(run.params, 0, run.best, 0, run.params.length);
          run.sinceBest = 0;
        } else if (++run.sinceBest >= config.epochPatience()) {
          stoppedEarly = true;
          break;
        }
      }
    }
    return new TrainingResult(
        run.best, true, run.bestLoss, Arrays.copyOf(epochLoss, epochs), step, run.skipped, run.dropped, run.seconds(), stoppedEarly, config);
  }

  /** Fisher–Yates over the first n entries, from a dedicated stream. */
  private static void shuffle(int[] a, int n, RandomStream rng) {
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** The mutable state of one run: parameters, optimiser, best so far and the failure counters. */
  private final class Run {
    final ParameterLayout layout;
    final double[] params;
    final double[] best;
    final Adam adam;
    final double[] history;
    final long start = System.nanoTime();
    double bestLoss = Double.POSITIVE_INFINITY;
    int sinceBest;
    int skipped;
    int consecutiveFailures;
    long dropped;

    Run(ParameterLayout layout, double[] initial) {
      this.layout = layout;
      this.params = initial.clone();
      this.best = initial.clone();
      this.adam = Adam.of(layout, config.clipNorm());
      this.history = new double[config.schedule().steps()];
    }

    /** Books a step's outcome; returns whether it may be applied, or throws after too many failures. */
    boolean step(int step, double loss, double[] grad, int droppedNow, double rate) {
      dropped += droppedNow;
      String culprit = firstNonFiniteBlock(grad);
      if (Double.isFinite(loss) && culprit == null) {
        consecutiveFailures = 0;
        return true;
      }
      skipped++;
      consecutiveFailures++;
      if (consecutiveFailures >= config.maxConsecutiveFailures()) {
        String why = culprit != null
            ? "the gradient of parameter block '" + culprit + "' is non-finite"
            : (Double.isNaN(loss) && droppedNow > 0 ? "every sample was dropped for a non-finite value" : "the loss is " + loss);
        throw new TrainingFailedException(
            "training failed at step " + step + " after " + consecutiveFailures + " consecutive skipped steps: " + why
                + " (learning rate " + rate + "); lastGoodParameters() holds the parameters before the failures",
            params, culprit, step);
      }
      return false;
    }

    private String firstNonFiniteBlock(double[] grad) {
      // Indexed, not for-each: the list's iterator was one of the two objects a step allocated.
      List<ParameterBlock> blocks = layout.blocks();
      for (int i = 0; i < blocks.size(); i++) {
        ParameterBlock b = blocks.get(i);
        if (b.frozen()) {
          continue;
        }
        for (int k = b.offset(); k < b.offset() + b.size(); k++) {
          if (!Double.isFinite(grad[k])) {
            return b.name();
          }
        }
      }
      return null;
    }

    TrainingProgress progress(int step, double loss, double rate) {
      return new TrainingProgress(step, loss, rate, seconds(), skipped, dropped);
    }

    double seconds() {
      return (System.nanoTime() - start) * 1e-9;
    }
  }
}
