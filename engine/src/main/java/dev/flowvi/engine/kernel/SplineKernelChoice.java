package dev.flowvi.engine.kernel;

/** Holds the spline kernel chosen once per JVM, initialised lazily on first use. */
final class SplineKernelChoice {
  static final SplineKernel PREFERRED =
      VectorSupport.choose(SplineKernel.class, "dev.flowvi.engine.kernel.VectorSplineKernel", ScalarSplineKernel::new);

  private SplineKernelChoice() {}
}
