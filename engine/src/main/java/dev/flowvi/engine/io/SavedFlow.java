package dev.flowvi.engine.io;

import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.flow.FlowSpec;
import dev.flowvi.engine.model.Model;
import dev.flowvi.engine.random.RandomStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fitted flow: its spec, the distribution it builds, the fitted parameters, the names of the
 * coordinates it draws (ℝ^D, the model's unconstrained coordinates), the constraint of each, and
 * free-form metadata (provenance, hyperparameters).
 */
public final class SavedFlow {
  private final FlowSpec spec;
  private final TransformedDistribution distribution;
  private final double[] params;
  private final String[] names;
  private final String[] constraints;
  private final Map<String, String> metadata;

  private SavedFlow(FlowSpec spec, double[] params, String[] names, String[] constraints, Map<String, String> metadata) {
    this.spec = spec;
    this.distribution = spec.build();
    if (params == null || params.length != distribution.parameterCount()) {
      throw new IllegalArgumentException("params has length " + (params == null ? "null" : params.length)
          + ", expected " + distribution.parameterCount() + " for " + spec);
    }
    if (names == null || names.length != spec.dim()) {
      throw new IllegalArgumentException("names has length " + (names == null ? "null" : names.length) + ", expected dim " + spec.dim());
    }
    if (constraints == null || constraints.length != names.length) {
      throw new IllegalArgumentException("constraints has length " + (constraints == null ? "null" : constraints.length)
          + ", expected " + names.length + " (one per coordinate)");
    }
    this.params = params.clone();
    this.names = names.clone();
    this.constraints = constraints.clone();
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /**
   * A fitted flow; {@code names} label the D coordinates, {@code constraints} describe each
   * coordinate's support before the model's constraining map ("real" if unconstrained).
   */
  public static SavedFlow of(FlowSpec spec, double[] params, String[] names, String[] constraints, Map<String, String> metadata) {
    if (spec == null) {
      throw new IllegalArgumentException("spec must not be null");
    }
    return new SavedFlow(spec, params, names, constraints, metadata == null ? Map.of() : metadata);
  }

  /** A fitted flow over the unconstrained coordinates of {@code model}, with its names and constraints. */
  public static SavedFlow of(FlowSpec spec, double[] params, Model model, Map<String, String> metadata) {
    String[] names = model.coordinateNames();
    String[] constraints = new String[names.length];
    int k = 0;
    for (var p : model.parameters()) {
      for (int i = 0; i < p.freeSize(); i++) {
        constraints[k++] = p.constraint().toString();
      }
    }
    return of(spec, params, names, constraints, metadata);
  }

  public FlowSpec spec() {
    return spec;
  }

  public TransformedDistribution distribution() {
    return distribution;
  }

  public double[] params() {
    return params.clone();
  }

  public String[] names() {
    return names.clone();
  }

  public String[] constraints() {
    return constraints.clone();
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  /** n draws of the flow from {@code seed}, feature-major, labelled by {@link #names()}. */
  public Draws sample(int n, long seed) {
    if (n <= 0) {
      throw new IllegalArgumentException("n is " + n + ", expected at least 1");
    }
    double[] x = new double[n * names.length];
    distribution.sample(params, 0, RandomStream.of(seed), x, n);
    return new Draws(names.clone(), x, n);
  }

  /**
   * n draws mapped through {@code model}'s constraining transform to its named constrained
   * parameters; the model's coordinate names must match the stored ones.
   */
  public Draws sample(int n, long seed, Model model) {
    if (!Arrays.equals(model.coordinateNames(), names)) {
      throw new IllegalArgumentException("model coordinates " + Arrays.toString(model.coordinateNames())
          + " do not match the saved flow's " + Arrays.toString(names) + ": pass the model the flow was fitted to");
    }
    Draws free = sample(n, seed);
    int d = model.dim();
    int m = model.constrainedDim();
    double[] u = new double[d];
    double[] xi = new double[m];
    double[] out = new double[n * m];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        u[j] = free.values()[j * n + i];
      }
      model.constrain(u, xi);
      for (int j = 0; j < m; j++) {
        out[j * n + i] = xi[j];
      }
    }
    return new Draws(model.parameterNames(), out, n);
  }

  /** Named draws: column j of point i at values[j * n + i]. */
  public record Draws(String[] names, double[] values, int n) {
    /** The draws of coordinate {@code name}. */
    public double[] column(String name) {
      for (int j = 0; j < names.length; j++) {
        if (names[j].equals(name)) {
          return Arrays.copyOfRange(values, j * n, (j + 1) * n);
        }
      }
      throw new IllegalArgumentException("no coordinate named '" + name + "', expected one of " + Arrays.toString(names));
    }
  }
}
