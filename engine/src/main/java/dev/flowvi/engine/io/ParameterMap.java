package dev.flowvi.engine.io;

import dev.flowvi.engine.examples.SeedModels;
import dev.flowvi.engine.model.Model;
import dev.flowvi.engine.model.ModelFile;
import java.util.Arrays;

/**
 * How a saved flow's draws (its D coordinates) become the fitted model's named parameters, stored
 * in the flow file so that sampling needs no model file: the identity, the seed's unit-cube map
 * θ_j = lo_j + (hi_j − lo_j)·z_j, or a model's own constraining transform, from the model text
 * kept in the file (re-parsed with {@link ModelFile#parse}) or from a model that ships with FlowVI
 * ({@link SeedModels}).
 */
public sealed interface ParameterMap {
  /** Names of the parameters, in output order, for coordinates named {@code coordinateNames}. */
  String[] names(String[] coordinateNames);

  /** Writes the parameters of n draws: z is dim·n, out is names(..).length·n, both feature-major. */
  void constrain(double[] z, int n, int dim, double[] out);

  /** Draws are the parameters. */
  record Identity() implements ParameterMap {
    @Override
    public String[] names(String[] coordinateNames) {
      return coordinateNames.clone();
    }

    @Override
    public void constrain(double[] z, int n, int dim, double[] out) {
      System.arraycopy(z, 0, out, 0, dim * n);
    }
  }

  /** θ_j = lo_j + (hi_j − lo_j)·z_j: the seed's M1 parameterisation on the unit cube (EXAMPLES.md). */
  record UnitCubeToBox(double[] lo, double[] hi) implements ParameterMap {
    public UnitCubeToBox {
      if (lo == null || hi == null || lo.length != hi.length || lo.length == 0) {
        throw new IllegalArgumentException("box bounds lo " + Arrays.toString(lo) + " and hi " + Arrays.toString(hi)
            + " must be non-empty and of equal length");
      }
      for (int j = 0; j < lo.length; j++) {
        if (!(lo[j] < hi[j])) {
          throw new IllegalArgumentException("box " + j + " is [" + lo[j] + ", " + hi[j] + "], expected lo < hi");
        }
      }
      lo = lo.clone();
      hi = hi.clone();
    }

    @Override
    public double[] lo() {
      return lo.clone();
    }

    @Override
    public double[] hi() {
      return hi.clone();
    }

    @Override
    public String[] names(String[] coordinateNames) {
      return coordinateNames.clone();
    }

    @Override
    public void constrain(double[] z, int n, int dim, double[] out) {
      for (int j = 0; j < dim; j++) {
        double width = hi[j] - lo[j];
        for (int i = 0; i < n; i++) {
          out[j * n + i] = lo[j] + width * z[j * n + i];
        }
      }
    }
  }

  /** A model's constraining transform; {@code builtin} names a {@link SeedModels} model, else {@code text} is the model file. */
  record ModelMap(String builtin, String text) implements ParameterMap {
    public ModelMap {
      if ((builtin == null) == (text == null)) {
        throw new IllegalArgumentException("give exactly one of builtin (" + builtin + ") and model text");
      }
      model(builtin, text); // parse now, so that a map that exists can be used
    }

    /** The model file's text, kept verbatim. */
    public static ModelMap ofText(String text) {
      return new ModelMap(null, text);
    }

    /** A model that ships with FlowVI: m1 or m2 ({@link SeedModels}). */
    public static ModelMap builtin(String name) {
      return new ModelMap(name, null);
    }

    public Model model() {
      return model(builtin, text);
    }

    private static Model model(String builtin, String text) {
      if (builtin == null) {
        return ModelFile.parse(text, "the model text stored in the flow file");
      }
      return switch (builtin) {
        case "m1" -> SeedModels.m1();
        case "m2" -> SeedModels.m2();
        default -> throw new IllegalArgumentException("builtin model is '" + builtin + "', expected m1 or m2");
      };
    }

    @Override
    public String[] names(String[] coordinateNames) {
      return model().parameterNames();
    }

    @Override
    public void constrain(double[] z, int n, int dim, double[] out) {
      Model model = model();
      if (model.dim() != dim) {
        throw new IllegalArgumentException("the stored model has " + model.dim() + " unconstrained coordinates, the flow " + dim);
      }
      double[] u = new double[dim];
      double[] x = new double[model.constrainedDim()];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < dim; j++) {
          u[j] = z[j * n + i];
        }
        model.constrain(u, x);
        for (int j = 0; j < x.length; j++) {
          out[j * n + i] = x[j];
        }
      }
    }
  }
}
