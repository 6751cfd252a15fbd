package dev.flowvi.cli;

import dev.flowvi.cli.fit.KernelChoice;
import dev.flowvi.cli.fit.Preset;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Options of the subcommands that train a flow: the preset and overrides of its budget. */
public final class TrainingOptions {
  /** Upper bounds that catch typos (an extra zero or three) before they cost hours. */
  static final int MAX_STEPS = 1_000_000;
  static final int MAX_SAMPLES = 10_000_000;
  static final int MAX_THREADS = 1024;
  static final int MAX_RESTARTS = 100;
  /** Adam's step is about the rate in parameter units: above 1 it overshoots any standardised posterior. */
  static final double MAX_LEARNING_RATE = 1.0;

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  private Preset preset = Preset.DEFAULT;
  private boolean interpreted;
  private Integer steps;
  private Integer samples;
  private Double learningRate;
  private int threads = Runtime.getRuntime().availableProcessors();
  private int restarts = 1;

  @Option(names = "--preset", paramLabel = "seed|default", description = "Settings to start from: default (FlowVI's robust recipe) or seed (the seed post's FlowJAX settings). Default: default.")
  void setPreset(String name) {
    Preset p = Preset.parse(name);
    if (p == null) {
      throw new ParameterException(spec.commandLine(), "--preset is '" + name + "', expected seed or default");
    }
    preset = p;
  }

  @Option(names = "--steps", paramLabel = "N", description = "Total optimisation steps (overrides the preset's schedule length).")
  void setSteps(int n) {
    steps = inRange("--steps", n, 1, MAX_STEPS);
  }

  @Option(names = "--learning-rate", paramLabel = "R",
      description = "The first phase's learning rate; later phases keep their ratio to it (default: the preset's).")
  void setLearningRate(double r) {
    if (!(r > 0 && r <= MAX_LEARNING_RATE)) {
      throw new ParameterException(spec.commandLine(), "--learning-rate is " + r + ", expected a value in (0, " + MAX_LEARNING_RATE + "]");
    }
    learningRate = r;
  }

  @Option(names = "--samples", paramLabel = "N", description = "Monte Carlo samples per step (overrides the preset).")
  void setSamples(int n) {
    samples = inRange("--samples", n, 1, MAX_SAMPLES);
  }

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: the number of processors).")
  void setThreads(int n) {
    threads = inRange("--threads", n, 1, MAX_THREADS);
  }

  @Option(names = "--restarts", paramLabel = "N",
      description = "Fit N times from different seeds and keep the fit with the highest ELBO (default: 1).")
  void setRestarts(int n) {
    restarts = inRange("--restarts", n, 1, MAX_RESTARTS);
  }

  @Option(names = "--interpreted", description = "Run the flow and the model on the interpreted engine instead of generated, compiled kernels.")
  void setInterpreted(boolean value) {
    interpreted = value;
  }

  private int inRange(String option, int value, int lo, int hi) {
    if (value < lo || value > hi) {
      throw new ParameterException(spec.commandLine(), option + " is " + value + ", expected " + lo + ".." + hi);
    }
    return value;
  }

  /** Compiled kernels unless --interpreted. */
  public KernelChoice kernels() {
    return KernelChoice.of(interpreted);
  }

  public Preset preset() {
    return preset;
  }

  /** The step override, or {@code fallback} when --steps was not given. */
  public int steps(int fallback) {
    return steps != null ? steps : fallback;
  }

  public boolean stepsGiven() {
    return steps != null;
  }

  /** The --learning-rate override, or NaN when it was not given. */
  public double learningRate() {
    return learningRate != null ? learningRate : Double.NaN;
  }

  public boolean learningRateGiven() {
    return learningRate != null;
  }

  public int samples(int fallback) {
    return samples != null ? samples : fallback;
  }

  public int threads() {
    return threads;
  }

  public int restarts() {
    return restarts;
  }
}
