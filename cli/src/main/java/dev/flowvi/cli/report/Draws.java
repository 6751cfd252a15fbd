package dev.flowvi.cli.report;

import dev.flowvi.cli.io.NumericCsv;
import java.util.List;

/**
 * Named posterior draws: parameter j of draw i at {@code values[j*count + i]} (feature-major).
 */
public record Draws(List<String> names, double[] values, int count) {

  public Draws {
    names = List.copyOf(names);
    if (count < 1 || values.length != (long) names.size() * count) {
      throw new IllegalArgumentException("draws have " + values.length + " values, expected "
          + names.size() + " parameters × count (count = " + count + " ≥ 1)");
    }
  }

  /** The draws of a CSV file with one column per parameter. */
  public static Draws of(NumericCsv csv) {
    return new Draws(csv.names(), csv.featureMajor(), csv.rows());
  }

  /** The columns of {@code csv} named like these draws' parameters, in the same order. */
  public Draws matching(NumericCsv csv) {
    csv.require(names);
    return new Draws(names, csv.featureMajor(names), csv.rows());
  }

  public int dim() {
    return names.size();
  }
}
