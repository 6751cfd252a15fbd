package dev.flowvi.engine.train;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.target.LogDensity;

/**
 * The negative importance-weighted ELBO (Burda, Grosse and Salakhutdinov 2015, arXiv 1509.00519,
 * eq. 8): −L_K = −E[log (1/K) Σ_k w_k], w_k = p̃(z_k)/q(z_k), with one unit per group of K
 * reparameterised samples. L_1 is the ELBO; L_K increases towards log Z as K grows.
 *
 * <p>The gradient of −log Σ_k w_k with respect to log w_k is the normalised weight −w̃_k, so each
 * sample contributes w̃_k·(∇log q − ∇log p̃) through its path. A dropped sample leaves its group
 * with K' &lt; K samples, whose mean weight uses K'; a group with no finite sample is dropped.
 */
public final class ImportanceWeightedElboLoss implements ChunkedLoss {
  private final TransformedDistribution flow;
  private final LogDensity target;
  private final int k;
  private final ParameterLayout layout;

  private ImportanceWeightedElboLoss(TransformedDistribution flow, LogDensity target, int k) {
    this.flow = flow;
    this.target = target;
    this.k = k;
    this.layout = flow.layout();
  }

  /** The −IW-ELBO with {@code samplesPerGroup} = K importance samples per unit. */
  public static ImportanceWeightedElboLoss of(TransformedDistribution flow, LogDensity target, int samplesPerGroup) {
    ElboLoss.checkFlowAndTarget(flow, target);
    Checks.positive("samplesPerGroup", samplesPerGroup);
    return new ImportanceWeightedElboLoss(flow, target, samplesPerGroup);
  }

  public int samplesPerGroup() {
    return k;
  }

  @Override
  public int parameterCount() {
    return flow.parameterCount();
  }

  @Override
  public ParameterLayout layout() {
    return layout;
  }

  @Override
  public Workspace newWorkspace(int capacity) {
    Checks.positive("capacity", capacity);
    return new Scratch(flow, capacity, k);
  }

  @Override
  public void evaluate(double[] params, int[] rows, int from, int count, RandomStream rng, Workspace workspace, double[] grad, LossTotals totals) {
    Checks.exactLength("params", params, parameterCount());
    Checks.batchSize(count, workspace);
    Scratch ws = (Scratch) workspace;
    FlowSamples s = ws.samples;
    int dropped = s.draw(flow, target, params, rng, count * k);
    int n = s.kept();
    int[] origin = s.origin();
    // Kept samples stay in draw order, so each group's survivors are consecutive.
    double sum = 0.0;
    int groups = 0;
    int start = 0;
    while (start < n) {
      int group = origin[start] / k;
      int end = start;
      double max = Double.NEGATIVE_INFINITY;
      while (end < n && origin[end] / k == group) {
        max = Math.max(max, s.logp[end] - s.logq[end]);
        end++;
      }
      double total = 0.0;
      for (int i = start; i < end; i++) {
        total += Math.exp(s.logp[i] - s.logq[i] - max);
      }
      sum -= max + Math.log(total) - Math.log(end - start);
      groups++;
      for (int i = start; i < end; i++) {
        // d(−log Σ w)/d log q_i = w̃_i; d/d log p̃_i = −w̃_i.
        s.gradLogq[i] = Math.exp(s.logp[i] - s.logq[i] - max) / total;
      }
      start = end;
    }
    totals.add(sum, groups, dropped);
    if (grad == null || n == 0) {
      return;
    }
    for (int j = 0; j < s.dim; j++) {
      for (int i = 0; i < n; i++) {
        s.gradZ[j * n + i] = -s.gradLogq[i] * s.gradLogp[j * n + i];
      }
    }
    flow.sampleAndLogProbBackward(params, 0, null, s.z, s.gradZ, s.gradLogq, grad, n, s.flow);
  }

  private static final class Scratch implements Workspace {
    final int groups;
    final FlowSamples samples;

    Scratch(TransformedDistribution flow, int groups, int k) {
      this.groups = groups;
      this.samples = new FlowSamples(flow, Math.multiplyExact(groups, k));
    }

    @Override
    public int capacity() {
      return groups;
    }
  }
}
