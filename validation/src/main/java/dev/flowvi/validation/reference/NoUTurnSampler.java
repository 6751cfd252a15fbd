package dev.flowvi.validation.reference;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.random.RandomStream;
import dev.flowvi.engine.target.LogDensity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A reference No-U-Turn sampler for small models, to produce draws that a fitted flow is compared
 * against. It is the multinomial variant that Stan uses (Betancourt 2017, arXiv 1701.02434,
 * appendix A; the original slice form is Hoffman and Gelman 2014, JMLR 15): trajectories are
 * doubled forwards or backwards at random, a state is chosen within each new subtree by
 * multinomial weights exp(−H) and across subtrees by biased progressive sampling, and doubling
 * stops at a U-turn under the generalised criterion on ρ = Σp with p♯ = M⁻¹p, checked over the
 * whole tree and over the two sub-trajectories joined by their boundary momenta (as Stan does
 * since 2.26).
 *
 * <p>Warm-up follows Stan: dual-averaging step-size adaptation (Hoffman and Gelman 2014;
 * γ = 0.05, t₀ = 10, κ = 0.75, target acceptance δ = 0.8 by default) throughout,
 * and a diagonal inverse mass matrix estimated in doubling windows after a fast initial buffer
 * of 75 iterations and before a terminal buffer of 50 (first window 25), regularised towards
 * 10⁻³ as (n/(n + 5))·var + 10⁻³·5/(n + 5). After each metric update the step size is
 * re-initialised by the doubling/halving heuristic and dual averaging restarts at μ = log(10ε).
 *
 * <p>The target is called one point at a time (n = 1 batches). The sampler is immutable; each
 * {@link #sample} call owns its state, so it is reproducible from the given random stream.
 */
public final class NoUTurnSampler {
  private static final double MAX_DELTA_H = 1000;
  private static final double DA_GAMMA = 0.05;
  private static final double DA_T0 = 10;
  private static final double DA_KAPPA = 0.75;
  private static final int INIT_BUFFER = 75;
  private static final int TERM_BUFFER = 50;
  private static final int BASE_WINDOW = 25;

  private final LogDensity target;
  private final int warmup;
  private final int maxTreeDepth;
  private final double targetAcceptance;

  private NoUTurnSampler(LogDensity target, int warmup, int maxTreeDepth, double targetAcceptance) {
    this.target = target;
    this.warmup = warmup;
    this.maxTreeDepth = maxTreeDepth;
    this.targetAcceptance = targetAcceptance;
  }

  /** A sampler with Stan's defaults: 1000 warm-up iterations, tree depth 10, acceptance 0.8. */
  public static NoUTurnSampler of(LogDensity target) {
    if (target == null) {
      throw new IllegalArgumentException("target must not be null");
    }
    Checks.positive("target.dim()", target.dim());
    return new NoUTurnSampler(target, 1000, 10, 0.8);
  }

  /** Warm-up length; 0 samples straight away with ε = 1 and the unit metric (for tests of the kernel). */
  public NoUTurnSampler withWarmup(int iterations) {
    if (iterations < 0) {
      throw new IllegalArgumentException("warm-up iterations is " + iterations + ", expected at least 0");
    }
    return new NoUTurnSampler(target, iterations, maxTreeDepth, targetAcceptance);
  }

  public NoUTurnSampler withMaxTreeDepth(int depth) {
    Checks.positive("max tree depth", depth);
    return new NoUTurnSampler(target, warmup, depth, targetAcceptance);
  }

  public NoUTurnSampler withTargetAcceptance(double delta) {
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("target acceptance is " + delta + ", expected a value in (0, 1)");
    }
    return new NoUTurnSampler(target, warmup, maxTreeDepth, delta);
  }

  /** Runs warm-up from {@code initial} (length dim, finite log density), then keeps {@code draws} draws. */
  public McmcChain sample(double[] initial, int draws, RandomStream rng) {
    Checks.exactLength("initial", initial, target.dim());
    Checks.positive("draws", draws);
    if (rng == null) {
      throw new IllegalArgumentException("rng must not be null");
    }
    return new Run(rng).run(initial, draws);
  }

  /** A point in phase space with its log density and gradient. */
  private static final class State {
    final double[] q;
    final double[] p;
    final double[] grad;
    double logp;

    State(int dim) {
      q = new double[dim];
      p = new double[dim];
      grad = new double[dim];
    }

    void copyFrom(State o) {
      System.arraycopy(o.q, 0, q, 0, q.length);
      System.arraycopy(o.p, 0, p, 0, p.length);
      System.arraycopy(o.grad, 0, grad, 0, grad.length);
      logp = o.logp;
    }
  }

  /** The mutable state of one call to {@link #sample}. */
  private final class Run {
    private final RandomStream rng;
    private final int dim = target.dim();
    private final double[] invMetric = new double[dim];
    private final State z = new State(dim);
    private final double[] logpBuffer = new double[1];
    private double epsilon = 1.0;
    private int leapfrogs;
    private double sumMetropolis;
    private boolean divergent;
    private int depth;
    // Dual averaging (Hoffman and Gelman 2014, section 3.2).
    private double mu;
    private double sBar;
    private double xBar;
    private int counter;

    Run(RandomStream rng) {
      this.rng = rng;
      Arrays.fill(invMetric, 1.0);
    }

    McmcChain run(double[] initial, int draws) {
      System.arraycopy(initial, 0, z.q, 0, dim);
      evaluate(z);
      if (!Double.isFinite(z.logp)) {
        throw new IllegalArgumentException(
            "initial is " + Arrays.toString(initial) + " with log density " + z.logp + ", expected a point with a finite log density and gradient");
      }
      int[][] windows = windows(warmup);
      int window = 0;
      Welford variance = new Welford(dim);
      if (warmup > 0) {
        initialiseStepSize();
        restartAdaptation();
      }
      double[] kept = new double[dim * draws];
      int divergences = 0;
      int maxDepthHits = 0;
      double sumAccept = 0;
      long sumLeapfrogs = 0;
      for (int it = 0; it < warmup + draws; it++) {
        double accept = transition();
        if (it < warmup) {
          learnStepSize(accept);
          if (window < windows.length && it >= windows[window][0]) {
            variance.add(z.q);
            if (it == windows[window][1] - 1) {
              variance.regularisedVariance(invMetric);
              variance.reset();
              window++;
              initialiseStepSize();
              restartAdaptation();
            }
          }
          if (it == warmup - 1) {
            epsilon = Math.exp(xBar);
          }
        } else {
          int i = it - warmup;
          for (int j = 0; j < dim; j++) {
            kept[j * draws + i] = z.q[j];
          }
          divergences += divergent ? 1 : 0;
          maxDepthHits += depth >= maxTreeDepth ? 1 : 0;
          sumAccept += accept;
          sumLeapfrogs += leapfrogs;
        }
      }
      return new McmcChain(dim, draws, kept, epsilon, invMetric.clone(), divergences, maxDepthHits, sumAccept / draws, (double) sumLeapfrogs / draws);
    }

    private void restartAdaptation() {
      mu = Math.log(10 * epsilon);
      sBar = 0;
      xBar = 0;
      counter = 0;
    }

    private void learnStepSize(double acceptStat) {
      counter++;
      double eta = 1.0 / (counter + DA_T0);
      sBar = (1 - eta) * sBar + eta * (targetAcceptance - Math.min(1.0, acceptStat));
      double x = mu - sBar * Math.sqrt(counter) / DA_GAMMA;
      double xEta = Math.pow(counter, -DA_KAPPA);
      xBar = (1 - xEta) * xBar + xEta * x;
      epsilon = Math.exp(x);
    }

    /**
     * Doubles or halves ε until one leapfrog step from the current point, with fresh momentum,
     * crosses an acceptance of 0.8 (Hoffman and Gelman 2014, algorithm 4, in Stan's form).
     */
    private void initialiseStepSize() {
      State start = new State(dim);
      start.copyFrom(z);
      double logTarget = Math.log(0.8);
      boolean larger = oneStepLogAcceptance(start) > logTarget;
      for (int tries = 0; tries < 100; tries++) {
        double logAccept = oneStepLogAcceptance(start);
        if (larger ? !(logAccept > logTarget) : !(logAccept < logTarget)) {
          break;
        }
        epsilon = larger ? 2 * epsilon : 0.5 * epsilon;
        if (epsilon > 1e7 || epsilon == 0) {
          z.copyFrom(start);
          throw new IllegalStateException(
              "step size search reached " + epsilon + " at " + Arrays.toString(start.q) + ": the posterior is improper or the gradient is wrong");
        }
      }
      z.copyFrom(start);
    }

    /** H0 − H after one leapfrog step of size ε from {@code start} with fresh momentum (−∞ for NaN). */
    private double oneStepLogAcceptance(State start) {
      z.copyFrom(start);
      sampleMomentum();
      double h0 = hamiltonian(z);
      leapfrog(z, epsilon);
      double deltaH = h0 - hamiltonian(z);
      return Double.isNaN(deltaH) ? Double.NEGATIVE_INFINITY : deltaH;
    }

    /** One NUTS transition from z; returns the acceptance statistic. */
    private double transition() {
      sampleMomentum();
      State zFwd = new State(dim);
      State zBck = new State(dim);
      State zSample = new State(dim);
      State zPropose = new State(dim);
      zFwd.copyFrom(z);
      zBck.copyFrom(z);
      zSample.copyFrom(z);
      zPropose.copyFrom(z);
      double[] pFwdFwd = z.p.clone();
      double[] pSharpFwdFwd = sharp(z.p);
      double[] pFwdBck = z.p.clone();
      double[] pSharpFwdBck = pSharpFwdFwd.clone();
      double[] pBckFwd = z.p.clone();
      double[] pSharpBckFwd = pSharpFwdFwd.clone();
      double[] pBckBck = z.p.clone();
      double[] pSharpBckBck = pSharpFwdFwd.clone();
      double[] rho = z.p.clone();
      double logSumWeight = 0; // log exp(−(H0 − H0))
      double h0 = hamiltonian(z);
      leapfrogs = 0;
      sumMetropolis = 0;
      divergent = false;
      depth = 0;
      while (depth < maxTreeDepth) {
        double[] rhoFwd = new double[dim];
        double[] rhoBck = new double[dim];
        double[] logSumWeightSubtree = {Double.NEGATIVE_INFINITY};
        boolean valid;
        if (rng.nextDouble() > 0.5) {
          z.copyFrom(zFwd);
          System.arraycopy(rho, 0, rhoBck, 0, dim);
          System.arraycopy(pFwdBck, 0, pBckFwd, 0, dim);
          System.arraycopy(pSharpFwdBck, 0, pSharpBckFwd, 0, dim);
          valid = buildTree(depth, zPropose, pSharpFwdBck, pSharpFwdFwd, rhoFwd, pFwdBck, pFwdFwd, h0, 1, logSumWeightSubtree);
          zFwd.copyFrom(z);
        } else {
          z.copyFrom(zBck);
          System.arraycopy(rho, 0, rhoFwd, 0, dim);
          System.arraycopy(pBckFwd, 0, pFwdBck, 0, dim);
          System.arraycopy(pSharpBckFwd, 0, pSharpFwdBck, 0, dim);
          valid = buildTree(depth, zPropose, pSharpBckFwd, pSharpBckBck, rhoBck, pBckFwd, pBckBck, h0, -1, logSumWeightSubtree);
          zBck.copyFrom(z);
        }
        if (!valid) {
          break;
        }
        depth++;
        // Biased progressive sampling favours the new subtree (Betancourt 2017, appendix A).
        if (logSumWeightSubtree[0] > logSumWeight) {
          zSample.copyFrom(zPropose);
        } else if (rng.nextDouble() < Math.exp(logSumWeightSubtree[0] - logSumWeight)) {
          zSample.copyFrom(zPropose);
        }
        logSumWeight = logSumExp(logSumWeight, logSumWeightSubtree[0]);
        for (int j = 0; j < dim; j++) {
          rho[j] = rhoBck[j] + rhoFwd[j];
        }
        boolean persist = uTurnFree(pSharpBckBck, pSharpFwdFwd, rho);
        double[] rhoExtended = new double[dim];
        for (int j = 0; j < dim; j++) {
          rhoExtended[j] = rhoBck[j] + pFwdBck[j];
        }
        persist &= uTurnFree(pSharpBckBck, pSharpFwdBck, rhoExtended);
        for (int j = 0; j < dim; j++) {
          rhoExtended[j] = rhoFwd[j] + pBckFwd[j];
        }
        persist &= uTurnFree(pSharpBckFwd, pSharpFwdFwd, rhoExtended);
        if (!persist) {
          break;
        }
      }
      z.copyFrom(zSample);
      return leapfrogs == 0 ? 0 : sumMetropolis / leapfrogs;
    }

    /**
     * Builds a subtree of 2^depth leapfrog steps from z in direction {@code sign}, leaving z at
     * its far end. Writes the chosen state to zPropose, the boundary momenta and their sharp
     * versions, adds the subtree's momenta to rho and its log weight to logSumWeight[0]. Returns
     * false on a divergence or an internal U-turn (the subtree is then rejected).
     */
    private boolean buildTree(int depth, State zPropose, double[] pSharpBeg, double[] pSharpEnd, double[] rho, double[] pBeg, double[] pEnd,
        double h0, int sign, double[] logSumWeight) {
      if (depth == 0) {
        leapfrog(z, sign * epsilon);
        leapfrogs++;
        double h = hamiltonian(z);
        if (Double.isNaN(h)) {
          h = Double.POSITIVE_INFINITY;
        }
        if (h - h0 > MAX_DELTA_H) {
          divergent = true;
        }
        logSumWeight[0] = logSumExp(logSumWeight[0], h0 - h);
        sumMetropolis += h0 - h > 0 ? 1 : Math.exp(h0 - h);
        zPropose.copyFrom(z);
        for (int j = 0; j < dim; j++) {
          pSharpBeg[j] = invMetric[j] * z.p[j];
          pSharpEnd[j] = pSharpBeg[j];
          rho[j] += z.p[j];
          pBeg[j] = z.p[j];
          pEnd[j] = z.p[j];
        }
        return !divergent;
      }
      double[] logSumWeightInit = {Double.NEGATIVE_INFINITY};
      double[] pInitEnd = new double[dim];
      double[] pSharpInitEnd = new double[dim];
      double[] rhoInit = new double[dim];
      if (!buildTree(depth - 1, zPropose, pSharpBeg, pSharpInitEnd, rhoInit, pBeg, pInitEnd, h0, sign, logSumWeightInit)) {
        return false;
      }
      State zProposeFinal = new State(dim);
      zProposeFinal.copyFrom(z);
      double[] logSumWeightFinal = {Double.NEGATIVE_INFINITY};
      double[] pFinalBeg = new double[dim];
      double[] pSharpFinalBeg = new double[dim];
      double[] rhoFinal = new double[dim];
      if (!buildTree(depth - 1, zProposeFinal, pSharpFinalBeg, pSharpEnd, rhoFinal, pFinalBeg, pEnd, h0, sign, logSumWeightFinal)) {
        return false;
      }
      // Multinomial choice between the two halves, uniform in exp(−H) (not biased within a subtree).
      double logSumWeightSubtree = logSumExp(logSumWeightInit[0], logSumWeightFinal[0]);
      logSumWeight[0] = logSumExp(logSumWeight[0], logSumWeightSubtree);
      if (rng.nextDouble() < Math.exp(logSumWeightFinal[0] - logSumWeightSubtree)) {
        zPropose.copyFrom(zProposeFinal);
      }
      double[] rhoSubtree = new double[dim];
      for (int j = 0; j < dim; j++) {
        rhoSubtree[j] = rhoInit[j] + rhoFinal[j];
        rho[j] += rhoSubtree[j];
      }
      boolean persist = uTurnFree(pSharpBeg, pSharpEnd, rhoSubtree);
      double[] rhoExtended = new double[dim];
      for (int j = 0; j < dim; j++) {
        rhoExtended[j] = rhoInit[j] + pFinalBeg[j];
      }
      persist &= uTurnFree(pSharpBeg, pSharpFinalBeg, rhoExtended);
      for (int j = 0; j < dim; j++) {
        rhoExtended[j] = rhoFinal[j] + pInitEnd[j];
      }
      persist &= uTurnFree(pSharpInitEnd, pSharpEnd, rhoExtended);
      return persist;
    }

    /** The generalised no-U-turn criterion: both ends still move along ρ. */
    private boolean uTurnFree(double[] pSharpMinus, double[] pSharpPlus, double[] rho) {
      double plus = 0;
      double minus = 0;
      for (int j = 0; j < dim; j++) {
        plus += pSharpPlus[j] * rho[j];
        minus += pSharpMinus[j] * rho[j];
      }
      return plus > 0 && minus > 0;
    }

    private double[] sharp(double[] p) {
      double[] out = new double[dim];
      for (int j = 0; j < dim; j++) {
        out[j] = invMetric[j] * p[j];
      }
      return out;
    }

    private void sampleMomentum() {
      for (int j = 0; j < dim; j++) {
        z.p[j] = rng.nextGaussian() / Math.sqrt(invMetric[j]);
      }
    }

    private double hamiltonian(State s) {
      if (!(s.logp > Double.NEGATIVE_INFINITY)) {
        return Double.POSITIVE_INFINITY;
      }
      double kinetic = 0;
      for (int j = 0; j < dim; j++) {
        kinetic += invMetric[j] * s.p[j] * s.p[j];
      }
      return -s.logp + 0.5 * kinetic;
    }

    private void leapfrog(State s, double step) {
      for (int j = 0; j < dim; j++) {
        s.p[j] += 0.5 * step * s.grad[j];
        s.q[j] += step * invMetric[j] * s.p[j];
      }
      evaluate(s);
      for (int j = 0; j < dim; j++) {
        s.p[j] += 0.5 * step * s.grad[j];
      }
    }

    /** log p̃ and its gradient at s.q; a non-finite value or gradient counts as log p̃ = −∞. */
    private void evaluate(State s) {
      target.logDensityAndGradient(s.q, 1, logpBuffer, s.grad);
      double lp = logpBuffer[0];
      for (int j = 0; j < dim; j++) {
        if (!Double.isFinite(s.grad[j])) {
          lp = Double.NEGATIVE_INFINITY;
          s.grad[j] = 0;
        }
      }
      s.logp = Double.isNaN(lp) ? Double.NEGATIVE_INFINITY : lp;
    }
  }

  /**
   * Stan's slow-adaptation windows for a warm-up of {@code warmup} iterations, as [start, end)
   * pairs: after the initial buffer, windows double from the base size and the last one stretches
   * to the terminal buffer. Short warm-ups scale the buffers to 15%/75%/10%; below 20 there are none.
   */
  static int[][] windows(int warmup) {
    if (warmup < 20) {
      return new int[0][];
    }
    int init = INIT_BUFFER;
    int term = TERM_BUFFER;
    int base = BASE_WINDOW;
    if (init + base + term > warmup) {
      init = (int) (0.15 * warmup);
      term = (int) (0.1 * warmup);
      base = warmup - (init + term);
    }
    int end = warmup - term;
    List<int[]> out = new ArrayList<>();
    int start = init;
    int size = base;
    while (start < end) {
      int stop = start + size;
      if (stop + 2 * size > end) {
        stop = end;
      }
      out.add(new int[] {start, stop});
      start = stop;
      size *= 2;
    }
    return out.toArray(new int[0][]);
  }

  private static double logSumExp(double a, double b) {
    if (a == Double.NEGATIVE_INFINITY) {
      return b;
    }
    if (b == Double.NEGATIVE_INFINITY) {
      return a;
    }
    double m = Math.max(a, b);
    return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
  }

  /** Welford's running mean and variance per coordinate. */
  private static final class Welford {
    private final double[] mean;
    private final double[] m2;
    private int n;

    Welford(int dim) {
      mean = new double[dim];
      m2 = new double[dim];
    }

    void add(double[] x) {
      n++;
      for (int j = 0; j < x.length; j++) {
        double d = x[j] - mean[j];
        mean[j] += d / n;
        m2[j] += d * (x[j] - mean[j]);
      }
    }

    /** Stan's regularisation towards 1e-3, which keeps a short window from producing a zero variance. */
    void regularisedVariance(double[] out) {
      for (int j = 0; j < out.length; j++) {
        double var = n > 1 ? m2[j] / (n - 1) : 1.0;
        out[j] = (n / (n + 5.0)) * var + 1e-3 * (5.0 / (n + 5.0));
      }
    }

    void reset() {
      n = 0;
      Arrays.fill(mean, 0);
      Arrays.fill(m2, 0);
    }
  }
}
