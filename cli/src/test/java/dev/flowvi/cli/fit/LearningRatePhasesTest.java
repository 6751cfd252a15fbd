package dev.flowvi.cli.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LearningRatePhasesTest {
  private static final LearningRatePhases M1 = LearningRatePhases.of(1e-2, 100, 1e-3, 200);
  private static final LearningRatePhases M2 = LearningRatePhases.of(1e-2, 50, 4e-3, 50, 1e-3, 50);

  @Test
  void scalingKeepsTheShares() {
    assertEquals(LearningRatePhases.of(1e-2, 10, 1e-3, 20), M1.scaledTo(30));
    assertEquals(M1, M1.scaledTo(300));
    assertEquals(LearningRatePhases.of(1e-2, 200, 1e-3, 400), M1.scaledTo(600));
    // 100 steps over three equal phases: 33.3 each, the one spare step goes to the first phase.
    assertArrayEquals(new int[] {34, 33, 33}, M2.scaledTo(100).steps());
    for (int total = 1; total <= 40; total++) {
      assertEquals(total, M2.scaledTo(total).total(), "total " + total);
    }
  }

  @Test
  void tinyBudgetsStartAtTheFirstRate() {
    LearningRatePhases one = M1.scaledTo(1);
    assertArrayEquals(new double[] {1e-2}, one.rates());
    assertArrayEquals(new int[] {1}, one.steps());
    assertEquals(LearningRatePhases.of(1e-2, 1, 1e-3, 1), M1.scaledTo(2));
  }

  @Test
  void badPlansNameTheValue() {
    String m = assertThrows(IllegalArgumentException.class, () -> LearningRatePhases.of(0, 10)).getMessage();
    assertTrue(m.contains("learning rate of phase 1 is 0.0"), m);
    m = assertThrows(IllegalArgumentException.class, () -> LearningRatePhases.of(1e-2, 0)).getMessage();
    assertTrue(m.contains("steps of phase 1 is 0"), m);
    m = assertThrows(IllegalArgumentException.class, () -> M1.scaledTo(0)).getMessage();
    assertTrue(m.contains("total steps is 0"), m);
  }

  @Test
  void aNewFirstRateKeepsTheDecayBetweenPhases() {
    LearningRatePhases half = M2.withFirstRate(5e-3);
    assertEquals(5e-3, half.rates()[0], 0.0);
    assertEquals(2e-3, half.rates()[1], 1e-18);
    assertEquals(5e-4, half.rates()[2], 1e-18);
    assertArrayEquals(M2.steps(), half.steps());
    for (double bad : new double[] {0, -1e-3, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> M1.withFirstRate(bad));
      assertTrue(e.getMessage().contains("learning rate is " + bad), e.getMessage());
    }
  }
}
