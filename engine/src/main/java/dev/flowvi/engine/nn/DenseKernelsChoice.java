package dev.flowvi.engine.nn;

import dev.flowvi.engine.kernel.VectorSupport;

/** The {@link DenseKernels} implementations, chosen once per JVM on first use. */
final class DenseKernelsChoice {
  static final DenseKernels SCALAR = new ScalarDenseKernels();
  static final DenseKernels PREFERRED =
      VectorSupport.choose(DenseKernels.class, "dev.flowvi.engine.nn.VectorDenseKernels", () -> SCALAR);

  private DenseKernelsChoice() {}
}
