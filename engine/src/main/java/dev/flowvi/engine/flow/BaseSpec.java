package dev.flowvi.engine.flow;

import dev.flowvi.engine.core.Checks;
import dev.flowvi.engine.distribution.Cauchy;
import dev.flowvi.engine.distribution.Distribution;
import dev.flowvi.engine.distribution.Gumbel;
import dev.flowvi.engine.distribution.Laplace;
import dev.flowvi.engine.distribution.Logistic;
import dev.flowvi.engine.distribution.Normal;
import dev.flowvi.engine.distribution.StandardNormal;
import dev.flowvi.engine.distribution.StudentT;
import dev.flowvi.engine.distribution.Uniform;

/**
 * The base distribution of a {@link FlowSpec}: its kind and the fixed settings it is built from
 * (initial loc/scale of a trainable location-scale family, the t's degrees of freedom, the
 * uniform's bounds). All coordinates share the settings.
 */
public record BaseSpec(String kind, int dim, double a, double b, double c) {
  public static final String STANDARD_NORMAL = "standard_normal";
  public static final String NORMAL = "normal";
  public static final String STUDENT_T = "student_t";
  public static final String UNIFORM = "uniform";
  public static final String LAPLACE = "laplace";
  public static final String LOGISTIC = "logistic";
  public static final String GUMBEL = "gumbel";
  public static final String CAUCHY = "cauchy";
  private static final String KINDS = "standard_normal, normal, student_t, uniform, laplace, logistic, gumbel or cauchy";

  public BaseSpec {
    Checks.positive("dim", dim);
    if (kind == null) {
      throw new IllegalArgumentException("base kind must not be null (expected " + KINDS + ")");
    }
    switch (kind) {
      case STANDARD_NORMAL, NORMAL, STUDENT_T, UNIFORM, LAPLACE, LOGISTIC, GUMBEL, CAUCHY -> { }
      default -> throw new IllegalArgumentException("base kind is '" + kind + "', expected " + KINDS);
    }
  }

  public static BaseSpec standardNormal(int dim) {
    return new BaseSpec(STANDARD_NORMAL, dim, Double.NaN, Double.NaN, Double.NaN);
  }

  /** A trainable Normal base starting at N(loc, scale²) in every coordinate. */
  public static BaseSpec normal(int dim, double loc, double scale) {
    return new BaseSpec(NORMAL, dim, loc, scale, Double.NaN);
  }

  /** A Student t base with fixed df, starting at loc and scale in every coordinate. */
  public static BaseSpec studentT(int dim, double df, double loc, double scale) {
    return new BaseSpec(STUDENT_T, dim, df, loc, scale);
  }

  /**
   * A trainable base of the location-scale {@code kind} ({@link #NORMAL}, {@link #LAPLACE},
   * {@link #LOGISTIC}, {@link #GUMBEL} or {@link #CAUCHY}), starting at loc and scale in every
   * coordinate.
   */
  public static BaseSpec locationScale(String kind, int dim, double loc, double scale) {
    if (!isLocationScale(kind)) {
      throw new IllegalArgumentException("base kind is '" + kind + "', expected a location-scale family: normal, laplace, logistic, gumbel or cauchy");
    }
    return new BaseSpec(kind, dim, loc, scale, Double.NaN);
  }

  private static boolean isLocationScale(String kind) {
    return kind != null && switch (kind) {
      case NORMAL, LAPLACE, LOGISTIC, GUMBEL, CAUCHY -> true;
      default -> false;
    };
  }

  public static BaseSpec uniform(int dim, double lo, double hi) {
    return new BaseSpec(UNIFORM, dim, lo, hi, Double.NaN);
  }

  /** Builds the distribution; the distribution's own factories check the settings. */
  public Distribution build() {
    return switch (kind) {
      case NORMAL -> Normal.of(dim, a, b);
      case STUDENT_T -> StudentT.of(dim, a, b, c);
      case UNIFORM -> Uniform.of(dim, a, b);
      case LAPLACE -> Laplace.of(dim, a, b);
      case LOGISTIC -> Logistic.of(dim, a, b);
      case GUMBEL -> Gumbel.of(dim, a, b);
      case CAUCHY -> Cauchy.of(dim, a, b);
      default -> StandardNormal.of(dim);
    };
  }

  /** Names of the settings a, b, c of this kind, in order. */
  public String[] settingNames() {
    if (isLocationScale(kind)) {
      return new String[] {"loc", "scale"};
    }
    return switch (kind) {
      case STUDENT_T -> new String[] {"df", "loc", "scale"};
      case UNIFORM -> new String[] {"lo", "hi"};
      default -> new String[0];
    };
  }

  /** The setting values in the order of {@link #settingNames()}. */
  public double[] settings() {
    double[] all = {a, b, c};
    return java.util.Arrays.copyOf(all, settingNames().length);
  }

  /** A base of {@code kind} from its settings in the order of {@link #settingNames()}. */
  public static BaseSpec of(String kind, int dim, double[] settings) {
    BaseSpec probe = new BaseSpec(kind, dim, Double.NaN, Double.NaN, Double.NaN);
    int k = probe.settingNames().length;
    if (settings.length != k) {
      throw new IllegalArgumentException("base " + kind + " has " + settings.length + " settings, expected " + k);
    }
    double[] s = java.util.Arrays.copyOf(settings, 3);
    for (int i = k; i < 3; i++) {
      s[i] = Double.NaN;
    }
    return new BaseSpec(kind, dim, s[0], s[1], s[2]);
  }
}
