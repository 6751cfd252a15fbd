package dev.flowvi.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.examples.M1Data;
import dev.flowvi.engine.examples.M2Data;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDataTest {
  @TempDir
  Path dir;

  @Test
  void generatedDataRoundTripsThroughCsvByColumnName() {
    DataTable m1 = M1Data.generate(31);
    Path f1 = dir.resolve("m1.csv");
    CsvData.write(m1, f1);
    DataTable back = CsvData.read(f1, List.of("x", "y"));
    assertEquals(400, back.rows());
    assertArrayEquals(m1.column("x"), back.column("x"));
    assertArrayEquals(m1.column("y"), back.column("y"));

    DataTable m2 = M2Data.generate(32);
    Path f2 = dir.resolve("m2.csv");
    CsvData.write(m2, f2);
    DataTable back2 = CsvData.read(f2);
    assertEquals(10_000, back2.rows());
    assertEquals(List.of("t", "x", "y", "z", "e"), back2.names());
    assertArrayEquals(m2.column("e"), back2.column("e"));
  }

  @Test
  void columnsAreSelectedAndReorderedByName() throws IOException {
    Path f = write("# comment line\nb, a ,c\n1,2,3\n\n4,5,6\n");
    DataTable t = CsvData.read(f, List.of("a", "b"));
    assertEquals(List.of("a", "b"), t.names());
    assertArrayEquals(new double[] {2, 5}, t.column("a"));
    assertArrayEquals(new double[] {1, 4}, t.column("b"));
  }

  @Test
  void unknownColumnNamesFileLineAndColumn() throws IOException {
    Path f = write("x,y\n1,2\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CsvData.read(f, List.of("x", "z")));
    assertTrue(e.getMessage().startsWith(f + ":1: unknown column 'z'"), e.getMessage());
    DataTable t = CsvData.read(f);
    e = assertThrows(IllegalArgumentException.class, () -> t.column("q"));
    assertTrue(e.getMessage().contains("unknown column 'q' in " + f), e.getMessage());
  }

  @Test
  void nonNumericCellNamesFileLineAndColumn() throws IOException {
    Path f = write("x,y\n1,2\n3,abc\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CsvData.read(f));
    assertEquals(f + ":3: column 'y' (2): 'abc' is not a number", e.getMessage());
  }

  @Test
  void missingValueNamesFileLineAndColumn() throws IOException {
    Path f = write("x,y\n1,2\n,4\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CsvData.read(f));
    assertEquals(f + ":3: column 'x' (1): missing value, expected a number", e.getMessage());
    Path short_ = write("x,y\n1,2\n3\n");
    e = assertThrows(IllegalArgumentException.class, () -> CsvData.read(short_));
    assertTrue(e.getMessage().startsWith(short_ + ":3: 1 cells, expected 2"), e.getMessage());
  }

  @Test
  void nonFiniteValuesAreRejected() throws IOException {
    Path f = write("x\nNaN\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CsvData.read(f));
    assertTrue(e.getMessage().startsWith(f + ":2: column 'x' (1): 'NaN' is not finite"), e.getMessage());
  }

  @Test
  void bindingNamesAMissingColumn() {
    Model m = ModelFile.parse("data x, w\nparam a ~ normal(0, 1)\nw ~ normal(a * x, 1)", "m");
    DataTable t = M1Data.generate(1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.bind(t));
    assertTrue(e.getMessage().contains("unknown column 'w'"), e.getMessage());
    assertTrue(e.getMessage().contains("M1Data(seed=1"), e.getMessage());
  }

  private int files;

  private Path write(String text) throws IOException {
    Path f = dir.resolve("data" + (files++) + ".csv");
    Files.writeString(f, text);
    return f;
  }
}
