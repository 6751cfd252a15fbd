package dev.flowvi.codegen.flow;

import static dev.flowvi.codegen.flow.FlowCompilerTest.close;
import static dev.flowvi.codegen.flow.FlowCompilerTest.gaussian;

import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;

/**
 * Runs the four passes of an interpreted flow and of its compiled class on the same data and
 * compares outputs, log-dets and gradients (inputs and parameters) with {@link
 * FlowCompilerTest#close}'s normwise relative bound; the inverse and its backward pass get their
 * own tolerances because some layers solve them iteratively.
 */
final class FlowPasses {
  static final int N = 5;

  private FlowPasses() {}

  static void compare(String label, Bijection flow, Bijection compiled, double[] p, double tolerance,
      double inverseTolerance, double inverseBackwardTolerance) {
    int dim = flow.dim();
    RandomStream rng = RandomStream.of(42 + dim);
    int c = flow.conditionDim();
    double[] cond = c > 0 ? gaussian(c * N, rng) : null;
    double[] x = gaussian(dim * N, rng);
    double[] ld0 = gaussian(N, rng);
    Workspace wi = flow.newWorkspace(N);
    Workspace wc = compiled.newWorkspace(N);

    double[] yI = new double[dim * N];
    double[] yC = new double[dim * N];
    double[] ldI = ld0.clone();
    double[] ldC = ld0.clone();
    flow.forward(p, 3, x, cond, yI, ldI, N, wi);
    compiled.forward(p, 3, x, cond, yC, ldC, N, wc);
    close(label + " forward y", yI, yC, tolerance);
    close(label + " forward logDet", ldI, ldC, tolerance);

    double[] gy = gaussian(dim * N, rng);
    double[] gld = gaussian(N, rng);
    double[] gp0 = gaussian(p.length, rng);
    double[] gxI = new double[dim * N];
    double[] gxC = new double[dim * N];
    double[] gpI = gp0.clone();
    double[] gpC = gp0.clone();
    flow.forwardBackward(p, 3, x, cond, yI, gy, gld, gxI, gpI, N, wi);
    compiled.forwardBackward(p, 3, x, cond, yC, gy, gld, gxC, gpC, N, wc);
    close(label + " forwardBackward gradX", gxI, gxC, tolerance);
    close(label + " forwardBackward gradParams", gpI, gpC, tolerance);

    double[] y = gaussian(dim * N, rng);
    double[] xI = new double[dim * N];
    double[] xC = new double[dim * N];
    ldI = ld0.clone();
    ldC = ld0.clone();
    flow.inverse(p, 3, y, cond, xI, ldI, N, wi);
    compiled.inverse(p, 3, y, cond, xC, ldC, N, wc);
    close(label + " inverse x", xI, xC, inverseTolerance);
    close(label + " inverse logDet", ldI, ldC, inverseTolerance);

    double[] gx = gaussian(dim * N, rng);
    double[] gyI = new double[dim * N];
    double[] gyC = new double[dim * N];
    gpI = gp0.clone();
    gpC = gp0.clone();
    flow.inverseBackward(p, 3, y, cond, xI, gx, gld, gyI, gpI, N, wi);
    compiled.inverseBackward(p, 3, y, cond, xC, gx, gld, gyC, gpC, N, wc);
    close(label + " inverseBackward gradY", gyI, gyC, inverseBackwardTolerance);
    close(label + " inverseBackward gradParams", gpI, gpC, inverseBackwardTolerance);
  }
}
