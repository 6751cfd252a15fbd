package dev.flowvi.engine.flow;

import dev.flowvi.engine.bijection.Transformer;

/**
 * The conditioner's output is an offset to the transformer's identity parameters (FlowJAX), so a
 * zero output layer makes the layer the exact identity.
 */
final class RawParameters {
  private final double[] identity;

  RawParameters(Transformer transformer) {
    identity = new double[transformer.parameterCount()];
    transformer.identity(identity, 0);
  }

  int perDim() {
    return identity.length;
  }

  /** Adds the identity values to {@code rows} coordinates × P parameters of a feature-major output. */
  void addIdentity(double[] raw, int rows, int n) {
    int p = identity.length;
    for (int j = 0; j < rows; j++) {
      for (int k = 0; k < p; k++) {
        double v = identity[k];
        int off = (j * p + k) * n;
        for (int i = 0; i < n; i++) {
          raw[off + i] += v;
        }
      }
    }
  }
}
