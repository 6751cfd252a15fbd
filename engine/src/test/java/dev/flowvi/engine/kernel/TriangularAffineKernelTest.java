package dev.flowvi.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flowvi.engine.random.RandomStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TriangularAffineKernel}: the scalar reference against a naive dense computation, and
 * the vector kernel against the scalar one, for lower and upper matrices, several dims and batch
 * sizes with ragged tails.
 */
class TriangularAffineKernelTest {
  /** The relative agreement asked of vector kernels. */
  private static final double RELATIVE = 1e-12;

  static Stream<Arguments> shapes() {
    List<Arguments> a = new ArrayList<>();
    for (boolean lower : new boolean[] {true, false}) {
      for (int dim : new int[] {1, 2, 5, 17}) {
        for (int n : new int[] {1, 3, 8, 13, 64, 67}) {
          a.add(Arguments.of(lower, dim, n));
        }
      }
    }
    return a.stream();
  }

  /** A random triangular matrix with diagonal in [0.5, 1.5]; entries off its triangle hold NaN so a kernel that reads them fails. */
  static double[] matrix(RandomStream rng, int dim, boolean lower) {
    double[] a = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        boolean in = lower ? j <= i : j >= i;
        a[i * dim + j] = !in ? Double.NaN : i == j ? 0.5 + rng.nextDouble() : rng.nextGaussian() / Math.sqrt(dim);
      }
    }
    return a;
  }

  @ParameterizedTest(name = "lower={0} dim={1} n={2}")
  @MethodSource("shapes")
  void scalarKernelMatchesDenseReference(boolean lower, int dim, int n) {
    RandomStream rng = RandomStream.of(dim * 100 + n + (lower ? 7 : 0));
    TriangularAffineKernel k = TriangularAffineKernel.SCALAR;
    double[] a = matrix(rng, dim, lower);
    double[] t = gaussian(rng, dim + 2);
    double[] x = gaussian(rng, dim * n);
    double[] g = gaussian(rng, dim * n);

    double[] y = new double[dim * n];
    k.multiply(a, dim, lower, t, 2, x, y, n);
    double[] back = new double[dim * n];
    k.solve(a, dim, lower, t, 2, y, back, n);
    double[] atg = new double[dim * n];
    k.multiplyTransposed(a, dim, lower, g, atg, n);
    double[] u = new double[dim * n];
    k.solveTransposed(a, dim, lower, atg, u, n);
    double[] gradA = new double[dim * dim];
    double[] gradT = new double[dim];
    k.accumulateOuter(dim, lower, g, x, n, -2.0, gradA, gradT);

    for (int p = 0; p < n; p++) {
      for (int i = 0; i < dim; i++) {
        double yi = t[2 + i];
        double atgi = 0.0;
        for (int j = 0; j < dim; j++) {
          if (lower ? j <= i : j >= i) {
            yi += a[i * dim + j] * x[j * n + p];
          }
          if (lower ? i <= j : i >= j) {
            atgi += a[j * dim + i] * g[j * n + p];
          }
        }
        assertEquals(yi, y[i * n + p], 1e-13 * (1 + Math.abs(yi)), "A x + t");
        assertEquals(atgi, atg[i * n + p], 1e-13 * (1 + Math.abs(atgi)), "Aᵀ g");
        assertEquals(x[i * n + p], back[i * n + p], 1e-11 * (1 + Math.abs(x[i * n + p])), "solve undoes multiply");
        assertEquals(g[i * n + p], u[i * n + p], 1e-11 * (1 + Math.abs(g[i * n + p])), "transposed solve undoes transposed multiply");
      }
    }
    for (int i = 0; i < dim; i++) {
      double st = 0.0;
      for (int p = 0; p < n; p++) {
        st += g[i * n + p];
      }
      assertEquals(-2.0 * st, gradT[i], 1e-12 * (1 + Math.abs(st)));
      for (int j = 0; j < dim; j++) {
        double dot = 0.0;
        for (int p = 0; p < n; p++) {
          dot += g[i * n + p] * x[j * n + p];
        }
        double expected = (lower ? j <= i : j >= i) ? -2.0 * dot : 0.0;
        assertEquals(expected, gradA[i * dim + j], 1e-12 * (1 + Math.abs(dot)), "gradA off the triangle must stay untouched");
      }
    }
  }

  @ParameterizedTest(name = "lower={0} dim={1} n={2}")
  @MethodSource("shapes")
  void vectorKernelAgreesWithScalar(boolean lower, int dim, int n) {
    assumeTrue(VectorSupport.enabled(), "vector kernels are not enabled in this JVM");
    TriangularAffineKernel v = TriangularAffineKernel.PREFERRED;
    TriangularAffineKernel s = TriangularAffineKernel.SCALAR;
    RandomStream rng = RandomStream.of(dim * 1000 + n + (lower ? 1 : 0));
    double[] a = matrix(rng, dim, lower);
    double[] t = gaussian(rng, dim);
    double[] x = gaussian(rng, dim * n);
    double[] g = gaussian(rng, dim * n);

    compare(dim * n, (out) -> s.multiply(a, dim, lower, t, 0, x, out, n), (out) -> v.multiply(a, dim, lower, t, 0, x, out, n), "multiply");
    compare(dim * n, (out) -> s.solve(a, dim, lower, t, 0, x, out, n), (out) -> v.solve(a, dim, lower, t, 0, x, out, n), "solve");
    compare(dim * n, (out) -> s.multiplyTransposed(a, dim, lower, g, out, n), (out) -> v.multiplyTransposed(a, dim, lower, g, out, n), "multiplyTransposed");
    compare(dim * n, (out) -> s.solveTransposed(a, dim, lower, g, out, n), (out) -> v.solveTransposed(a, dim, lower, g, out, n), "solveTransposed");

    double[] gaS = new double[dim * dim];
    double[] gtS = new double[dim];
    double[] gaV = new double[dim * dim];
    double[] gtV = new double[dim];
    s.accumulateOuter(dim, lower, g, x, n, 1.5, gaS, gtS);
    v.accumulateOuter(dim, lower, g, x, n, 1.5, gaV, gtV);
    for (int i = 0; i < dim; i++) {
      double absSum = 0.0;
      for (int p = 0; p < n; p++) {
        absSum += Math.abs(g[i * n + p]);
      }
      assertEquals(gtS[i], gtV[i], RELATIVE * 1.5 * absSum, "gradT " + i);
      for (int j = 0; j < dim; j++) {
        double absDot = 0.0;
        for (int p = 0; p < n; p++) {
          absDot += Math.abs(g[i * n + p] * x[j * n + p]);
        }
        // Summation order differs; the error scales with Σ|g·x|, not with the (possibly cancelling) result.
        assertEquals(gaS[i * dim + j], gaV[i * dim + j], RELATIVE * 1.5 * absDot, "gradA " + i + "," + j);
      }
    }
  }

  private interface Pass {
    void run(double[] out);
  }

  private static void compare(int size, Pass scalar, Pass vector, String what) {
    double[] s = new double[size];
    double[] v = new double[size];
    scalar.run(s);
    vector.run(v);
    for (int e = 0; e < size; e++) {
      assertEquals(s[e], v[e], RELATIVE * Math.abs(s[e]), what + " at " + e);
    }
  }

  private static double[] gaussian(RandomStream rng, int size) {
    double[] v = new double[size];
    rng.fillGaussian(v, 0, size);
    return v;
  }
}
