package dev.flowvi.validation;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FinitenessCheckTest {
  @Test
  void extremeButRepresentableInputsPass() {
    DiagonalAffine b = new DiagonalAffine(2, DiagonalAffine.Flaw.NONE);
    double[] p = b.randomParams(1);
    double[] x = {1e6, -1e6, 1e-300, -1e-300, 0, 3};
    FinitenessCheck.Result r = FinitenessCheck.of(b, p, x, null, 3, 5);
    assertTrue(r.passed(), r.toString());
  }

  /** softplus(−800) underflows to 0, so log s = −∞ and the inverse divides by 0: the check says where. */
  @Test
  void anUnderflowingScaleIsReported() {
    DiagonalAffine b = new DiagonalAffine(2, DiagonalAffine.Flaw.NONE);
    double[] p = {0, 0, 1, -800};
    FinitenessCheck.Result r = FinitenessCheck.of(b, p, new double[] {1, 2, 3, 4}, null, 2, 5);
    assertFalse(r.passed(), r.toString());
    assertTrue(r.where().startsWith("forward"), r.where());
  }
}
