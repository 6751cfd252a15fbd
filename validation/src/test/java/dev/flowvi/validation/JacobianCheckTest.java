package dev.flowvi.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A correct log-det agrees with the finite-difference Jacobian to ~1e-9 here; 1e-7 is the bar. */
class JacobianCheckTest {
  @Test
  void correctLogDetsPassInBothDirections() {
    DiagonalAffine b = new DiagonalAffine(5, DiagonalAffine.Flaw.NONE);
    double[] p = b.randomParams(3);
    double[] x = GradientCheckTest.randomPoints(4, 5 * 3, 2.0);
    JacobianCheck.Result f = JacobianCheck.forward(b, p, x, 3);
    assertTrue(f.passed(1e-7), f.toString());
    assertTrue(JacobianCheck.inverse(b, p, x, 3).passed(1e-7));
    Shear s = new Shear();
    double[] sp = {0.9, 1.7};
    double[] sx = GradientCheckTest.randomPoints(5, 2 * 6, 1.0);
    JacobianCheck.Result sf = JacobianCheck.forward(s, sp, sx, 6);
    assertTrue(sf.passed(1e-7), sf.toString());
    assertEquals(0.9, sf.reportedLogDet(), 1e-15);
    assertTrue(JacobianCheck.inverse(s, sp, sx, 6).passed(1e-7));
  }

  @Test
  void wrongLogDetIsCaught() {
    DiagonalAffine b = new DiagonalAffine(3, DiagonalAffine.Flaw.LOG_DET);
    double[] p = b.randomParams(3);
    JacobianCheck.Result r = JacobianCheck.forward(b, p, GradientCheckTest.randomPoints(4, 6, 1.0), 2);
    assertFalse(r.passed(1e-3), r.toString());
    assertTrue(r.toString().startsWith("JacobianCheck[DiagonalAffine forward]: worst log-det error"), r.toString());
  }

  /** Determinants with known values, including a zero leading entry that forces a row swap. */
  @Test
  void logDeterminantByPivotedLu() {
    double[] a = {0, 2, 1, 3, 1, 0, 1, 1, 1}; // det = 0·(1−0) − 2·(3−0) + 1·(3−1) = −4
    assertEquals(Math.log(4), LogDeterminant.ofInPlace(a, 3), 1e-15);
    double[] singular = {1, 2, 2, 4};
    assertEquals(Double.NEGATIVE_INFINITY, LogDeterminant.ofInPlace(singular, 2));
    double[] diag = {1e200, 0, 0, 1e200}; // the product overflows, the log does not
    assertEquals(400 * Math.log(10), LogDeterminant.ofInPlace(diag, 2), 1e-12);
  }
}
