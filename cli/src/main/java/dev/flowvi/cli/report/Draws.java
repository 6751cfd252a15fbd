package dev.flowvi.cli.report;

import dev.flowvi.engine.model.CsvData;
import dev.flowvi.engine.model.DataTable;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  /** Every column of a table, in its order. */
  public static Draws of(DataTable table) {
    return of(table, table.names());
  }

  /** The named columns of a table, in the order given (e.g. reference draws of a model's parameters). */
  public static Draws of(DataTable table, List<String> names) {
    int n = table.rows();
    double[] values = new double[names.size() * n];
    for (int j = 0; j < names.size(); j++) {
      System.arraycopy(table.column(names.get(j)), 0, values, j * n, n);
    }
    return new Draws(names, values, n);
  }

  /** The draws as a table of named columns. */
  public DataTable table(String source) {
    Map<String, double[]> columns = new LinkedHashMap<>();
    for (int j = 0; j < names.size(); j++) {
      double[] col = new double[count];
      System.arraycopy(values, j * count, col, 0, count);
      columns.put(names.get(j), col);
    }
    return DataTable.of(source, columns);
  }

  /**
   * Writes the draws as CSV with a header of parameter names, one draw per line, in shortest
   * round-trip form ({@link CsvData#write}).
   */
  public void write(Path file) {
    for (String name : names) {
      if (name.contains(",") || name.contains("\n")) {
        throw new IllegalArgumentException("parameter name '" + name + "' contains a comma or newline, expected a plain CSV column name");
      }
    }
    CsvData.write(table(file.toString()), file);
  }

  public int dim() {
    return names.size();
  }
}
