package dev.flowvi.cli.fit;

import java.util.List;

/**
 * Maps draws from the space the flow lives in to the model's named, constrained parameters
 * (e.g. the seed's unit cube to the prior boxes, or a simplex from its free coordinates).
 */
public interface Constraining {

  /** Names of the constrained parameters, in output order. */
  List<String> names();

  /**
   * Writes the constrained values of n draws: {@code z} is dim·n and {@code out} is
   * names().size()·n, both feature-major.
   */
  void constrain(double[] z, int n, double[] out);

  /** The identity, for models whose flow space already is the parameter space. */
  static Constraining identity(List<String> names) {
    List<String> copy = List.copyOf(names);
    return new Constraining() {
      @Override
      public List<String> names() {
        return copy;
      }

      @Override
      public void constrain(double[] z, int n, double[] out) {
        System.arraycopy(z, 0, out, 0, copy.size() * n);
      }
    };
  }
}
