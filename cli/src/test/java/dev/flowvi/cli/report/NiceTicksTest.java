package dev.flowvi.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class NiceTicksTest {

  @Test
  void ticksAreRoundAndInsideTheRange() {
    assertEquals(List.of(0.0, 50.0, 100.0, 150.0, 200.0, 250.0, 300.0), NiceTicks.of(0, 300, 8));
    assertEquals(List.of(-0.2, -0.1, 0.0, 0.1, 0.2), NiceTicks.of(-0.25, 0.25, 4).stream()
        .map(v -> Math.round(v * 1e12) / 1e12).toList());
  }

  @Test
  void labelsAreShort() {
    assertEquals("0", NiceTicks.label(0));
    assertEquals("10000", NiceTicks.label(1e4));
    assertEquals("994.5", NiceTicks.label(994.5));
    assertEquals("-7.178", NiceTicks.label(-7.17791));
    assertEquals("0.001", NiceTicks.label(1e-3));
    assertEquals("500000", NiceTicks.label(5e5));
    assertEquals("5e6", NiceTicks.label(5e6));
    assertEquals("2.5e7", NiceTicks.label(2.5e7));
    assertEquals("-1.235e-5", NiceTicks.label(-1.23456e-5));
  }
}
