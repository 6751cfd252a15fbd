package dev.flowvi.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScheduleTest {
  @Test
  void seedScheduleHoldsEachRateForItsSteps() {
    Schedule s = Schedule.piecewiseConstant(new double[] {1e-2, 4e-3, 1e-3}, new int[] {50, 50, 50});
    assertEquals(150, s.steps());
    assertEquals(1e-2, s.rate(0));
    assertEquals(1e-2, s.rate(49));
    assertEquals(4e-3, s.rate(50));
    assertEquals(4e-3, s.rate(99));
    assertEquals(1e-3, s.rate(100));
    assertEquals(1e-3, s.rate(149));
    assertEquals(1e-3, s.rate(10_000), "past the end the final rate holds");
  }

  @Test
  void cosineDecaysFromInitialToFloor() {
    Schedule s = Schedule.cosine(1e-2, 100, 1e-4);
    assertEquals(1e-2, s.rate(0), 1e-18);
    assertEquals(1e-4 + (1e-2 - 1e-4) * 0.5, s.rate(50), 1e-15);
    assertEquals(1e-4, s.rate(100), 1e-18);
    for (int t = 1; t <= 100; t++) {
      assertTrue(s.rate(t) <= s.rate(t - 1), "monotone at step " + t);
    }
  }

  @Test
  void scheduleWithNoStepsIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Schedule.piecewiseConstant(new double[] {1e-2, 1e-3}, new int[] {0, 0}));
    assertTrue(e.getMessage().contains("[0, 0]") && e.getMessage().contains("at least one step"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Schedule.piecewiseConstant(new double[0], new int[0]));
    assertThrows(IllegalArgumentException.class, () -> Schedule.cosine(1e-2, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> Schedule.constant(-1e-3, 10));
    assertThrows(IllegalArgumentException.class, () -> Schedule.piecewiseConstant(new double[] {1e-2}, new int[] {1, 2}));
    assertThrows(IllegalArgumentException.class, () -> Schedule.cosine(1e-2, 10, 2e-2));
  }

  @Test
  void phaseEndIsTheFirstStepOfTheNextPhase() {
    Schedule s = Schedule.piecewiseConstant(new double[] {1e-2, 4e-3, 1e-3}, new int[] {50, 0, 50});
    assertEquals(50, s.phaseEnd(0));
    assertEquals(50, s.phaseEnd(49));
    assertEquals(100, s.phaseEnd(50));
    assertEquals(100, s.phaseEnd(500), "past the end: the last phase's end");
    assertEquals(100, Schedule.cosine(1e-2, 100, 1e-4).phaseEnd(3));
    assertEquals(40, Schedule.stages(new double[] {1e-2, 1e-3}, new int[] {40, 10}).phaseEnd(39));
    assertThrows(IllegalArgumentException.class, () -> s.phaseEnd(-1));
  }
}
