package dev.flowvi.cli.report;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes draws as CSV: a header of parameter names, then one draw per line. Values are written
 * with {@link Double#toString}, the shortest text that reads back to the same double.
 */
public final class DrawsCsv {
  private DrawsCsv() {}

  /** Writes n draws of a feature-major batch (parameter j of draw i at [j*n + i]). */
  public static void write(Path file, List<String> names, double[] draws, int n) throws IOException {
    int d = names.size();
    if (draws.length < (long) d * n) {
      throw new IllegalArgumentException("draws has length " + draws.length + ", expected " + d + " parameters × " + n + " draws");
    }
    for (String name : names) {
      if (name.contains(",") || name.contains("\n")) {
        throw new IllegalArgumentException("parameter name '" + name + "' contains a comma or newline, expected a plain CSV column name");
      }
    }
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(String.join(",", names));
      w.write('\n');
      StringBuilder line = new StringBuilder(32 * d);
      for (int i = 0; i < n; i++) {
        line.setLength(0);
        for (int j = 0; j < d; j++) {
          if (j > 0) {
            line.append(',');
          }
          line.append(draws[j * n + i]);
        }
        line.append('\n');
        w.append(line);
      }
    }
  }
}
