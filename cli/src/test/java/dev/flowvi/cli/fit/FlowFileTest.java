package dev.flowvi.cli.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlowFileTest {
  @TempDir
  Path dir;

  @Test
  void parametersRoundTripBitForBit() throws Exception {
    double[] params = {0.1, -1e-300, Double.MIN_VALUE, 12345.678901234567, -0.0, Math.PI};
    Path p = dir.resolve("flow.txt");
    new FlowFile("model /x/m.model", "maf", -3, params).write(p);
    FlowFile back = FlowFile.read(p);
    assertEquals("model /x/m.model", back.source());
    assertEquals("maf", back.flow());
    assertEquals(-3, back.seed());
    assertArrayEquals(params, back.params(), 0.0);
    for (int i = 0; i < params.length; i++) {
      assertEquals(Double.doubleToRawLongBits(params[i]), Double.doubleToRawLongBits(back.params()[i]));
    }
  }

  private String error(String text) throws Exception {
    Path p = dir.resolve("f.txt");
    Files.writeString(p, text);
    return assertThrows(IllegalArgumentException.class, () -> FlowFile.read(p)).getMessage();
  }

  @Test
  void problemsNameTheLine() throws Exception {
    String head = "format = flowvi-flow 1\nsource = example m1\nflow = seed-m1\nseed = 0\nparameters = 2\n";
    assertTrue(error(head + "1\nabc\n").contains("f.txt:7: 'abc' is not a number"));
    assertTrue(error(head + "1\n2\n3\n").contains("f.txt:8: more values than the 2 parameters"));
    assertTrue(error(head + "1\nNaN\n").contains("f.txt:7: parameter 1 is NaN"));
    assertTrue(error(head.replace("flowvi-flow 1", "other 2") + "1\n2\n").contains("format is 'other 2'"));
    assertTrue(error(head.replace("seed = 0\n", "") + "1\n2\n").contains("header lacks 'seed = ...'"));
    assertTrue(error("just some text\n").contains("f.txt:1: 'just some text' is not a 'key = value' header line"));
    assertTrue(error(head.replace("parameters = 2", "parameters = -1")).contains("parameters is '-1'"));
  }
}
