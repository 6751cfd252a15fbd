package dev.flowvi.engine.distribution;

import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.random.RandomStream;
import java.util.List;

/**
 * A per-dimension stack of independent distributions (FlowJAX issue 213): part k covers the next
 * dim_k coordinates, and the log density is the sum of the parts'. For example
 * {@code StackedDistribution.of(Normal.of(2, 0, 1), Uniform.of(1, 0, 1), StudentT.of(1, 5, 0, 1))}
 * is a 4-dimensional base with a bounded third coordinate.
 *
 * <p>Parameters are the parts' parameters concatenated in order, and layout blocks are named
 * {@code prefix + "part" + k + "." + partName}. In a feature-major batch of n points, part k's
 * coordinates form the contiguous slice starting at (first coordinate)·n, so parts work in place.
 * Sampling draws the parts in order from the one stream.
 */
public final class StackedDistribution extends FactorisedDistribution {
  private final FactorisedDistribution[] parts;
  private final int[] firstCoordinate;
  private final int[] paramOffset;
  private final int parameterCount;

  private StackedDistribution(FactorisedDistribution[] parts, int dim) {
    super(dim);
    this.parts = parts;
    this.firstCoordinate = new int[parts.length];
    this.paramOffset = new int[parts.length];
    int coordinate = 0;
    int p = 0;
    for (int k = 0; k < parts.length; k++) {
      firstCoordinate[k] = coordinate;
      paramOffset[k] = p;
      coordinate += parts[k].dim();
      p += parts[k].parameterCount();
    }
    this.parameterCount = p;
  }

  /** Stacks the parts, in order, along the dimensions. */
  public static StackedDistribution of(FactorisedDistribution... parts) {
    if (parts == null || parts.length == 0) {
      throw new IllegalArgumentException("parts is empty, expected at least one distribution to stack");
    }
    int dim = 0;
    for (int k = 0; k < parts.length; k++) {
      if (parts[k] == null) {
        throw new IllegalArgumentException("parts[" + k + "] is null, expected a distribution");
      }
      dim = Math.addExact(dim, parts[k].dim());
    }
    return new StackedDistribution(parts.clone(), dim);
  }

  public static StackedDistribution of(List<? extends FactorisedDistribution> parts) {
    return of(parts == null ? null : parts.toArray(new FactorisedDistribution[0]));
  }

  public int partCount() {
    return parts.length;
  }

  public FactorisedDistribution part(int k) {
    return parts[k];
  }

  @Override
  public int parameterCount() {
    return parameterCount;
  }

  @Override
  public void describeParameters(ParameterLayout.Builder layout, String prefix) {
    for (int k = 0; k < parts.length; k++) {
      parts[k].describeParameters(layout, prefix + "part" + k + ".");
    }
  }

  @Override
  public void initialise(double[] params, int offset, RandomStream rng) {
    for (int k = 0; k < parts.length; k++) {
      parts[k].initialise(params, offset + paramOffset[k], rng);
    }
  }

  @Override
  void sampleAt(double[] params, int offset, RandomStream rng, double[] x, int xOff, int n) {
    for (int k = 0; k < parts.length; k++) {
      parts[k].sampleAt(params, offset + paramOffset[k], rng, x, xOff + firstCoordinate[k] * n, n);
    }
  }

  @Override
  void addLogProb(double[] params, int offset, double[] x, int xOff, double[] logp, int n) {
    for (int k = 0; k < parts.length; k++) {
      parts[k].addLogProb(params, offset + paramOffset[k], x, xOff + firstCoordinate[k] * n, logp, n);
    }
  }

  @Override
  void logProbBackwardAt(
      double[] params, int offset, double[] x, int xOff, double[] gradLogp, double[] gradX, double[] gradParams, int n) {
    for (int k = 0; k < parts.length; k++) {
      parts[k].logProbBackwardAt(params, offset + paramOffset[k], x, xOff + firstCoordinate[k] * n, gradLogp, gradX, gradParams, n);
    }
  }

  @Override
  void sampleBackwardAt(double[] params, int offset, double[] x, int xOff, double[] gradX, double[] gradParams, int n) {
    for (int k = 0; k < parts.length; k++) {
      parts[k].sampleBackwardAt(params, offset + paramOffset[k], x, xOff + firstCoordinate[k] * n, gradX, gradParams, n);
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("StackedDistribution(");
    for (int k = 0; k < parts.length; k++) {
      sb.append(k == 0 ? "" : ", ").append(parts[k]);
    }
    return sb.append(')').toString();
  }
}
