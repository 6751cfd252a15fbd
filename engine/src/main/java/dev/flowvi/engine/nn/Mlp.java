package dev.flowvi.engine.nn;

import dev.flowvi.engine.core.Checks;

/** A fully connected network: the conditioner of coupling layers. */
public final class Mlp extends FeedForwardNetwork {

  private Mlp(int inputDim, int conditionDim, int[] sizes, Activation activation) {
    super(inputDim, conditionDim, sizes, null, activation);
  }

  /**
   * @param inputDim inputs (may be 0 when only conditioning inputs or a bias feed the network)
   * @param depth number of hidden layers of {@code width} units (0 gives an affine map)
   */
  public static Mlp of(int inputDim, int conditionDim, int outputDim, int width, int depth, Activation activation) {
    nonNegative("inputDim", inputDim);
    nonNegative("conditionDim", conditionDim);
    Checks.positive("outputDim", outputDim);
    return new Mlp(inputDim, conditionDim, sizes(inputDim + conditionDim, width, depth, outputDim), activation);
  }
}
