package dev.flowvi.engine.bijection;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.kernel.TriangularAffineKernel;
import dev.flowvi.engine.random.RandomStream;

/**
 * y = A x + t with A lower (or upper) triangular. The diagonal is softplus(d_i) &gt; 0 and the
 * strictly triangular entries are free, so log|det| = Σ_i log A_ii and the inverse is a
 * triangular solve.
 *
 * <p><b>Weight normalisation</b> (optional, used by the triangular spline flow): row i of A is
 * g_i v_i/‖v_i‖ with g_i = softplus(ρ_i), where v_i is the row built as above (Salimans and Kingma
 * 2016). The gains start at ‖v_i‖, so the initial rows are kept (FlowJAX starts them at 1/‖v_i‖).
 *
 * <p><b>Parameters</b>, in order: loc t (dim), raw diagonal d (dim), strictly triangular entries
 * (dim(dim−1)/2, row by row, columns ascending), then raw gains ρ (dim) when weight-normalised.
 */
public final class TriangularAffine implements Bijection {
  private final int dim;
  private final boolean lower;
  private final boolean weightNormalised;
  private final double[] initialLoc;
  /** Initial dense row-major matrix; only its triangle is used. */
  private final double[] initialMatrix;
  /** Dense index i*dim + j of each strictly triangular parameter, in parameter order. */
  private final int[] offDiagonalCells;
  private final TriangularAffineKernel kernel;

  private TriangularAffine(double[] loc, double[] matrix, boolean lower, boolean weightNormalised, TriangularAffineKernel kernel) {
    this.dim = loc.length;
    this.lower = lower;
    this.weightNormalised = weightNormalised;
    this.initialLoc = loc;
    this.initialMatrix = matrix;
    this.kernel = kernel;
    this.offDiagonalCells = new int[dim * (dim - 1) / 2];
    int k = 0;
    for (int i = 0; i < dim; i++) {
      for (int j = TriangularAffineKernel.firstColumn(i, lower); j < TriangularAffineKernel.endColumn(i, dim, lower); j++) {
        if (j != i) {
          offDiagonalCells[k++] = i * dim + j;
        }
      }
    }
  }

  /** A lower-triangular map starting at the identity. */
  public static TriangularAffine lower(int dim) {
    return identity(dim, true);
  }

  /** An upper-triangular map starting at the identity. */
  public static TriangularAffine upper(int dim) {
    return identity(dim, false);
  }

