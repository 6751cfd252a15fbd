package dev.flowvi.engine.io;

import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.flow.FlowSpec;
import dev.flowvi.engine.random.RandomStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fitted flow as {@link FlowFile} stores it: the recipe of its topology, the fitted parameter
 * vector, the names of the D coordinates it draws, the map from those to the model's named
 * parameters, and free-form metadata (provenance, hyperparameters of the fit).
 */
public final class SavedFlow {
  private final FlowSpec spec;
  private final TransformedDistribution distribution;
  private final double[] params;
  private final String[] coordinateNames;
  private final ParameterMap parameterMap;
  private final Map<String, String> metadata;

  private SavedFlow(FlowSpec spec, double[] params, String[] coordinateNames, ParameterMap parameterMap, Map<String, String> metadata) {
    this.spec = spec;
    this.distribution = spec.build();
    if (params == null || params.length != distribution.parameterCount()) {
      throw new IllegalArgumentException("params has length " + (params == null ? "null" : params.length)
          + ", expected " + distribution.parameterCount() + " for a " + spec);
    }
    if (coordinateNames == null || coordinateNames.length != spec.dim()) {
      throw new IllegalArgumentException("coordinateNames has length " + (coordinateNames == null ? "null" : coordinateNames.length)
          + ", expected the flow's dimension " + spec.dim());
    }
    if (parameterMap instanceof ParameterMap.UnitCubeToBox box && box.lo().length != spec.dim()) {
      throw new IllegalArgumentException("the unit-cube map has " + box.lo().length + " boxes, expected " + spec.dim());
    }
    if (parameterMap instanceof ParameterMap.ModelMap model && model.model().dim() != spec.dim()) {
      throw new IllegalArgumentException("the model has " + model.model().dim() + " unconstrained coordinates, expected the flow's dimension " + spec.dim());
    }
    this.params = params.clone();
    this.coordinateNames = coordinateNames.clone();
    this.parameterMap = parameterMap;
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  public static SavedFlow of(FlowSpec spec, double[] params, String[] coordinateNames, ParameterMap parameterMap,
      Map<String, String> metadata) {
    if (spec == null) {
      throw new IllegalArgumentException("spec must not be null");
    }
    if (parameterMap == null) {
      throw new IllegalArgumentException("parameterMap must not be null (expected e.g. new ParameterMap.Identity())");
    }
    return new SavedFlow(spec, params, coordinateNames, parameterMap, metadata == null ? Map.of() : metadata);
  }

  public FlowSpec spec() {
    return spec;
  }

  /** The flow, built from {@link #spec()}; evaluate it at {@link #params()}. */
  public TransformedDistribution distribution() {
    return distribution;
  }

  public double[] params() {
    return params.clone();
  }

  /** Names of the coordinates the flow draws. */
  public String[] coordinateNames() {
    return coordinateNames.clone();
  }

  public ParameterMap parameterMap() {
    return parameterMap;
  }

  /** Names of the model's parameters that {@link #sample} returns. */
  public String[] parameterNames() {
    return parameterMap.names(coordinateNames);
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  /** n draws of the flow's coordinates from a stream fixed by {@code seed}, feature-major. */
  public double[] sampleCoordinates(int n, long seed) {
    if (n <= 0) {
      throw new IllegalArgumentException("n is " + n + ", expected at least 1");
    }
    double[] z = new double[n * spec.dim()];
    distribution.sample(params, 0, RandomStream.of(seed), z, n);
    return z;
  }

  /** n draws of the model's named parameters (feature-major, in the order of {@link #parameterNames()}). */
  public double[] sample(int n, long seed) {
    double[] z = sampleCoordinates(n, seed);
    double[] out = new double[parameterNames().length * n];
    parameterMap.constrain(z, n, spec.dim(), out);
    return out;
  }

  @Override
  public String toString() {
    return spec + ", " + params.length + " parameters, coordinates " + Arrays.toString(coordinateNames);
  }
}
