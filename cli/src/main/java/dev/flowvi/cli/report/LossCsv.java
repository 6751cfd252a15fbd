package dev.flowvi.cli.report;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes {@code loss.csv}: the training loss of every step, header {@value #HEADER}, steps
 * numbered from 1. A skipped step's loss is written as {@code NaN}, which pandas, R and
 * spreadsheets read as missing.
 */
public final class LossCsv {
  public static final String HEADER = "step,loss";

  private LossCsv() {}

  public static void write(Path file, double[] losses) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(HEADER);
      w.write('\n');
      for (int i = 0; i < losses.length; i++) {
        w.write((i + 1) + "," + losses[i] + "\n");
      }
    }
  }
}
