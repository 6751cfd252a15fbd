package dev.flowvi.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.core.ParameterLayout;
import org.junit.jupiter.api.Test;

/** Stages restart the optimiser at each learning-rate change, as separate FlowJAX fits do. */
class StagedScheduleTest {

  @Test
  void stagesRestartOnlyAtTheirBoundaries() {
    Schedule s = Schedule.stages(new double[] {1e-2, 4e-3, 1e-3}, new int[] {50, 50, 50});
    assertEquals(150, s.steps());
    assertEquals(4e-3, s.rate(50), 0.0);
    for (int step = 0; step < 160; step++) {
      assertEquals(step == 50 || step == 100, s.restartsBefore(step), "step " + step);
    }
    Schedule plain = Schedule.piecewiseConstant(new double[] {1e-2, 1e-3}, new int[] {100, 200});
    assertFalse(plain.restartsBefore(100));
    assertTrue(s.toString().startsWith("stages["));
  }

  @Test
  void aResetAdamStepsExactlyLikeANewOne() {
    ParameterLayout layout = ParameterLayout.builder().add("w", 3).build();
    double[] grad = {0.3, -1.2, 2.0};
    Adam used = Adam.of(layout, Double.POSITIVE_INFINITY);
    double[] scratch = {1, 2, 3};
    for (int i = 0; i < 5; i++) {
      used.step(scratch, new double[] {1, 1, -1}, 1e-2);
    }
    used.reset();
    assertEquals(0, used.updates());
    double[] a = {0.5, 0.5, 0.5};
    double[] b = a.clone();
    used.step(a, grad, 1e-3);
    Adam.of(layout, Double.POSITIVE_INFINITY).step(b, grad, 1e-3);
    assertArrayEquals(b, a, 0.0);
  }
}
