package dev.flowvi.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.engine.core.ParameterLayout;
import dev.flowvi.engine.core.Workspace;
import dev.flowvi.engine.random.RandomStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConditionerTest {
  private static final int OFFSET = 2;

  static Stream<Arguments> networks() {
    return Stream.of(
        Arguments.of(Mlp.of(3, 0, 4, 5, 1, Activation.TANH)),
        Arguments.of(Mlp.of(2, 2, 3, 6, 2, Activation.RELU)),
        Arguments.of(Mlp.of(0, 2, 3, 4, 1, Activation.ELU)),
        Arguments.of(Mlp.of(3, 0, 2, 0, 0, Activation.TANH)),
        Arguments.of(Made.of(1, 0, 2, 4, 1, Activation.TANH)),
        Arguments.of(Made.of(4, 0, 2, 7, 2, Activation.ELU)),
        Arguments.of(Made.of(3, 2, 3, 6, 1, Activation.TANH)),
        Arguments.of(Made.of(5, 0, 1, 3, 0, Activation.RELU)));
  }

  private static double[] randomParams(Conditioner c, long seed) {
    RandomStream rng = RandomStream.of(seed);
    double[] p = new double[OFFSET + c.parameterCount()];
    c.initialise(p, OFFSET, rng);
    for (int k = OFFSET; k < p.length; k++) {
      p[k] += 0.4 * rng.nextGaussian();
    }
    return p;
  }

  private static double[] gaussian(RandomStream rng, int len) {
    double[] v = new double[len];
    rng.fillGaussian(v, 0, len);
    return v;
  }

  private static double loss(Conditioner c, double[] p, double[] x, double[] cond, double[] g, int n) {
    double[] out = new double[c.outputDim() * n];
    c.forward(p, OFFSET, x, cond, out, n, c.newWorkspace(n));
    double s = 0;
    for (int k = 0; k < out.length; k++) {
      s += g[k] * out[k];
    }
    return s;
  }

  /** Backward against central differences (h = 1e-5·max(1,|v|), error ≈ 1e-10; tolerance 1e-7). */
  @ParameterizedTest
  @MethodSource("networks")
  void backwardMatchesFiniteDifferences(FeedForwardNetwork c) {
    int n = 3;
    RandomStream rng = RandomStream.of(7);
    double[] p = randomParams(c, 3);
    double[] x = gaussian(rng, Math.max(1, c.inputDim() * n));
    double[] cond = c.conditionDim() > 0 ? gaussian(rng, c.conditionDim() * n) : null;
    double[] g = gaussian(rng, c.outputDim() * n);
    Workspace ws = c.newWorkspace(5);
    double[] out = new double[c.outputDim() * n];
    c.forward(p, OFFSET, x, cond, out, n, ws);
    double[] gx = new double[x.length];
    double[] gp = new double[p.length];
    c.backward(p, OFFSET, g, gx, gp, n, ws);
    for (int k = 0; k < c.inputDim() * n; k++) {
      double h = 1e-5 * Math.max(1, Math.abs(x[k]));
      double[] xp = x.clone();
      double[] xm = x.clone();
      xp[k] += h;
      xm[k] -= h;
      double fd = (loss(c, p, xp, cond, g, n) - loss(c, p, xm, cond, g, n)) / (2 * h);
      assertEquals(fd, gx[k], 1e-7 * (1 + Math.abs(fd)), "dL/dx[" + k + "]");
    }
    for (int k = OFFSET; k < p.length; k++) {
      double h = 1e-5 * Math.max(1, Math.abs(p[k]));
      double[] pp = p.clone();
      double[] pm = p.clone();
      pp[k] += h;
      pm[k] -= h;
      double fd = (loss(c, pp, x, cond, g, n) - loss(c, pm, x, cond, g, n)) / (2 * h);
      assertEquals(fd, gp[k], 1e-7 * (1 + Math.abs(fd)), "dL/dparams[" + (k - OFFSET) + "]");
    }
    // Gradients are added, not written: a second backward doubles them.
    double[] twice = gp.clone();
    c.backward(p, OFFSET, g, null, twice, n, ws);
    for (int k = OFFSET; k < p.length; k++) {
      assertEquals(2 * gp[k], twice[k], 1e-12 * (1 + Math.abs(gp[k])));
    }
  }

  @ParameterizedTest
  @MethodSource("networks")
  void initialOutputIsExactlyZero(FeedForwardNetwork c) {
    int n = 4;
    RandomStream rng = RandomStream.of(1);
    double[] p = new double[OFFSET + c.parameterCount()];
    c.initialise(p, OFFSET, rng);
    double[] x = gaussian(rng, Math.max(1, c.inputDim() * n));
    double[] cond = c.conditionDim() > 0 ? gaussian(rng, c.conditionDim() * n) : null;
    double[] out = new double[c.outputDim() * n];
    java.util.Arrays.fill(out, 9.0);
    c.forward(p, OFFSET, x, cond, out, n, c.newWorkspace(n));
    for (double v : out) {
      assertEquals(0.0, v, 0.0);
    }
    if (c.layerCount() > 1) {
      boolean anyNonZero = false;
      for (int k = OFFSET; k < OFFSET + c.sizes()[0] * c.sizes()[1]; k++) {
        anyNonZero |= p[k] != 0.0;
      }
      assertTrue(anyNonZero, "hidden weights are random");
    }
  }

  /** The product of the layer masks connects input k to output o exactly when rank(o) &gt; rank(k). */
  @Test
  void madeMaskProductEqualsTheRankMask() {
    for (Made m : new Made[] {
        Made.of(5, 0, 2, 8, 1, Activation.RELU), Made.of(5, 0, 3, 4, 3, Activation.RELU),
        Made.of(3, 2, 2, 6, 2, Activation.TANH), Made.of(1, 0, 2, 4, 1, Activation.TANH),
        Made.of(1, 1, 2, 4, 1, Activation.TANH), Made.of(4, 0, 1, 3, 0, Activation.TANH)}) {
      int[] sizes = m.sizes();
      long[][] reach = identity(sizes[0]);
      for (int l = 0; l < m.layerCount(); l++) {
        reach = multiply(m.mask(l), sizes[l + 1], sizes[l], reach);
      }
      int[] in = m.ranks(0);
      int[] out = m.ranks(m.layerCount());
      for (int o = 0; o < out.length; o++) {
        assertEquals(o / m.paramsPerDim(), out[o], "output ranks grouped per dimension");
        for (int k = 0; k < in.length; k++) {
          assertEquals(out[o] > in[k], reach[o][k] > 0, "output " + o + " from input " + k + " of " + java.util.Arrays.toString(sizes));
        }
      }
    }
  }

  private static long[][] identity(int d) {
    long[][] r = new long[d][d];
    for (int k = 0; k < d; k++) {
      r[k][k] = 1;
    }
    return r;
  }

  private static long[][] multiply(boolean[] mask, int out, int in, long[][] reach) {
    long[][] r = new long[out][reach[0].length];
    for (int o = 0; o < out; o++) {
      for (int k = 0; k < in; k++) {
        if (mask[o * in + k]) {
          for (int c = 0; c < reach[0].length; c++) {
            r[o][c] += reach[k][c];
          }
        }
      }
    }
    return r;
  }

  /** Numerically: output group j does not move when inputs ≥ j move, at random parameters. */
  @Test
  void madeIsAutoregressive() {
    int d = 4;
    int p = 2;
    int n = 2;
    Made m = Made.of(d, 1, p, 9, 2, Activation.TANH);
    double[] params = randomParams(m, 5);
    RandomStream rng = RandomStream.of(2);
    double[] x = gaussian(rng, d * n);
    double[] cond = gaussian(rng, n);
    double[] out = new double[d * p * n];
    m.forward(params, OFFSET, x, cond, out, n, m.newWorkspace(n));
    for (int k = 0; k < d; k++) {
      double[] moved = x.clone();
      moved[k * n] += 1.5;
      moved[k * n + 1] -= 0.8;
      double[] out2 = new double[out.length];
      m.forward(params, OFFSET, moved, cond, out2, n, m.newWorkspace(n));
      for (int o = 0; o < d * p; o++) {
        boolean dependent = o / p > k;
        for (int i = 0; i < n; i++) {
          if (dependent) {
            assertTrue(out[o * n + i] != out2[o * n + i], "output " + o + " should see input " + k);
          } else {
            assertEquals(out[o * n + i], out2[o * n + i], 0.0, "output " + o + " must not see input " + k);
          }
        }
      }
    }
  }

  @Test
  void describesReadableBlocks() {
    Made m = Made.of(3, 1, 2, 5, 1, Activation.RELU);
    ParameterLayout.Builder b = ParameterLayout.builder();
    m.describeParameters(b, "maf.");
    ParameterLayout layout = b.build();
    assertEquals(m.parameterCount(), layout.size());
    assertEquals(4 * 5, layout.block("maf.layer0.weight").size());
    assertEquals(6, layout.block("maf.layer1.bias").size());
  }

  @Test
  void rejectsBadArguments() {
    assertMessage("dim is 0", () -> Made.of(0, 0, 2, 4, 1, Activation.RELU));
    assertMessage("depth is -1", () -> Mlp.of(2, 0, 2, 4, -1, Activation.RELU));
    assertMessage("activation must not be null", () -> Mlp.of(2, 0, 2, 4, 1, null));
    assertMessage("inputDim is -2", () -> Mlp.of(-2, 0, 2, 4, 1, Activation.RELU));
    Mlp mlp = Mlp.of(2, 1, 2, 4, 1, Activation.RELU);
    double[] p = new double[mlp.parameterCount()];
    Workspace ws = mlp.newWorkspace(3);
    assertMessage("cond must not be null", () -> mlp.forward(p, 0, new double[6], null, new double[6], 3, ws));
    assertMessage("x has length 5", () -> mlp.forward(p, 0, new double[5], new double[3], new double[6], 3, ws));
    assertMessage("params has length", () -> mlp.forward(new double[3], 0, new double[6], new double[3], new double[6], 3, ws));
    assertMessage("batch size n is 4", () -> mlp.forward(p, 0, new double[8], new double[4], new double[8], 4, ws));
    Mlp other = Mlp.of(2, 1, 2, 5, 1, Activation.RELU);
    assertMessage("another network shape", () -> mlp.forward(p, 0, new double[6], new double[3], new double[6], 3, other.newWorkspace(3)));
  }

  private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
    assertTrue(ex.getMessage().contains(part), ex.getMessage());
  }
}
