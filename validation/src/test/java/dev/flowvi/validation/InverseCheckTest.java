package dev.flowvi.validation;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Exact inverses come back to a few ulps: 1e-12 is the bar; the flawed inverse is off by 1e-3. */
class InverseCheckTest {
  @Test
  void exactInversesPass() {
    DiagonalAffine b = new DiagonalAffine(4, DiagonalAffine.Flaw.NONE);
    double[] p = b.randomParams(8);
    InverseCheck.Result r = InverseCheck.of(b, p, GradientCheckTest.randomPoints(9, 4 * 5, 3.0), 5);
    assertTrue(r.passed(1e-12), r.toString());
    InverseCheck.Result s = InverseCheck.of(new Shear(), new double[] {-0.3, 2.0}, GradientCheckTest.randomPoints(10, 2 * 5, 3.0), 5);
    assertTrue(s.passed(1e-12), s.toString());
  }

  @Test
  void wrongInverseIsCaughtAndLocated() {
    DiagonalAffine b = new DiagonalAffine(2, DiagonalAffine.Flaw.INVERSE_VALUE);
    double[] p = b.randomParams(8);
    double[] x = GradientCheckTest.randomPoints(9, 2 * 3, 0.5);
    InverseCheck.Result r = InverseCheck.of(b, p, x, 3);
    assertFalse(r.passed(1e-6), r.toString());
    assertTrue(r.where().contains("came back as"), r.where());
  }

  @Test
  void logDetsThatDoNotCancelAreCaught() {
    DiagonalAffine b = new DiagonalAffine(2, DiagonalAffine.Flaw.LOG_DET);
    double[] p = b.randomParams(8);
    InverseCheck.Result r = InverseCheck.of(b, p, null, GradientCheckTest.randomPoints(9, 6, 1.0), null, 3);
    assertFalse(r.passed(1e-6), r.toString());
    assertTrue(r.worstPointError() < 1e-12, r.toString());
    assertTrue(r.where().contains("log-dets"), r.where());
  }
}
