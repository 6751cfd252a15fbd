package dev.flowvi.engine.bijection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.kernel.AffineKernel;
import dev.flowvi.engine.kernel.TriangularAffineKernel;
import dev.flowvi.engine.kernel.VectorSupport;
import dev.flowvi.engine.random.RandomStream;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whole layers on the vector kernels against the same layers on the scalar references, all four
 * passes, at random parameters: agreement to 1e-12 relative. Values and input gradients agree per
 * entry; parameter gradients are sums over the batch in another order, so they are compared on
 * the scale of the batch (n·1e-12).
 */
class AffineLayerKernelAgreementTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 33, 100})
  void vectorLayersAgreeWithScalarLayers(int n) {
    assumeTrue(VectorSupport.enabled(), "vector kernels are not enabled in this JVM");
    int dim = 6;
    List<Bijection[]> pairs = List.of(
        new Bijection[] {Affine.of(dim), Affine.of(dim).withKernel(AffineKernel.SCALAR)},
        new Bijection[] {TriangularAffine.lower(dim), TriangularAffine.lower(dim).withKernel(TriangularAffineKernel.SCALAR)},
        new Bijection[] {TriangularAffine.upper(dim).weightNormalised(),
            TriangularAffine.upper(dim).weightNormalised().withKernel(TriangularAffineKernel.SCALAR)});
    for (Bijection[] pair : pairs) {
      RandomStream rng = RandomStream.of(n);
      double[] p = FiniteDifferenceChecks.randomParams(pair[0], rng, 0.3);
      double[] in = FiniteDifferenceChecks.gaussian(rng, dim * n);
      double[] gOut = FiniteDifferenceChecks.gaussian(rng, dim * n);
      double[] gLd = FiniteDifferenceChecks.gaussian(rng, n);
      double[][] vector = run(pair[0], p, in, gOut, gLd, n);
      double[][] scalar = run(pair[1], p, in, gOut, gLd, n);
      for (int r = 0; r < vector.length; r++) {
        double scale = r == 3 || r == 7 ? n : 1; // parameter-gradient results
        for (int e = 0; e < vector[r].length; e++) {
          assertEquals(scalar[r][e], vector[r][e], 1e-12 * scale * Math.max(1e-300, Math.abs(scalar[r][e])) + (scale > 1 ? 1e-13 : 0),
              pair[0].name() + " result " + r + " entry " + e);
        }
      }
    }
  }

  /** forward y, log-det, dL/dx, dL/dparams; then inverse x, log-det, dL/dy, dL/dparams. */
  private static double[][] run(Bijection b, double[] p, double[] in, double[] gOut, double[] gLd, int n) {
    Workspace ws = b.newWorkspace(n);
    int size = b.dim() * n;
    double[] y = new double[size];
    double[] ldF = new double[n];
    b.forward(p, FiniteDifferenceChecks.OFFSET, in, null, y, ldF, n, ws);
    double[] gx = new double[size];
    double[] gpF = new double[p.length];
    b.forwardBackward(p, FiniteDifferenceChecks.OFFSET, in, null, y, gOut, gLd, gx, gpF, n, ws);
    double[] x = new double[size];
    double[] ldI = new double[n];
    b.inverse(p, FiniteDifferenceChecks.OFFSET, in, null, x, ldI, n, ws);
    double[] gy = new double[size];
    double[] gpI = new double[p.length];
    b.inverseBackward(p, FiniteDifferenceChecks.OFFSET, in, null, x, gOut, gLd, gy, gpI, n, ws);
    return new double[][] {y, ldF, gx, gpF, x, ldI, gy, gpI};
  }
}
