package dev.flowvi.engine.model;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes numeric CSV data: a header line of column names, then one line of finite
 * numbers per row, separated by commas. Blank lines and lines starting with '#' are skipped.
 * Problems are reported with the file, the line and the column.
 */
public final class CsvData {
  private CsvData() {}

  /** Every column of the file. */
  public static DataTable read(Path file) {
    return read(file, null);
  }

  /** Only the named columns, in the given order; an unknown name is an error. */
  public static DataTable read(Path file, List<String> wanted) {
    List<String> lines;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      lines = new ArrayList<>();
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lines.add(line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read data file " + file + ": " + e.getMessage(), e);
    }
    int headerLine = 0;
    while (headerLine < lines.size() && skip(lines.get(headerLine))) {
      headerLine++;
    }
    if (headerLine == lines.size()) {
      throw new IllegalArgumentException(file + ": no header line, expected column names separated by commas");
    }
    String[] header = split(lines.get(headerLine));
    Map<String, Integer> index = new LinkedHashMap<>();
    for (int c = 0; c < header.length; c++) {
      String name = header[c];
      if (name.isEmpty()) {
        throw new IllegalArgumentException(file + ":" + (headerLine + 1) + ": column " + (c + 1) + " has an empty name");
      }
      if (index.put(name, c) != null) {
        throw new IllegalArgumentException(file + ":" + (headerLine + 1) + ": column name '" + name + "' appears twice");
      }
    }
    List<String> names = wanted == null ? List.of(header) : wanted;
    for (String n : names) {
      if (!index.containsKey(n)) {
        throw new IllegalArgumentException(file + ":" + (headerLine + 1) + ": unknown column '" + n + "'; the header has " + index.keySet());
      }
    }
    List<double[]> rows = new ArrayList<>();
    for (int l = headerLine + 1; l < lines.size(); l++) {
      String line = lines.get(l);
      if (skip(line)) {
        continue;
      }
      String[] cells = split(line);
      if (cells.length != header.length) {
        throw new IllegalArgumentException(file + ":" + (l + 1) + ": " + cells.length + " cells, expected " + header.length + " (one per column of the header)");
      }
      double[] row = new double[names.size()];
      for (int k = 0; k < names.size(); k++) {
        int c = index.get(names.get(k));
        row[k] = parse(cells[c], file, l + 1, names.get(k), c + 1);
      }
      rows.add(row);
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(file + ": no data rows after the header, expected at least one");
    }
    Map<String, double[]> columns = new LinkedHashMap<>();
    for (int k = 0; k < names.size(); k++) {
      double[] col = new double[rows.size()];
      for (int i = 0; i < col.length; i++) {
        col[i] = rows.get(i)[k];
      }
      columns.put(names.get(k), col);
    }
    return DataTable.of(file.toString(), columns);
  }

  private static double parse(String cell, Path file, int line, String column, int position) {
    String where = file + ":" + line + ": column '" + column + "' (" + position + ")";
    if (cell.isEmpty()) {
      throw new IllegalArgumentException(where + ": missing value, expected a number");
    }
    double v;
    try {
      v = Double.parseDouble(cell);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(where + ": '" + cell + "' is not a number");
    }
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(where + ": '" + cell + "' is not finite, expected a finite number");
    }
    return v;
  }

  private static boolean skip(String line) {
    String t = line.trim();
    return t.isEmpty() || t.startsWith("#");
  }

  private static String[] split(String line) {
    String[] cells = line.split(",", -1);
    for (int k = 0; k < cells.length; k++) {
      cells[k] = cells[k].trim();
    }
    return cells;
  }

  /** Writes the table with a header line; values in shortest round-trip form. */
  public static void write(DataTable table, Path file) {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      List<String> names = table.names();
      w.write(String.join(",", names));
      w.newLine();
      double[][] cols = new double[names.size()][];
      for (int k = 0; k < cols.length; k++) {
        cols[k] = table.columnView(names.get(k));
      }
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < table.rows(); i++) {
        sb.setLength(0);
        for (int k = 0; k < cols.length; k++) {
          sb.append(k == 0 ? "" : ",").append(cols[k][i]);
        }
        w.write(sb.toString());
        w.newLine();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write data file " + file + ": " + e.getMessage(), e);
    }
  }
}
