package dev.flowvi.engine.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Named data columns of equal length, with the source they came from (a file, or a generator). */
public final class DataTable {
  private final String source;
  private final Map<String, double[]> columns;
  private final int rows;

  private DataTable(String source, Map<String, double[]> columns, int rows) {
    this.source = source;
    this.columns = columns;
    this.rows = rows;
  }

  /** Columns in the given order; every column must have the same, positive length. */
  public static DataTable of(String source, Map<String, double[]> columns) {
    if (columns == null || columns.isEmpty()) {
      throw new IllegalArgumentException("columns of " + source + " are " + columns + ", expected at least one column");
    }
    Map<String, double[]> copy = new LinkedHashMap<>();
    int rows = -1;
    for (Map.Entry<String, double[]> e : columns.entrySet()) {
      double[] v = e.getValue();
      if (v == null || v.length == 0) {
        throw new IllegalArgumentException("column '" + e.getKey() + "' of " + source + " is empty, expected at least one row");
      }
      if (rows >= 0 && v.length != rows) {
        throw new IllegalArgumentException("column '" + e.getKey() + "' of " + source + " has " + v.length + " rows, expected "
            + rows + " like the columns before it");
      }
      rows = v.length;
      copy.put(e.getKey(), v.clone());
    }
    return new DataTable(source, Collections.unmodifiableMap(copy), rows);
  }

  public String source() {
    return source;
  }

  public int rows() {
    return rows;
  }

  public List<String> names() {
    return new ArrayList<>(columns.keySet());
  }

  public boolean has(String name) {
    return columns.containsKey(name);
  }

  /** A copy of the named column. */
  public double[] column(String name) {
    return columnView(name).clone();
  }

  double[] columnView(String name) {
    double[] v = columns.get(name);
    if (v == null) {
      throw new IllegalArgumentException("unknown column '" + name + "' in " + source + "; its columns are " + columns.keySet());
    }
    return v;
  }

  @Override
  public String toString() {
    return "DataTable(" + source + ", " + rows + " rows, columns " + columns.keySet() + ")";
  }
}
