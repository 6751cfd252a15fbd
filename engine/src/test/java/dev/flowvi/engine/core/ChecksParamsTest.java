package dev.flowvi.engine.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A parameter-block check names the array it checked, so a short gradient says "gradParams". */
class ChecksParamsTest {

  @Test
  void namesTheArrayValueAndExpectation() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Checks.params("gradParams", new double[3], 2, 4));
    assertEquals("gradParams has length 3, expected at least 6 (4 values at offset 2)", e.getMessage());
    IllegalArgumentException plain = assertThrows(IllegalArgumentException.class,
        () -> Checks.params(null, 0, 1));
    assertEquals("params must not be null (expected 1 values at offset 0)", plain.getMessage());
    Checks.params("gradParams", null, 5, 0); // an empty block needs no array
  }
}
