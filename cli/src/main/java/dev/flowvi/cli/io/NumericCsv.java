package dev.flowvi.cli.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CSV file of named numeric columns: one header line, then one row of finite numbers per line.
 *
 * <p>Blank lines are skipped and cells are trimmed. Quoting is not supported because every cell
 * must be a number. Any problem throws an {@link IllegalArgumentException} naming the file, the
 * line and the column, so a user can fix the file without a debugger.
 */
public final class NumericCsv {
  private final Path file;
  private final List<String> names;
  private final double[][] columns;

  private NumericCsv(Path file, List<String> names, double[][] columns) {
    this.file = file;
    this.names = List.copyOf(names);
    this.columns = columns;
  }

  /** Reads the whole file. */
  public static NumericCsv read(Path file) {
    if (!Files.exists(file)) {
      throw new IllegalArgumentException("file " + file + " does not exist");
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException("file " + file + " is not a readable file");
    }
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(file, in);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("file " + file + " does not exist", e);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalArgumentException("file " + file + " is not UTF-8 text, expected a CSV file", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("file " + file + " could not be read: " + e.getMessage(), e);
    }
  }

  private static NumericCsv parse(Path file, BufferedReader in) throws IOException {
    String line;
    int lineNo = 0;
    String[] header = null;
    while ((line = in.readLine()) != null) {
      lineNo++;
      if (!line.isBlank()) {
        header = split(line);
        break;
      }
    }
    if (header == null) {
      throw new IllegalArgumentException(file + " is empty, expected a header line of column names");
    }
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (int j = 0; j < header.length; j++) {
      String name = header[j];
      if (name.isEmpty()) {
        throw new IllegalArgumentException(file + " line " + lineNo + ": column " + (j + 1) + " has an empty name");
      }
      if (seen.put(name, j) != null) {
        throw new IllegalArgumentException(file + " line " + lineNo + ": column name '" + name + "' appears twice");
      }
    }
    int d = header.length;
    double[][] cols = new double[d][64];
    int rows = 0;
    while ((line = in.readLine()) != null) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      String[] cells = split(line);
      if (cells.length != d) {
        throw new IllegalArgumentException(
            file + " line " + lineNo + ": has " + cells.length + " cells, expected " + d + " (" + String.join(",", header) + ")");
      }
      if (rows == cols[0].length) {
        for (int j = 0; j < d; j++) {
          cols[j] = Arrays.copyOf(cols[j], rows * 2);
        }
      }
      for (int j = 0; j < d; j++) {
        cols[j][rows] = number(file, lineNo, header[j], cells[j]);
      }
      rows++;
    }
    if (rows == 0) {
      throw new IllegalArgumentException(file + " has a header but no data rows");
    }
    for (int j = 0; j < d; j++) {
      cols[j] = Arrays.copyOf(cols[j], rows);
    }
    return new NumericCsv(file, Arrays.asList(header), cols);
  }

  private static String[] split(String line) {
    String[] cells = line.split(",", -1);
    for (int j = 0; j < cells.length; j++) {
      cells[j] = cells[j].trim();
    }
    return cells;
  }

  private static double number(Path file, int lineNo, String column, String cell) {
    if (cell.isEmpty()) {
      throw new IllegalArgumentException(file + " line " + lineNo + ", column '" + column + "': missing value");
    }
    double v;
    try {
      v = Double.parseDouble(cell);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(file + " line " + lineNo + ", column '" + column + "': '" + cell + "' is not a number");
    }
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(file + " line " + lineNo + ", column '" + column + "': " + cell + " is not a finite number");
    }
    return v;
  }

  public Path file() {
    return file;
  }

  public List<String> names() {
    return names;
  }

  public int rows() {
    return columns.length == 0 ? 0 : columns[0].length;
  }

  public boolean has(String name) {
    return names.contains(name);
  }

  /** A copy of the named column. */
  public double[] column(String name) {
    int j = names.indexOf(name);
    if (j < 0) {
      throw new IllegalArgumentException(file + " has no column '" + name + "', its columns are " + String.join(",", names));
    }
    return columns[j].clone();
  }

  /** The named columns as one feature-major batch: column j of row i at [j*rows + i]. */
  public double[] featureMajor(List<String> wanted) {
    int n = rows();
    double[] out = new double[wanted.size() * n];
    for (int j = 0; j < wanted.size(); j++) {
      System.arraycopy(column(wanted.get(j)), 0, out, j * n, n);
    }
    return out;
  }

  /** All columns, in file order, as one feature-major batch. */
  public double[] featureMajor() {
    return featureMajor(names);
  }

  /** Checks that every required column is present, naming the first one missing. */
  public NumericCsv require(List<String> required) {
    List<String> missing = new ArrayList<>();
    for (String r : required) {
      if (!has(r)) {
        missing.add(r);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          file + " lacks column" + (missing.size() > 1 ? "s " : " ") + String.join(",", missing)
              + ", expected columns " + String.join(",", required) + " (found " + String.join(",", names) + ")");
    }
    return this;
  }
}
