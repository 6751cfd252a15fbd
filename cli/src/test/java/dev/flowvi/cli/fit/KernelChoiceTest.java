package dev.flowvi.cli.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.codegen.CodegenException;
import dev.flowvi.codegen.CodegenMode;
import dev.flowvi.engine.bijection.Chain;
import dev.flowvi.engine.bijection.Exp;
import dev.flowvi.engine.bijection.Stack;
import dev.flowvi.engine.bijection.TriangularAffine;
import dev.flowvi.engine.distribution.StandardNormal;
import dev.flowvi.engine.distribution.TransformedDistribution;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The background flow compile hands back what the foreground one does, failures included. */
class KernelChoiceTest {
  private final String mode = System.getProperty(CodegenMode.PROPERTY);

  @AfterEach
  void restoreMode() {
    if (mode == null) {
      System.clearProperty(CodegenMode.PROPERTY);
    } else {
      System.setProperty(CodegenMode.PROPERTY, mode);
    }
  }

  @Test
  void backgroundCompileGivesTheForegroundResult() {
    System.setProperty(CodegenMode.PROPERTY, "strict");
    KernelChoice kernels = KernelChoice.of(false);
    TransformedDistribution flow = SeedExamples.unstandardisedFlow(true, 5);
    Map<String, String> background = new LinkedHashMap<>();
    Supplier<TransformedDistribution> pending = kernels.flowInBackground(flow, background);
    assertTrue(background.isEmpty(), "the description is written by the thread that waits");
    Map<String, String> foreground = new LinkedHashMap<>();
    TransformedDistribution direct = kernels.flow(flow, foreground);
    TransformedDistribution compiled = pending.get();
    assertNotSame(flow.bijection(), compiled.bijection());
    assertSame(direct.bijection().getClass(), compiled.bijection().getClass());
    assertSame(flow.base(), compiled.base());
    assertEquals(Map.of(KernelChoice.FLOW_KERNELS, "compiled"), background);
    assertEquals(foreground, background);
  }

  @Test
  void interpretedOnRequestReturnsTheFlowItself() {
    TransformedDistribution flow = SeedExamples.unstandardisedFlow(true, 6);
    Map<String, String> d = new LinkedHashMap<>();
    assertSame(flow, KernelChoice.of(true).flowInBackground(flow, d).get());
    assertEquals("interpreted (--interpreted)", d.get(KernelChoice.FLOW_KERNELS));
  }

  @Test
  void aStrictCompileFailureReachesTheWaitingThreadAsItself() {
    System.setProperty(CodegenMode.PROPERTY, "strict");
    TransformedDistribution flow = TransformedDistribution.of(StandardNormal.of(3),
        Chain.of(TriangularAffine.lower(3), Stack.of(Exp.of(1), TriangularAffine.lower(2))));
    Supplier<TransformedDistribution> pending = KernelChoice.of(false).flowInBackground(flow, new LinkedHashMap<>());
    CodegenException e = assertThrows(CodegenException.class, pending::get);
    assertTrue(e.getMessage().contains("Stack part"), e.getMessage());
  }
}