  /**
   * Starts at y = M x + loc. M is square with a positive diagonal and zeros outside its lower
   * (or upper) triangle.
   */
  public static TriangularAffine of(double[] loc, double[][] matrix, boolean lower) {
    if (loc == null || loc.length == 0) {
      throw new IllegalArgumentException("loc is " + (loc == null ? "null" : "empty") + ", expected at least 1 value");
    }
    int dim = loc.length;
    if (matrix == null || matrix.length != dim) {
      throw new IllegalArgumentException("matrix has " + (matrix == null ? "null" : matrix.length + " rows") + ", expected " + dim + " rows to match loc");
    }
    double[] dense = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      Checks.finite("loc[" + i + "]", loc[i]);
      if (matrix[i] == null || matrix[i].length != dim) {
        throw new IllegalArgumentException("matrix row " + i + " has " + (matrix[i] == null ? "null" : matrix[i].length + " columns") + ", expected " + dim);
      }
      for (int j = 0; j < dim; j++) {
        double m = matrix[i][j];
        boolean inTriangle = lower ? j <= i : j >= i;
        if (!inTriangle && m != 0.0) {
          throw new IllegalArgumentException("matrix[" + i + "][" + j + "] is " + m + ", expected 0 outside the "
              + (lower ? "lower" : "upper") + " triangle");
        }
        dense[i * dim + j] = j == i ? Checks.positive("matrix[" + i + "][" + i + "] (diagonal)", m) : Checks.finite("matrix[" + i + "][" + j + "]", m);
      }
    }
    return new TriangularAffine(loc.clone(), dense, lower, false, TriangularAffineKernel.PREFERRED);
  }

  private static TriangularAffine identity(int dim, boolean lower) {
    Checks.positive("dim", dim);
    double[] m = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      m[i * dim + i] = 1.0;
    }
    return new TriangularAffine(new double[dim], m, lower, false, TriangularAffineKernel.PREFERRED);
  }

  /** The same map with weight-normalised rows; it starts at the same matrix. */
  public TriangularAffine weightNormalised() {
    return new TriangularAffine(initialLoc, initialMatrix, lower, true, kernel);
  }

  /** The same map computed with another kernel, e.g. {@link TriangularAffineKernel#SCALAR}. */
  public TriangularAffine withKernel(TriangularAffineKernel kernel) {
    if (kernel == null) {
      throw new IllegalArgumentException("kernel is null, expected a TriangularAffineKernel");
    }
    return new TriangularAffine(initialLoc, initialMatrix, lower, weightNormalised, kernel);
  }

  public boolean isLower() {
    return lower;
  }

  public boolean isWeightNormalised() {
    return weightNormalised;
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public int parameterCount() {
    return 2 * dim + offDiagonalCells.length + (weightNormalised ? dim : 0);
  }

  @Override
  public void describeParameters(ParameterLayout.Builder layout, String prefix) {
    String base = prefix + name();
    layout.add(base + ".loc", dim);
    layout.add(base + ".diagonal", dim);
    layout.add(base + ".offDiagonal", offDiagonalCells.length);
    if (weightNormalised) {
      layout.add(base + ".gain", dim);
    }
  }

  private int diagonalOffset(int offset) {
    return offset + dim;
  }

  private int offDiagonalOffset(int offset) {
    return offset + 2 * dim;
  }

  private int gainOffset(int offset) {
    return offset + 2 * dim + offDiagonalCells.length;
  }

  @Override
  public void initialise(double[] params, int offset, RandomStream rng) {
    Checks.params(params, offset, parameterCount());
    System.arraycopy(initialLoc, 0, params, offset, dim);
    for (int i = 0; i < dim; i++) {
      params[diagonalOffset(offset) + i] = Logistic.softplusInverse(initialMatrix[i * dim + i]);
    }
    for (int k = 0; k < offDiagonalCells.length; k++) {
      params[offDiagonalOffset(offset) + k] = initialMatrix[offDiagonalCells[k]];
    }
    if (weightNormalised) {
      for (int i = 0; i < dim; i++) {
        double sq = 0.0;
        for (int j = 0; j < dim; j++) {
          sq += initialMatrix[i * dim + j] * initialMatrix[i * dim + j];
        }
        params[gainOffset(offset) + i] = Logistic.softplusInverse(Math.sqrt(sq));
      }
    }
  }

  @Override
  public Workspace newWorkspace(int capacity) {
    return new Scratch(Checks.positive("capacity", capacity), dim);
  }

  /** Builds the dense A in the workspace and returns Σ_i log A_ii. */
  private double assemble(double[] params, int offset, Scratch s) {
    double[] a = s.matrix;
    double[] v = s.rows;
    java.util.Arrays.fill(a, 0.0);
    for (int i = 0; i < dim; i++) {
      a[i * dim + i] = Logistic.softplus(params[diagonalOffset(offset) + i]);
    }
    for (int k = 0; k < offDiagonalCells.length; k++) {
      a[offDiagonalCells[k]] = params[offDiagonalOffset(offset) + k];
    }
    double logDet = 0.0;
    for (int i = 0; i < dim; i++) {
      double logDiag = Logistic.logSoftplus(params[diagonalOffset(offset) + i]);
      if (weightNormalised) {
        double sq = 0.0;
        for (int j = 0; j < dim; j++) {
          sq += a[i * dim + j] * a[i * dim + j];
        }
        double norm = Math.sqrt(sq);
        s.norm[i] = norm;
        double rho = params[gainOffset(offset) + i];
        double factor = Logistic.softplus(rho) / norm;
        for (int j = 0; j < dim; j++) {
          v[i * dim + j] = a[i * dim + j];
          a[i * dim + j] *= factor;
        }
        logDiag += Logistic.logSoftplus(rho) - Math.log(norm);
      }
      logDet += logDiag;
    }
    return logDet;
  }

  @Override
  public void forward(double[] params, int offset, double[] x, double[] cond, double[] y, double[] logDet, int n, Workspace ws) {
    PassChecks.pass(this, params, offset, "x", x, cond, "y", y, logDet, n, ws);
    Scratch s = PassChecks.workspace(Scratch.class, ws, name());
    double ld = assemble(params, offset, s);
    kernel.multiply(s.matrix, dim, lower, params, offset, x, y, n);
    PerPoint.addToAll(logDet, n, ld);
  }

  @Override
  public void inverse(double[] params, int offset, double[] y, double[] cond, double[] x, double[] logDet, int n, Workspace ws) {
    PassChecks.pass(this, params, offset, "y", y, cond, "x", x, logDet, n, ws);
    Scratch s = PassChecks.workspace(Scratch.class, ws, name());
    double ld = assemble(params, offset, s);
    kernel.solve(s.matrix, dim, lower, params, offset, y, x, n);
    PerPoint.addToAll(logDet, n, -ld);
  }

  @Override
  public void forwardBackward(double[] params, int offset, double[] x, double[] cond, double[] y,
      double[] gradY, double[] gradLogDet, double[] gradX, double[] gradParams, int n, Workspace ws) {
    PassChecks.backward(this, params, offset, "x", x, cond, "y", y, gradY, gradLogDet, gradX, gradParams, n, ws);
    Scratch s = PassChecks.workspace(Scratch.class, ws, name());
    assemble(params, offset, s);
    kernel.multiplyTransposed(s.matrix, dim, lower, gradY, gradX, n);
    java.util.Arrays.fill(s.gradMatrix, 0.0);
    java.util.Arrays.fill(s.gradLoc, 0.0);
    kernel.accumulateOuter(dim, lower, gradY, x, n, 1.0, s.gradMatrix, s.gradLoc);
    backpropagate(params, offset, s, PerPoint.sum(gradLogDet, n), gradParams);
  }

  @Override
  public void inverseBackward(double[] params, int offset, double[] y, double[] cond, double[] x,
      double[] gradX, double[] gradLogDet, double[] gradY, double[] gradParams, int n, Workspace ws) {
    PassChecks.backward(this, params, offset, "y", y, cond, "x", x, gradX, gradLogDet, gradY, gradParams, n, ws);
    Scratch s = PassChecks.workspace(Scratch.class, ws, name());
    assemble(params, offset, s);
    // x = A⁻¹(y − t): with u = A⁻ᵀ dL/dx, dL/dy = u, dL/dt = −Σ u and dL/dA = −u xᵀ.
    kernel.solveTransposed(s.matrix, dim, lower, gradX, gradY, n);
    java.util.Arrays.fill(s.gradMatrix, 0.0);
    java.util.Arrays.fill(s.gradLoc, 0.0);
    kernel.accumulateOuter(dim, lower, gradY, x, n, -1.0, s.gradMatrix, s.gradLoc);
    backpropagate(params, offset, s, -PerPoint.sum(gradLogDet, n), gradParams);
  }

  /**
   * Adds to gradParams the gradient of ⟨gradMatrix, A⟩ + ⟨gradLoc, t⟩ + logDetWeight·Σ log A_ii
   * with respect to the raw parameters.
   */
  private void backpropagate(double[] params, int offset, Scratch s, double logDetWeight, double[] gradParams) {
    double[] gA = s.gradMatrix;
    for (int i = 0; i < dim; i++) {
      gradParams[offset + i] += s.gradLoc[i];
    }
    if (!weightNormalised) {
      for (int i = 0; i < dim; i++) {
        double d = params[diagonalOffset(offset) + i];
        gradParams[diagonalOffset(offset) + i] += gA[i * dim + i] * Logistic.sigmoid(d) + logDetWeight * Logistic.logSoftplusSlope(d);
      }
      for (int k = 0; k < offDiagonalCells.length; k++) {
        gradParams[offDiagonalOffset(offset) + k] += gA[offDiagonalCells[k]];
      }
      return;
    }
    // Row i = g v/‖v‖: ∂A_i/∂v = (g/‖v‖)(I − v̂v̂ᵀ) and ∂A_i/∂g = v̂. The log-det term
    // log g + log v_ii − log‖v‖ adds 1/g, e_i/v_ii and −v/‖v‖² (the e_i/v_ii part goes through
    // logSoftplusSlope for stability). gradMatrix rows are reused to hold dL/dv.
    double[] v = s.rows;
    for (int i = 0; i < dim; i++) {
      double rho = params[gainOffset(offset) + i];
      double g = Logistic.softplus(rho);
      double norm = s.norm[i];
      double proj = 0.0; // ⟨dL/dA_i, v̂_i⟩
      for (int j = 0; j < dim; j++) {
        proj += gA[i * dim + j] * v[i * dim + j];
      }
      proj /= norm;
      gradParams[gainOffset(offset) + i] += Logistic.sigmoid(rho) * proj + logDetWeight * Logistic.logSoftplusSlope(rho);
      for (int j = 0; j < dim; j++) {
        double vij = v[i * dim + j];
        gA[i * dim + j] = (g / norm) * (gA[i * dim + j] - proj * vij / norm) - logDetWeight * vij / (norm * norm);
      }
      double d = params[diagonalOffset(offset) + i];
      gradParams[diagonalOffset(offset) + i] += gA[i * dim + i] * Logistic.sigmoid(d) + logDetWeight * Logistic.logSoftplusSlope(d);
    }
    for (int k = 0; k < offDiagonalCells.length; k++) {
      gradParams[offDiagonalOffset(offset) + k] += gA[offDiagonalCells[k]];
    }
  }

  /** The dense matrix, its gradient and the row norms; sized once, O(dim²). */
  private static final class Scratch implements Workspace {
    private final int capacity;
    private final double[] matrix;
    /** Unnormalised rows v_i, kept for the weight-normalisation backward pass. */
    private final double[] rows;
    private final double[] gradMatrix;
    private final double[] gradLoc;
    private final double[] norm;

    Scratch(int capacity, int dim) {
      this.capacity = capacity;
      this.matrix = new double[dim * dim];
      this.rows = new double[dim * dim];
      this.gradMatrix = new double[dim * dim];
      this.gradLoc = new double[dim];
      this.norm = new double[dim];
    }

    @Override
    public int capacity() {
      return capacity;
    }
  }
}
