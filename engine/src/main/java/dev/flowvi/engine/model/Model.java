package dev.flowvi.engine.model;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * A declared model, immutable: its parameters with their constraints, the data columns it reads,
 * and the terms of its log density (priors and likelihood). {@link #bind(DataTable)} attaches
 * data and gives the batched log density on the unconstrained space.
 */
public final class Model {
  private static final Logger LOG = Logger.getLogger(Model.class.getName());

  private final List<Parameter> parameters;
  private final List<String> dataColumns;
  private final List<Expr> terms;
  private final List<String> warnings;
  private final int constrainedSize;
  private final int freeSize;

  Model(List<Parameter> parameters, List<String> dataColumns, List<Expr> terms, List<String> warnings, int constrainedSize, int freeSize) {
    this.parameters = List.copyOf(parameters);
    this.dataColumns = List.copyOf(dataColumns);
    this.terms = List.copyOf(terms);
    this.warnings = List.copyOf(warnings);
    this.constrainedSize = constrainedSize;
    this.freeSize = freeSize;
    for (String w : warnings) {
      LOG.warning(w);
    }
  }

  public List<Parameter> parameters() {
    return parameters;
  }

  /** The data columns the model reads, in declaration order. */
  public List<String> dataColumns() {
    return dataColumns;
  }

  /** Warnings found when the model was built (e.g. improper flat priors), also logged. */
  public List<String> warnings() {
    return warnings;
  }

  /** Number of unconstrained coordinates: the dimension the flow lives in. */
  public int dim() {
    return freeSize;
  }

  /** Number of constrained values (a K-simplex has K values from K − 1 coordinates). */
  public int constrainedDim() {
    return constrainedSize;
  }

  List<Expr> terms() {
    return terms;
  }

  /** Names of the constrained values, e.g. m1, a[1], a[2], w1 … in declaration order. */
  public String[] parameterNames() {
    List<String> names = new ArrayList<>();
    for (Parameter p : parameters) {
      names.addAll(p.names());
    }
    return names.toArray(new String[0]);
  }

  /**
   * Names of the unconstrained coordinates: an elementwise-constrained element keeps its name; the
   * free coordinates of a simplex or ordered vector are named after it, e.g. {@code w1..w_b:free[2]}.
   */
  public String[] coordinateNames() {
    List<String> names = new ArrayList<>();
    for (Parameter p : parameters) {
      if (p.freeSize() == p.size() && p.constraint() != Constraint.ordered()) {
        names.addAll(p.names());
      } else {
        String group = p.names().get(0) + ".." + p.names().get(p.size() - 1);
        for (int k = 1; k <= p.freeSize(); k++) {
          names.add(group + ":free[" + k + "]");
        }
      }
    }
    return names.toArray(new String[0]);
  }

  /**
   * Maps one unconstrained point u (length {@link #dim()}) to constrained values x (length {@link
   * #constrainedDim()}); returns the log-Jacobian.
   */
  public double constrain(double[] u, double[] x) {
    if (u == null || u.length != freeSize) {
      throw new IllegalArgumentException("u has length " + (u == null ? "null" : u.length) + ", expected " + freeSize);
    }
    if (x == null || x.length != constrainedSize) {
      throw new IllegalArgumentException("x has length " + (x == null ? "null" : x.length) + ", expected " + constrainedSize);
    }
    double logJ = 0;
    for (Parameter p : parameters) {
      logJ += p.constraint().constrain(u, p.freeOffset(), x, p.offset(), p.size());
    }
    return logJ;
  }

  /** The inverse of {@link #constrain}: free coordinates of a point inside the support. */
  public double[] unconstrain(double[] x) {
    if (x == null || x.length != constrainedSize) {
      throw new IllegalArgumentException("x has length " + (x == null ? "null" : x.length) + ", expected " + constrainedSize);
    }
    double[] u = new double[freeSize];
    for (Parameter p : parameters) {
      p.constraint().unconstrain(x, p.offset(), u, p.freeOffset(), p.size());
    }
    return u;
  }

  /** Compiles the log density of a model that reads no data. */
  public ModelLogDensity bind() {
    return bind(null);
  }

  /** Binds data columns by name and compiles the log density with the default kernels. */
  public ModelLogDensity bind(DataTable data) {
    return new ModelLogDensity(this, new CompiledGraph(this, data), ModelLogDensity.defaultKernels());
  }
}
