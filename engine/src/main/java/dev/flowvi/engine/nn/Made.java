package dev.flowvi.engine.nn;

import dev.flowvi.engine.core.Checks;

/**
 * Masked autoencoder for distribution estimation (Germain et al. 2015) with deterministic,
 * rank-based masks: output group j (units j·P .. j·P+P−1) depends only on inputs 0..j−1 and the
 * conditioning inputs.
 *
 * <p>Ranks (REFERENCE.md): inputs 0..D−1; conditioning inputs −1; hidden unit h has rank h mod (D−1),
 * or (h mod D) − 1 with conditioning inputs; output unit j·P+k has rank j. Hidden layers connect
 * where out_rank ≥ in_rank, the output layer where out_rank &gt; in_rank.
 */
public final class Made extends FeedForwardNetwork {
  private final int paramsPerDim;

  private Made(int dim, int conditionDim, int paramsPerDim, int[] sizes, boolean[][] masks, Activation activation) {
    super(dim, conditionDim, sizes, masks, activation);
    this.paramsPerDim = paramsPerDim;
  }

  /**
   * @param dim autoregressive inputs D
   * @param paramsPerDim outputs per dimension P (the transformer's raw parameter count)
   * @param depth number of hidden layers of {@code width} units (0 gives a masked affine map)
   */
  public static Made of(int dim, int conditionDim, int paramsPerDim, int width, int depth, Activation activation) {
    Checks.positive("dim", dim);
    nonNegative("conditionDim", conditionDim);
    Checks.positive("paramsPerDim", paramsPerDim);
    int[] sizes = sizes(dim + conditionDim, width, depth, Math.multiplyExact(dim, paramsPerDim));
    int[][] ranks = ranks(dim, conditionDim, paramsPerDim, sizes);
    boolean[][] masks = new boolean[sizes.length - 1][];
    for (int l = 0; l < masks.length; l++) {
      boolean output = l == masks.length - 1;
      int[] in = ranks[l];
      int[] out = ranks[l + 1];
      boolean[] m = new boolean[out.length * in.length];
      for (int o = 0; o < out.length; o++) {
        for (int k = 0; k < in.length; k++) {
          m[o * in.length + k] = output ? out[o] > in[k] : out[o] >= in[k];
        }
      }
      masks[l] = m;
    }
    return new Made(dim, conditionDim, paramsPerDim, sizes, masks, activation);
  }

  /** Rank of every unit of every layer, inputs first. */
  static int[][] ranks(int dim, int conditionDim, int paramsPerDim, int[] sizes) {
    int[][] ranks = new int[sizes.length][];
    ranks[0] = new int[dim + conditionDim];
    for (int k = 0; k < ranks[0].length; k++) {
      ranks[0][k] = k < dim ? k : -1;
    }
    for (int l = 1; l < sizes.length - 1; l++) {
      ranks[l] = new int[sizes[l]];
      for (int h = 0; h < sizes[l]; h++) {
        // With D = 1 and no conditioning no hidden unit may feed an output: rank 0 does that.
        ranks[l][h] = conditionDim > 0 ? (h % dim) - 1 : (dim > 1 ? h % (dim - 1) : 0);
      }
    }
    int[] out = new int[dim * paramsPerDim];
    for (int o = 0; o < out.length; o++) {
      out[o] = o / paramsPerDim;
    }
    ranks[sizes.length - 1] = out;
    return ranks;
  }

  /** The transformer parameters per dimension P. */
  public int paramsPerDim() {
    return paramsPerDim;
  }

  /** Rank of each unit of layer l (0 = inputs, then conditioning inputs). */
  public int[] ranks(int layer) {
    return ranks(inputDim(), conditionDim(), paramsPerDim, sizes())[layer].clone();
  }
}
