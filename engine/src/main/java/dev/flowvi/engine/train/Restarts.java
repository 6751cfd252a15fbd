package dev.flowvi.engine.train;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.diagnostics.FitDiagnostics;
import dev.flowvi.engine.diagnostics.PosteriorSummary;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.target.LogDensity;
import java.util.ArrayList;
import java.util.List;

/**
 * Several variational fits of one target from different seeds, and which distinct optima they
 * reached. Reverse-KL fits are mode-seeking, so on a multimodal posterior single fits settle in
 * different modes depending on the seed; comparing restarts is the cheap check for that.
 *
 * <p>Restart r uses seed {@code config.seed() + r} both for the trainer's draws and for the flow's
 * initial parameters, so each restart is reproducible on its own. Restarts run one after another;
 * each fit uses {@code config.threads()} threads.
 *
 * <p><b>Clustering.</b> Two fits are the same optimum when, in every coordinate, their posterior
 * means differ by less than {@link #SAME_MODE_DISTANCE} pooled standard deviations, pooled as
 * √((sd_r² + sd_s²)/2); modes are the connected groups of that relation (single linkage). Why 1:
 * fits of the same optimum differ only by optimisation and Monte Carlo noise, far below one sd;
 * two q's whose means are closer than one sd overlap so much that they are not separate optima of
 * the reverse KL (a unimodal q between them would fit both better), while genuinely separate modes
 * sit several sds apart.
 */
public final class Restarts {
  /** Means closer than this many pooled sds in every coordinate are the same optimum. */
  public static final double SAME_MODE_DISTANCE = 1.0;

  private Restarts() {}

  /**
   * Fits {@code flow} to {@code target} {@code restarts} times and scores each fit with
   * {@code draws} draws from q (importance-weighted evidence, posterior means and sds).
   */
  public static Report run(TransformedDistribution flow, LogDensity target, TrainerConfig config, int restarts, int draws) {
    if (flow == null || target == null || config == null) {
      throw new IllegalArgumentException("flow, target and config must not be null");
    }
    Checks.positive("restarts", restarts);
    if (draws < 2) {
      throw new IllegalArgumentException("draws is " + draws + ", expected at least 2 (the report needs sds)");
    }
    if (flow.dim() != target.dim()) {
      throw new IllegalArgumentException("flow has dim " + flow.dim() + " but target has dim " + target.dim() + ": expected equal");
    }
    if (flow.conditionDim() != 0) {
      throw new IllegalArgumentException("flow has conditionDim " + flow.conditionDim() + ", expected 0 for a variational fit");
    }
    List<Fit> fits = new ArrayList<>();
    for (int r = 0; r < restarts; r++) {
      long seed = config.seed() + r;
      TrainingResult result = Trainer.of(config.toBuilder().seed(seed).build()).fit(flow, target, flow.initialParameters(seed));
      fits.add(new Fit(r, seed, result, diagnose(flow, target, result.params(), draws, seed)));
    }
    return new Report(fits, cluster(fits));
  }

  private static FitDiagnostics diagnose(TransformedDistribution flow, LogDensity target, double[] params, int n, long seed) {
    int d = flow.dim();
    double[] z = new double[d * n];
    double[] logq = new double[n];
    double[] logp = new double[n];
    // A stream apart from the trainer's, so the scoring draws are fresh.
    flow.sampleAndLogProb(params, 0, RandomStream.of(~seed), null, z, logq, n, flow.newWorkspace(n));
    target.logDensity(z, n, logp);
    return FitDiagnostics.of(target.coordinateNames(), z, d, n, logp, logq);
  }

  /** Whether two fits' means are within {@link #SAME_MODE_DISTANCE} pooled sds in every coordinate. */
  static boolean sameMode(Fit a, Fit b) {
    List<PosteriorSummary> sa = a.diagnostics().summaries();
    List<PosteriorSummary> sb = b.diagnostics().summaries();
    for (int j = 0; j < sa.size(); j++) {
      double pooled = Math.sqrt(0.5 * (sa.get(j).sd() * sa.get(j).sd() + sb.get(j).sd() * sb.get(j).sd()));
      if (!(Math.abs(sa.get(j).mean() - sb.get(j).mean()) < SAME_MODE_DISTANCE * pooled)) {
        return false;
      }
    }
    return true;
  }

  private static List<Mode> cluster(List<Fit> fits) {
    int m = fits.size();
    int[] label = new int[m];
    java.util.Arrays.fill(label, -1);
    List<Mode> modes = new ArrayList<>();
    for (int start = 0; start < m; start++) {
      if (label[start] >= 0) {
        continue;
      }
      // Grow the connected group of start (single linkage).
      List<Fit> members = new ArrayList<>();
      label[start] = modes.size();
      members.add(fits.get(start));
      for (int k = 0; k < members.size(); k++) {
        for (int o = 0; o < m; o++) {
          if (label[o] < 0 && sameMode(members.get(k), fits.get(o))) {
            label[o] = modes.size();
            members.add(fits.get(o));
          }
        }
      }
      members.sort((x, y) -> Integer.compare(x.index(), y.index()));
      modes.add(new Mode(members));
    }
    modes.sort((x, y) -> Double.compare(y.best().logEvidence(), x.best().logEvidence()));
    return modes;
  }

  /** One restart: its index, seed, training result and end-of-fit diagnostics. */
  public record Fit(int index, long seed, TrainingResult result, FitDiagnostics diagnostics) {
    /** The importance-weighted estimate log Ẑ: higher is a better fit of the same target. */
    public double logEvidence() {
      return diagnostics.logEvidence();
    }

    public double[] means() {
      return diagnostics.summaries().stream().mapToDouble(PosteriorSummary::mean).toArray();
    }
  }

  /** A distinct optimum: the restarts that found it. */
  public record Mode(List<Fit> fits) {
    public Mode {
      fits = List.copyOf(fits);
    }

    /** How many restarts found this optimum. */
    public int count() {
      return fits.size();
    }

    /** The member with the highest log Ẑ. */
    public Fit best() {
      Fit best = fits.get(0);
      for (Fit f : fits) {
        if (f.logEvidence() > best.logEvidence() || Double.isNaN(best.logEvidence())) {
          best = f;
        }
      }
      return best;
    }

    /** Location of the optimum: the posterior means of its best fit. */
    public double[] location() {
      return best().means();
    }
  }

  /** Every restart and the optima they reached, best (highest log Ẑ) first. */
  public record Report(List<Fit> fits, List<Mode> modes) {
    public Report {
      fits = List.copyOf(fits);
      modes = List.copyOf(modes);
    }

    /** The restart with the highest log Ẑ. */
    public Fit best() {
      return modes.get(0).best();
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      sb.append(String.format("%d restarts, %d distinct optima (means within %.1f pooled sd are one optimum)%n",
          fits.size(), modes.size(), SAME_MODE_DISTANCE));
      for (int k = 0; k < modes.size(); k++) {
        Mode mode = modes.get(k);
        Fit b = mode.best();
        sb.append(String.format("  mode %d: found by %d, log Z (IS) %.6g ± %.2g, ELBO %.6g, means %s%n", k + 1, mode.count(),
            b.logEvidence(), b.diagnostics().logEvidenceSe(), b.diagnostics().elbo(), java.util.Arrays.toString(mode.location())));
      }
      sb.append(String.format("  best: restart %d (seed %d)%n", best().index(), best().seed()));
      return sb.toString();
    }
  }
}
