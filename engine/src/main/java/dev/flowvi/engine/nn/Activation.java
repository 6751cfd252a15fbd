package dev.flowvi.engine.nn;

/**
 * Elementwise activations of hidden layers. The scalar methods are the reference definitions;
 * {@link DenseKernels} applies them over whole rows.
 */
public enum Activation {
  RELU,
  TANH,
  /** Clevert et al. 2016: x for x &gt; 0, e^x − 1 otherwise. */
  ELU;

  public double value(double z) {
    switch (this) {
      case RELU:
        return z > 0 ? z : 0.0;
      case TANH:
        return Math.tanh(z);
      default:
        return z > 0 ? z : Math.expm1(z);
    }
  }

  /**
   * Derivative at pre-activation z, given h = value(z): tanh' = 1 − h² and ELU' = h + 1 for z ≤ 0
   * reuse the stored output instead of a second transcendental.
   */
  public double derivative(double z, double h) {
    switch (this) {
      case RELU:
        return z > 0 ? 1.0 : 0.0;
      case TANH:
        return 1.0 - h * h;
      default:
        return z > 0 ? 1.0 : h + 1.0;
    }
  }
}
