package dev.flowvi.engine.flow;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.bijection.AffineTransformer;
import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.bijection.TriangularAffine;
import dev.flowvi.engine.core.AllocationCounter;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.kernel.VectorSupport;
import dev.flowvi.engine.nn.Activation;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hot paths allocate nothing: with a workspace made once, 50 warm rounds of all four passes allocate
 * (per the JVM's per-thread allocation counter) less than 50 bytes per round, i.e. no per-call
 * arrays. A single stray {@code new double[n]} per call would cost at least 16 + 8n bytes.
 */
class FlowAllocationTest {

  static Stream<Bijection> layers() {
    return Stream.of(
        MaskedAutoregressive.of(AffineTransformer.withScaleFloor(), 4, 1, 16, 1, Activation.RELU),
        Coupling.of(AffineTransformer.softClamped(), 4, 0, 16, 2, Activation.TANH),
        Planar.of(4, Planar.Nonlinearity.TANH),
        BlockAutoregressiveNetwork.of(4, 0, 4, 1),
        TriangularAffine.lower(4));
  }

  @ParameterizedTest
  @MethodSource("layers")
  void passesAllocateNothing(Bijection b) {
    com.sun.management.ThreadMXBean bean = AllocationCounter.bean();
    int n = 64;
    BijectionCheck c = new BijectionCheck(b, n, 1, 0.3);
    Workspace ws = b.newWorkspace(n);
    double[] y = new double[b.dim() * n];
    double[] x = new double[b.dim() * n];
    double[] ld = new double[n];
    double[] g = c.gaussian(b.dim() * n);
    double[] gl = c.gaussian(n);
    double[] gx = new double[b.dim() * n];
    double[] gp = new double[c.params.length];
    Runnable round = () -> {
      b.forward(c.params, BijectionCheck.OFFSET, c.x, c.cond, y, ld, n, ws);
      b.forwardBackward(c.params, BijectionCheck.OFFSET, c.x, c.cond, y, g, gl, gx, gp, n, ws);
      b.inverse(c.params, BijectionCheck.OFFSET, y, c.cond, x, ld, n, ws);
      b.inverseBackward(c.params, BijectionCheck.OFFSET, y, c.cond, x, g, gl, gx, gp, n, ws);
    };
    // Vector API code boxes its vectors until C2 compiles it (DESIGN.md: cold vector code), so
    // the claim is about steady state: warm up, then look for a clean window of 50 rounds. The
    // scalar path allocates nothing from the first call on.
    int attempts = VectorSupport.enabled() ? 60 : 2;
    long bytes = AllocationCounter.warmWindow(bean, round, 200, 50, attempts, 50 * 50);
    assertTrue(bytes < 50 * 50, b.name() + " allocated " + bytes + " bytes in 50 warm rounds");
  }
}
