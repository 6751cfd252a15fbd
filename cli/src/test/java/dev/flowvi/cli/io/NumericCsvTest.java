package dev.flowvi.cli.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NumericCsvTest {
  @TempDir
  Path dir;

  private Path file(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void readsNamedColumnsFeatureMajor() throws Exception {
    NumericCsv csv = NumericCsv.read(file("d.csv", "x, y\n1,2\n\n3.5, -4e-3\n5,6\n"));
    assertEquals(List.of("x", "y"), csv.names());
    assertEquals(3, csv.rows());
    assertArrayEquals(new double[] {2, -4e-3, 6}, csv.column("y"));
    assertArrayEquals(new double[] {2, -4e-3, 6, 1, 3.5, 5}, csv.featureMajor(List.of("y", "x")));
  }

  private static String error(Path p) {
    return assertThrows(IllegalArgumentException.class, () -> NumericCsv.read(p)).getMessage();
  }

  @Test
  void problemsNameTheFileLineAndColumn() throws Exception {
    String m = error(file("bad.csv", "x,y\n1,2\n3,abc\n"));
    assertTrue(m.contains("bad.csv") && m.contains("line 3") && m.contains("'y'") && m.contains("'abc' is not a number"), m);
    m = error(file("gap.csv", "x,y\n1,\n"));
    assertTrue(m.contains("line 2") && m.contains("'y'") && m.contains("missing value"), m);
    m = error(file("short.csv", "x,y\n1,2\n3\n"));
    assertTrue(m.contains("line 3") && m.contains("has 1 cells, expected 2"), m);
    m = error(file("nan.csv", "x\nNaN\n"));
    assertTrue(m.contains("line 2") && m.contains("not a finite number"), m);
    m = error(file("empty.csv", "\n\n"));
    assertTrue(m.contains("empty.csv is empty"), m);
    m = error(file("header.csv", "x,y\n"));
    assertTrue(m.contains("no data rows"), m);
    m = error(file("dup.csv", "x,x\n1,2\n"));
    assertTrue(m.contains("'x' appears twice"), m);
    m = error(dir.resolve("absent.csv"));
    assertTrue(m.contains("absent.csv does not exist"), m);
    m = error(dir);
    assertTrue(m.contains("is not a readable file"), m);
  }

  @Test
  void binaryFileIsRejectedAsNotText() throws Exception {
    Path p = dir.resolve("bin.csv");
    Files.write(p, new byte[] {'x', '\n', (byte) 0xC3, (byte) 0x28, '\n'});
    String m = error(p);
    assertTrue(m.contains("bin.csv") && m.contains("not UTF-8 text"), m);
  }

  @Test
  void missingColumnsAreListed() throws Exception {
    NumericCsv csv = NumericCsv.read(file("d.csv", "x,z\n1,2\n"));
    String m = assertThrows(IllegalArgumentException.class, () -> csv.require(List.of("x", "y"))).getMessage();
    assertTrue(m.contains("lacks column y") && m.contains("expected columns x,y") && m.contains("found x,z"), m);
    m = assertThrows(IllegalArgumentException.class, () -> csv.column("w")).getMessage();
    assertTrue(m.contains("no column 'w'"), m);
  }
}
