package dev.flowvi.engine.train;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.target.LogDensity;
import java.util.Arrays;

/**
 * The negative evidence lower bound, −ELBO = E_q[log q(z) − log p̃(z)], estimated with
 * reparameterised samples z = g_θ(ε), one unit per sample.
 *
 * <p><b>Plain gradient.</b> Differentiates log p_base(ε) − log|det ∂g/∂ε| − log p̃(g(ε)) with
 * respect to θ: one forward pass and its backward pass.
 *
 * <p><b>Sticking the landing</b> (Roeder, Wu and Duvenaud 2017, arXiv 1703.09194, eq. 8): the
 * score term ∂log q_θ(z)/∂θ at fixed z has zero mean, so it is dropped. z is drawn with live θ
 * and log q(z) is scored with θ frozen, through the inverse pass g⁻¹ and its backward pass; the
 * gradient reaches θ only through z. It is unbiased and its variance vanishes as q → p. The
 * reported loss value is the same estimate in both modes.
 */
public final class ElboLoss implements ChunkedLoss {
  private final TransformedDistribution flow;
  private final LogDensity target;
  private final boolean stickingTheLanding;
  private final ParameterLayout layout;

  private ElboLoss(TransformedDistribution flow, LogDensity target, boolean stl) {
    this.flow = flow;
    this.target = target;
    this.stickingTheLanding = stl;
    this.layout = flow.layout();
  }

  /** The −ELBO of {@code flow} against {@code target}; {@code stickingTheLanding} picks the estimator. */
  public static ElboLoss of(TransformedDistribution flow, LogDensity target, boolean stickingTheLanding) {
    checkFlowAndTarget(flow, target);
    return new ElboLoss(flow, target, stickingTheLanding);
  }

  static void checkFlowAndTarget(TransformedDistribution flow, LogDensity target) {
    if (flow == null || target == null) {
      throw new IllegalArgumentException("flow and target must not be null (got flow=" + flow + ", target=" + target + ")");
    }
    Checks.sameDim("the flow (dim " + flow.dim() + ")", flow.dim(), "target", target.dim());
    if (flow.conditionDim() != 0) {
      throw new IllegalArgumentException(
          "flow has conditionDim " + flow.conditionDim() + ", expected 0: variational losses need an unconditional flow");
    }
  }

  public boolean stickingTheLanding() {
    return stickingTheLanding;
  }

  public TransformedDistribution flow() {
    return flow;
  }

  public LogDensity target() {
    return target;
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
    return new Scratch(flow, capacity, stickingTheLanding);
  }

  @Override
  public void evaluate(double[] params, int[] rows, int from, int count, RandomStream rng, Workspace workspace, double[] grad, LossTotals totals) {
    Checks.exactLength("params", params, parameterCount());
    Checks.batchSize(count, workspace);
    Scratch ws = (Scratch) workspace;
    FlowSamples s = ws.samples;
    int dropped = s.draw(flow, target, params, rng, count);
    int n = s.kept();
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
      sum += s.logq[i] - s.logp[i];
    }
    totals.add(sum, n, dropped);
    if (grad == null || n == 0) {
      return;
    }
    int dn = s.dim * n;
    if (stickingTheLanding) {
      // ∇_z log q_θ(z) with θ frozen: score z through g⁻¹; its parameter gradient is discarded.
      flow.logProb(params, 0, s.z, null, ws.frozenLogq, n, ws.score);
      Arrays.fill(ws.ones, 0, n, 1.0);
      flow.logProbBackward(params, 0, s.z, null, ws.ones, s.gradZ, ws.discarded, n, ws.score);
      for (int k = 0; k < dn; k++) {
        s.gradZ[k] -= s.gradLogp[k];
      }
      flow.sampleAndLogProbBackward(params, 0, null, s.z, s.gradZ, null, grad, n, s.flow);
    } else {
      for (int k = 0; k < dn; k++) {
        s.gradZ[k] = -s.gradLogp[k];
      }
      Arrays.fill(s.gradLogq, 0, n, 1.0);
      flow.sampleAndLogProbBackward(params, 0, null, s.z, s.gradZ, s.gradLogq, grad, n, s.flow);
    }
  }

  private static final class Scratch implements Workspace {
    final FlowSamples samples;
    final TransformedDistribution.Scratch score;
    final double[] frozenLogq;
    final double[] ones;
    final double[] discarded;

    Scratch(TransformedDistribution flow, int capacity, boolean stl) {
      samples = new FlowSamples(flow, capacity);
      score = stl ? flow.newWorkspace(capacity) : null;
      frozenLogq = new double[capacity];
      ones = new double[capacity];
      discarded = stl ? new double[flow.parameterCount()] : null;
    }

    @Override
    public int capacity() {
      return samples.capacity;
    }
  }
}
