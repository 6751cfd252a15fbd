package dev.flowvi.cli.fit;

import dev.flowvi.engine.distribution.Distribution;
import dev.flowvi.engine.flow.BaseSpec;
import java.util.Locale;

/**
 * The base distributions a user can name for {@code fit --base}: the standard normal (the default),
 * or a heavier-tailed family with trainable loc and scale starting at 0 and 1 in every coordinate.
 * Named on the command line as {@code normal}, {@code student-t:DF}, {@code laplace}, {@code logistic}
 * or {@code cauchy}. Immutable.
 */
public record BaseChoice(String kind, double df) {
  /** The standard normal, FlowJAX's default base. */
  public static final BaseChoice NORMAL = new BaseChoice("normal", Double.NaN);
  private static final String NAMES = "normal, student-t:DF (DF > 0), laplace, logistic or cauchy";

  public BaseChoice {
    switch (kind) {
      case "normal", "laplace", "logistic", "cauchy" -> df = Double.NaN;
      case "student-t" -> {
        if (!(df > 0) || !Double.isFinite(df)) {
          throw new IllegalArgumentException("base is 'student-t:" + df + "', expected degrees of freedom DF > 0, as in student-t:5");
        }
      }
      default -> throw new IllegalArgumentException("base is '" + kind + "', expected " + NAMES);
    }
  }

  /** The base named {@code name} on the command line. */
  public static BaseChoice parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.startsWith("student-t")) {
      String df = n.substring("student-t".length());
      if (!df.startsWith(":")) {
        throw new IllegalArgumentException("base is '" + name + "', expected student-t:DF with the degrees of freedom, as in student-t:5");
      }
      try {
        return new BaseChoice("student-t", Double.parseDouble(df.substring(1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("base is '" + name + "', expected student-t:DF with a number DF > 0, as in student-t:5");
      }
    }
    return new BaseChoice(n, Double.NaN);
  }

  /** The flow file's recipe of this base on ℝ^dim. */
  public BaseSpec spec(int dim) {
    return switch (kind) {
      case "normal" -> BaseSpec.standardNormal(dim);
      case "student-t" -> BaseSpec.studentT(dim, df, 0.0, 1.0);
      default -> BaseSpec.locationScale(kind, dim, 0.0, 1.0);
    };
  }

  /** This base on ℝ^dim. */
  public Distribution build(int dim) {
    return spec(dim).build();
  }

  /** The command-line name, which {@link #parse} reads back. */
  @Override
  public String toString() {
    return kind.equals("student-t") ? "student-t:" + shortest(df) : kind;
  }

  /** A readable description for reports. */
  public String description() {
    return switch (kind) {
      case "normal" -> "standard normal";
      case "student-t" -> "Student t with " + shortest(df) + " degrees of freedom, trainable loc and scale from 0 and 1";
      default -> kind + ", trainable loc and scale from 0 and 1";
    };
  }

  private static String shortest(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
