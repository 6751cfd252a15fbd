package dev.flowvi.engine.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Declares a model: parameters with constraints and priors, data columns, and log-density terms
 * built from {@link Expr} nodes and {@link Density} families. {@link #build()} freezes it into a
 * {@link Model}; binding data to that gives a batched {@link dev.flowvi.engine.target.LogDensity}.
 *
 * <pre>{@code
 * ModelBuilder b = ModelBuilder.create();
 * Expr x = b.data("x"), y = b.data("y");
 * Parameter slope = b.parameter("slope", Constraint.real()).prior(Density.normal(Expr.of(0), Expr.of(10)));
 * b.observe(y, Density.normal(slope.value().times(x), Expr.of(1)));
 * Model model = b.build();
 * }</pre>
 */
public final class ModelBuilder {
  private final Map<String, Expr> data = new LinkedHashMap<>();
  private final List<Parameter> parameters = new ArrayList<>();
  private final Map<Parameter, Density> priors = new LinkedHashMap<>();
  private final List<Expr> terms = new ArrayList<>();
  private final Map<String, Object> names = new LinkedHashMap<>();
  private int constrainedSize;
  private int freeSize;

  private ModelBuilder() {}

  public static ModelBuilder create() {
    return new ModelBuilder();
  }

  /** A data column, bound by name when data are bound. */
  public Expr data(String column) {
    Expr existing = data.get(column);
    if (existing != null) {
      return existing;
    }
    claim(column, "data column");
    Expr e = Expr.data(this, column);
    data.put(column, e);
    return e;
  }

  /** A scalar parameter. */
  public Parameter parameter(String name, Constraint constraint) {
    return parameter(List.of(name), constraint);
  }

  /** A vector parameter of {@code size} elements named name[1] … name[size]. */
  public Parameter parameter(String name, int size, Constraint constraint) {
    if (size < 1) {
      throw new IllegalArgumentException("size of parameter " + name + " is " + size + ", expected at least 1");
    }
    List<String> elementNames = new ArrayList<>();
    for (int k = 1; k <= size; k++) {
      elementNames.add(name + "[" + k + "]");
    }
    checkName(name);
    return declare(elementNames, constraint);
  }

  /** A vector parameter whose elements carry the given names, e.g. a simplex (w1, w2, w3, w_b). */
  public Parameter parameter(List<String> elementNames, Constraint constraint) {
    if (elementNames == null || elementNames.isEmpty()) {
      throw new IllegalArgumentException("parameter element names are " + elementNames + ", expected at least one name");
    }
    for (String n : elementNames) {
      checkName(n);
    }
    return declare(elementNames, constraint);
  }

  private Parameter declare(List<String> elementNames, Constraint constraint) {
    if (constraint == null) {
      throw new IllegalArgumentException("constraint of parameter " + elementNames + " is null, expected e.g. Constraint.real()");
    }
    if (elementNames.size() < constraint.minimumSize()) {
      throw new IllegalArgumentException("parameter " + elementNames + " has " + elementNames.size() + " elements, but a "
          + constraint + " constraint needs at least " + constraint.minimumSize());
    }
    for (String n : elementNames) {
      claim(n, "parameter");
    }
    Parameter p = new Parameter(this, elementNames, constraint, constrainedSize, freeSize);
    constrainedSize += p.size();
    freeSize += p.freeSize();
    parameters.add(p);
    return p;
  }

  private static void checkName(String name) {
    if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("name is '" + name + "', expected a letter or _ followed by letters, digits or _");
    }
  }

  private void claim(String name, String kind) {
    Object previous = names.putIfAbsent(name, kind);
    if (previous != null) {
      throw new IllegalArgumentException("name '" + name + "' is declared twice (already a " + previous + ")");
    }
  }

  void prior(Parameter p, Density density) {
    if (!parameters.contains(p)) {
      throw new IllegalArgumentException("parameter " + p + " belongs to another model");
    }
    if (density == null) {
      throw new IllegalArgumentException("prior of " + p + " is null, expected a Density");
    }
    if (priors.containsKey(p)) {
      throw new IllegalArgumentException("parameter " + p + " already has the prior " + priors.get(p) + "; got a second one, " + density);
    }
    if (density.dimension() != 1 && density.dimension() != p.size()) {
      throw new IllegalArgumentException("prior " + density + " is over " + density.dimension() + " elements, but parameter "
          + p + " has " + p.size());
    }
    Expr[] elements = p.elements();
    Expr lp = density.dimension() == 1 ? null : density.logDensity(elements);
    if (lp == null) {
      for (Expr e : elements) {
        lp = lp == null ? density.logDensity(e) : lp.plus(density.logDensity(e));
      }
    }
    if (lp.rowwise) {
      throw new IllegalArgumentException("prior " + density + " of " + p + " depends on data, expected arguments from constants and parameters");
    }
    checkOwnership(lp, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
    priors.put(p, density);
    terms.add(lp);
  }

  /** Adds a scalar term to the log density (use {@link Expr#sum} for row-wise terms). */
  public ModelBuilder add(Expr term) {
    if (term == null) {
      throw new IllegalArgumentException("term is null, expected an expression");
    }
    if (term.rowwise) {
      throw new IllegalArgumentException("term " + term + " has one value per data row; wrap it in Expr.sum(...) to add it over rows");
    }
    checkOwnership(term, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
    terms.add(term);
    return this;
  }

  /** Every parameter and data leaf of a term must come from this builder. */
  private void checkOwnership(Expr e, java.util.Set<Expr> seen) {
    if (!seen.add(e)) {
      return;
    }
    if ((e.op == Op.PARAMETER || e.op == Op.DATA) && e.owner != this) {
      throw new IllegalArgumentException((e.op == Op.PARAMETER ? "parameter " : "data column ") + e.name
          + " was declared by another ModelBuilder; use the leaves of this model only");
    }
    for (Expr a : e.args) {
      checkOwnership(a, seen);
    }
  }

  /** Adds log p(y | density), summed over rows when y or the density's arguments are row-wise. */
  public ModelBuilder observe(Expr y, Density density) {
    Expr lp = density.logDensity(y);
    return add(lp.rowwise ? Expr.sum(lp) : lp);
  }

  public Model build() {
    if (parameters.isEmpty()) {
      throw new IllegalArgumentException("the model declares no parameters, expected at least one");
    }
    List<String> warnings = new ArrayList<>();
    for (Parameter p : parameters) {
      if (!priors.containsKey(p)) {
        warnings.add(p.constraint().bounded()
            ? "parameter " + String.join(", ", p.names()) + " has no prior: it gets a flat prior on its bounded support (" + p.constraint() + ")"
            : "parameter " + String.join(", ", p.names()) + " has no prior: its prior is improper and flat on its " + p.constraint()
                + " support, so the posterior may be improper");
      }
    }
    for (Map.Entry<Parameter, Density> e : priors.entrySet()) {
      String w = supportWarning(e.getKey(), e.getValue());
      if (w != null) {
        warnings.add(w);
      }
    }
    return new Model(parameters, new ArrayList<>(data.keySet()), terms, warnings, constrainedSize, freeSize);
  }

  /**
   * A warning when {@code prior} is −∞ on part of the values the parameter's constraint allows,
   * with the declaration that fits: such draws have no posterior density, so a fit drops them,
   * and a mode search or training that finds no finite point fails.
   */
  private static String supportWarning(Parameter p, Density prior) {
    String names = String.join(", ", p.names());
    if (prior.family() == Density.Family.DIRICHLET) {
      return p.constraint() == Constraint.simplex() ? null
          : "parameter " + names + " is declared " + p.constraint() + " but its prior " + prior + " is a density on the simplex: declare it simplex";
    }
    double[] range = prior.supportRange();
    if (range == null || p.constraint().within(range[0], range[1])) {
      return null;
    }
    String fits = range[0] == 0 && range[1] == Double.POSITIVE_INFINITY ? "positive"
        : "interval(" + range[0] + ", " + range[1] + ")";
    String where = range[1] == Double.POSITIVE_INFINITY ? "below " + range[0] : "outside [" + range[0] + ", " + range[1] + "]";
    return "parameter " + names + " is declared " + p.constraint() + " but its prior " + prior + " is -infinity " + where
        + ": draws there have no posterior density, so a fit drops them or fails; declare it " + fits;
  }
}
