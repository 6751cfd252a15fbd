package dev.flowvi.engine.model;

import java.util.List;

/**
 * A declared model parameter: one or more named elements under one constraint. Elementwise
 * constraints (real, positive, interval) act on each element; simplex and ordered act on the whole
 * vector. Obtain one from {@link ModelBuilder}.
 */
public final class Parameter {
  private final ModelBuilder owner;
  private final List<String> names;
  private final Constraint constraint;
  private final int offset;
  private final int freeOffset;
  private final Expr[] elements;

  Parameter(ModelBuilder owner, List<String> names, Constraint constraint, int offset, int freeOffset) {
    this.owner = owner;
    this.names = List.copyOf(names);
    this.constraint = constraint;
    this.offset = offset;
    this.freeOffset = freeOffset;
    this.elements = new Expr[names.size()];
    for (int k = 0; k < elements.length; k++) {
      elements[k] = Expr.parameter(owner, offset + k, names.get(k));
    }
  }

  /** Element names, e.g. a[1], a[2], … or the names given at declaration. */
  public List<String> names() {
    return names;
  }

  public int size() {
    return elements.length;
  }

  public Constraint constraint() {
    return constraint;
  }

  /** Position of the first element in the constrained parameter vector. */
  public int offset() {
    return offset;
  }

  /** Position of the first free coordinate in the unconstrained vector. */
  public int freeOffset() {
    return freeOffset;
  }

  public int freeSize() {
    return constraint.freeSize(elements.length);
  }

  /** The value of a scalar parameter. */
  public Expr value() {
    if (elements.length != 1) {
      throw new IllegalArgumentException("parameter " + names + " has " + elements.length + " elements; use get(k)");
    }
    return elements[0];
  }

  /** Element k (0-based; its name carries the 1-based index). */
  public Expr get(int k) {
    if (k < 0 || k >= elements.length) {
      throw new IllegalArgumentException("element index is " + k + ", expected 0.." + (elements.length - 1) + " for parameter " + names);
    }
    return elements[k];
  }

  Expr[] elements() {
    return elements.clone();
  }

  /**
   * Gives this parameter a prior: a univariate density applies to each element independently; a
   * Dirichlet applies to the whole vector.
   */
  public Parameter prior(Density density) {
    owner.prior(this, density);
    return this;
  }

  @Override
  public String toString() {
    return (names.size() == 1 ? names.get(0) : names.toString()) + " : " + constraint;
  }
}
