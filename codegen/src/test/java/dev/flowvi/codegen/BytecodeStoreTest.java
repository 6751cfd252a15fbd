package dev.flowvi.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BytecodeStoreTest {
  private static final String BUILD = "build-1";

  /** y = c·x through a static nested class, so an entry holds two classes. */
  private static GeneratedSource nestedScaler(String name, double c) {
    SourceWriter w = new SourceWriter();
    w.line("package dev.flowvi.codegen.gen;");
    w.open("public final class " + name + " implements java.util.function.DoubleUnaryOperator");
    w.open("static final class Factor");
    w.line("static double of() { return " + SourceWriter.literal(c) + "; }");
    w.close();
    w.open("public double applyAsDouble(double x)");
    w.line("return Factor.of() * x;");
    w.close();
    w.close();
    return GeneratedSource.of("nested:" + name + ":" + c, "dev.flowvi.codegen.gen." + name, w.build());
  }

  private static CompiledClass compile(Path dir, String build, GeneratedSource source) {
    return new KernelCompiler(KernelCompiler.class.getClassLoader(), new BytecodeStore(dir, build)).compile(source);
  }

  private static double apply(CompiledClass c, double x) {
    return c.newInstance(DoubleUnaryOperator.class).applyAsDouble(x);
  }

  private static List<Path> entries(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".classes")).sorted().collect(java.util.stream.Collectors.toList());
    }
  }

  @Test
  void aSecondCompilerLoadsTheStoredBytecodeInsteadOfCompiling(@TempDir Path dir) throws IOException {
    GeneratedSource source = nestedScaler("StoredA", 0.5);
    CompiledClass first = compile(dir, BUILD, source);
    assertFalse(first.fromStore());
    assertEquals(1.5, apply(first, 3.0), 0.0);
    assertEquals(1, entries(dir).size());

    CompiledClass second = compile(dir, BUILD, source);
    assertTrue(second.fromStore());
    assertEquals(1.5, apply(second, 3.0), 0.0);
    assertEquals(first.type().getName(), second.type().getName());
    assertNotSame(first.type(), second.type(), "each compiler defines its own class");
    assertEquals(first.methodSizes(), second.methodSizes());
    assertEquals(1, entries(dir).size());
  }

  @Test
  void anotherSourceOrAnotherBuildIsAnotherEntry(@TempDir Path dir) throws IOException {
    compile(dir, BUILD, nestedScaler("StoredB", 0.5));
    CompiledClass otherConstant = compile(dir, BUILD, nestedScaler("StoredB", 0.25));
    assertFalse(otherConstant.fromStore());
    assertEquals(0.75, apply(otherConstant, 3.0), 0.0);
    CompiledClass otherBuild = compile(dir, "build-2", nestedScaler("StoredB", 0.5));
    assertFalse(otherBuild.fromStore(), "bytecode from another build of FlowVI is never linked");
    assertEquals(3, entries(dir).size());
  }

  @Test
  void alteredTruncatedOrForeignEntriesAreCompiledAgainAndRewritten(@TempDir Path dir) throws IOException {
    GeneratedSource source = nestedScaler("StoredC", 2.0);
    compile(dir, BUILD, source);
    Path entry = entries(dir).get(0);
    byte[] good = Files.readAllBytes(entry);

    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 1;
    byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);
    byte[] tiny = {1, 2, 3};
    for (byte[] bad : List.of(flipped, truncated, tiny, new byte[0])) {
      Files.write(entry, bad);
      CompiledClass again = compile(dir, BUILD, source);
      assertFalse(again.fromStore(), "a damaged entry of " + bad.length + " bytes must not load");
      assertEquals(6.0, apply(again, 3.0), 0.0);
      assertTrue(compile(dir, BUILD, source).fromStore(), "the entry is rewritten whole");
    }
  }

  @Test
  void anEntryWithoutTheRequestedClassIsAbsent(@TempDir Path dir) {
    BytecodeStore store = new BytecodeStore(dir, BUILD);
    GeneratedSource source = nestedScaler("StoredD", 1.0);
    store.store(source, "s", Map.of("dev.flowvi.codegen.gen.SomethingElse", new byte[] {1}));
    assertNull(store.load(source, "s"));
    assertNull(store.load(source, "other settings"));
  }

  @Test
  void anUnwritableFolderStillCompilesAndSaysWhatToDo(@TempDir Path dir) throws IOException {
    Path notAFolder = Files.writeString(dir.resolve("plain-file"), "x");
    GeneratedSource source = nestedScaler("StoredE", 4.0);
    CompiledClass compiled = compile(notAFolder, BUILD, source);
    assertFalse(compiled.fromStore());
    assertEquals(12.0, apply(compiled, 3.0), 0.0);

    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> new BytecodeStore(notAFolder, BUILD).store(source, "s", Map.of(source.className(), new byte[] {1})));
    assertTrue(e.getMessage().contains(notAFolder.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("-D" + BytecodeStore.DIRECTORY_PROPERTY + "="), e.getMessage());
  }

  @Test
  void keepsTheMostRecentlyWrittenEntries(@TempDir Path dir) throws IOException {
    BytecodeStore store = new BytecodeStore(dir, BUILD);
    int max = BytecodeStore.MAX_ENTRIES;
    List<Path> written = new ArrayList<>();
    for (int i = 0; i < max; i++) {
      GeneratedSource s = GeneratedSource.of("k" + i, "dev.flowvi.codegen.gen.K" + i, "// " + i);
      store.store(s, "s", Map.of(s.className(), new byte[] {(byte) i}));
      Path p = store.entry(s, "s");
      Files.setLastModifiedTime(p, FileTime.fromMillis(1_000_000L * (i + 1)));
      written.add(p);
    }
    assertEquals(max, entries(dir).size());
    for (int i = max; i < max + 2; i++) {
      GeneratedSource s = GeneratedSource.of("k" + i, "dev.flowvi.codegen.gen.K" + i, "// " + i);
      store.store(s, "s", Map.of(s.className(), new byte[] {(byte) i}));
      written.add(store.entry(s, "s"));
    }
    assertEquals(max, entries(dir).size());
    assertFalse(Files.exists(written.get(0)));
    assertFalse(Files.exists(written.get(1)));
    assertTrue(Files.exists(written.get(2)));
    assertTrue(Files.exists(written.get(max + 1)));
  }

  @Test
  void concurrentCompilersLeaveOneWholeEntry(@TempDir Path dir) throws Exception {
    GeneratedSource source = nestedScaler("StoredF", 3.0);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<CompiledClass>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(pool.submit(() -> compile(dir, BUILD, source)));
      }
      for (Future<CompiledClass> r : results) {
        assertEquals(9.0, apply(r.get(), 3.0), 0.0);
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(1, entries(dir).size());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file is left behind");
    }
    assertTrue(compile(dir, BUILD, source).fromStore());
  }

  @Test
  void isOffUnlessTheFolderIsNamedAndFlowViRunsFromJars(@TempDir Path dir) {
    String before = System.getProperty(BytecodeStore.DIRECTORY_PROPERTY);
    try {
      System.clearProperty(BytecodeStore.DIRECTORY_PROPERTY);
      assertNull(BytecodeStore.configured());
      System.setProperty(BytecodeStore.DIRECTORY_PROPERTY, " ");
      assertNull(BytecodeStore.configured());
      System.setProperty(BytecodeStore.DIRECTORY_PROPERTY, dir.toString());
      // These tests run FlowVI from classes folders, which have no build identity.
      assertNull(BytecodeStore.configured());
      assertNull(KernelCompiler.forEngine().store());
    } finally {
      if (before == null) {
        System.clearProperty(BytecodeStore.DIRECTORY_PROPERTY);
      } else {
        System.setProperty(BytecodeStore.DIRECTORY_PROPERTY, before);
      }
    }
  }

  @Test
  void aJarIsIdentifiedByPathSizeAndTimeAndAFolderNotAtAll() {
    String jar = BytecodeStore.jarFingerprint(Test.class);
    assertNotNull(jar);
    assertTrue(jar.contains(".jar|"), jar);
    assertEquals(jar, BytecodeStore.jarFingerprint(Test.class, Test.class), "one line per distinct jar");
    assertNull(BytecodeStore.jarFingerprint(BytecodeStoreTest.class, Test.class));
  }

  @Test
  void rejectsAMissingFolderOrFingerprint(@TempDir Path dir) {
    assertThrows(IllegalArgumentException.class, () -> new BytecodeStore(null, BUILD));
    assertThrows(IllegalArgumentException.class, () -> new BytecodeStore(dir, ""));
  }
}
