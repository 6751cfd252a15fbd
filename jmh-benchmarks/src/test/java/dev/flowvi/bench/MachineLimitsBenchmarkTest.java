package dev.flowvi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flowvi.engine.kernel.VectorSupport;
import org.junit.jupiter.api.Test;

/** Each operation computes what it says: exp, log and division to 1 ulp-level tolerance, the triad exactly. */
class MachineLimitsBenchmarkTest {

  private static MachineLimitsBenchmark state(String kernel) {
    MachineLimitsBenchmark b = new MachineLimitsBenchmark();
    b.kernel = kernel;
    b.setUp();
    return b;
  }

  private static void check(MachineLimitsBenchmark b) {
    b.exp();
    for (int i = 0; i < MachineLimitsBenchmark.SIZE; i++) {
      assertEquals(StrictMath.exp(b.x[i]), b.y[i], 1e-15 * StrictMath.exp(b.x[i]), "exp at " + i);
    }
    b.log();
    for (int i = 0; i < MachineLimitsBenchmark.SIZE; i++) {
      assertEquals(StrictMath.log(b.z[i]), b.y[i], 1e-15 * Math.max(1, Math.abs(StrictMath.log(b.z[i]))), "log at " + i);
    }
    b.divide();
    for (int i = 0; i < MachineLimitsBenchmark.SIZE; i++) {
      assertEquals(b.x[i] / b.z[i], b.y[i], 0.0, "division at " + i);
    }
    assertEquals(4.0, b.triad(), 0.0);
  }

  @Test
  void scalarOperationsAreRight() {
    check(state("scalar"));
  }

  @Test
  void vectorOperationsAreRight() {
    assumeTrue(VectorSupport.enabled(), "vector path disabled: " + VectorSupport.describe());
    check(state("vector"));
  }

  @Test
  void unknownKernelIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> state("gpu"));
  }
}
