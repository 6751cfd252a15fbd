package dev.flowvi.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelCacheTest {

  /** A tiny generated kernel: y = c·x, with c baked in as a constant. */
  static GeneratedSource scaler(String key, double c) {
    String cls = "dev.flowvi.codegen.gen.Scale" + Math.abs(key.hashCode());
    SourceWriter w = new SourceWriter();
    w.line("package dev.flowvi.codegen.gen;");
    w.open("public final class " + cls.substring(cls.lastIndexOf('.') + 1) + " implements java.util.function.DoubleUnaryOperator");
    w.open("public double applyAsDouble(double x)");
    w.line("return " + SourceWriter.literal(c) + " * x;");
    w.close();
    w.close();
    return GeneratedSource.of(key, cls, w.build());
  }

  @Test
  void compilesOncePerKeyAndRunsTheGeneratedCode() {
    KernelCache cache = new KernelCache(KernelCompiler.forEngine(), 4);
    CompiledClass a = cache.get("scale:0.1", () -> scaler("scale:0.1", 0.1));
    CompiledClass b = cache.get("scale:0.1", () -> { throw new AssertionError("must be cached"); });
    assertSame(a, b);
    assertEquals(1, cache.compilations());
    DoubleUnaryOperator f = a.newInstance(DoubleUnaryOperator.class);
    assertEquals(0.1 * 3.0, f.applyAsDouble(3.0), 0.0);
    assertTrue(a.largestMethodSize() > 0 && a.largestMethodSize() < MethodSizes.HUGE_METHOD_LIMIT);
  }

  @Test
  void evictsTheLeastRecentlyUsedBeyondItsBound() {
    KernelCache cache = new KernelCache(KernelCompiler.forEngine(), 2);
    cache.get("k1", () -> scaler("k1", 1));
    cache.get("k2", () -> scaler("k2", 2));
    cache.get("k1", () -> scaler("k1", 1));
    cache.get("k3", () -> scaler("k3", 3));
    assertEquals(2, cache.size());
    assertTrue(cache.contains("k1"));
    assertFalse(cache.contains("k2"));
  }

  @Test
  void concurrentRequestsForOneKeyCompileOnce() throws Exception {
    KernelCache cache = new KernelCache(KernelCompiler.forEngine(), 8);
    AtomicInteger generated = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<CompiledClass>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        results.add(pool.submit(() -> cache.get("same", () -> {
          generated.incrementAndGet();
          return scaler("same", 2.5);
        })));
      }
      CompiledClass first = results.get(0).get();
      for (Future<CompiledClass> r : results) {
        assertSame(first, r.get());
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(1, generated.get());
  }

  @Test
  void aBrokenSourceFailsInStrictModeAndFallsBackInAutoMode() {
    KernelCache cache = new KernelCache(KernelCompiler.forEngine(), 4);
    GeneratedSource broken = GeneratedSource.of("broken", "dev.flowvi.codegen.gen.Broken",
        "package dev.flowvi.codegen.gen; public class Broken { int f( { } }");
    assertThrows(CodegenException.class, () -> CompiledOrInterpreted.choose(CodegenMode.STRICT, cache, "broken",
        () -> broken, c -> c.newInstance(DoubleUnaryOperator.class), () -> x -> -1));
    DoubleUnaryOperator f = CompiledOrInterpreted.choose(CodegenMode.AUTO, cache, "broken",
        () -> broken, c -> c.newInstance(DoubleUnaryOperator.class), () -> x -> -x);
    assertEquals(-4.0, f.applyAsDouble(4.0), 0.0);
    assertTrue(CompiledOrInterpreted.fellBack("broken"));
    assertFalse(cache.contains("broken"), "a failed compilation is not cached");
    DoubleUnaryOperator off = CompiledOrInterpreted.choose(CodegenMode.OFF, cache, "scale:7",
        () -> scaler("scale:7", 7), c -> c.newInstance(DoubleUnaryOperator.class), () -> x -> 0);
    assertEquals(0.0, off.applyAsDouble(4.0), 0.0);
    assertFalse(cache.contains("scale:7"), "off mode never compiles");
  }

  @Test
  void dumpsSourcesWhenAsked(@TempDir Path dir) throws Exception {
    String old = System.getProperty(KernelCompiler.DUMP_PROPERTY);
    System.setProperty(KernelCompiler.DUMP_PROPERTY, dir.toString());
    try {
      GeneratedSource s = scaler("dump:1", 1.5);
      KernelCompiler.forEngine().compile(s);
      String dumped = Files.readString(dir.resolve(s.simpleName() + ".java"));
      assertTrue(dumped.contains("topology: dump:1"));
      assertTrue(dumped.contains("applyAsDouble"));
    } finally {
      if (old == null) {
        System.clearProperty(KernelCompiler.DUMP_PROPERTY);
      } else {
        System.setProperty(KernelCompiler.DUMP_PROPERTY, old);
      }
    }
  }

  @Test
  void literalsRoundTripExactly() {
    double[] values = {0.1, -1e-300, 1e300, Math.PI, 3.0, -0.0, Double.MIN_VALUE};
    for (double v : values) {
      String lit = SourceWriter.literal(v);
      double back = lit.startsWith("0x") || lit.startsWith("-0x") ? Double.parseDouble(lit) : Double.parseDouble(lit);
      assertEquals(Double.doubleToLongBits(v == 0 ? v : v), Double.doubleToLongBits(back), lit);
    }
  }

  @Test
  void methodSizesRejectsANonClassFile() {
    assertThrows(IllegalArgumentException.class, () -> MethodSizes.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
  }
}
