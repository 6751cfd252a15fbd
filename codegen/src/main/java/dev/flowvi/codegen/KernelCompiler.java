package dev.flowvi.codegen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.codehaus.commons.compiler.CompileException;
import org.codehaus.janino.SimpleCompiler;

/**
 * Compiles generated sources with Janino at run time.
 *
 * <p>Janino accepts a Java subset: no lambdas, method references, {@code var}, records, switch
 * expressions or generics. Generators emit plain Java 8 style code with explicit casts. Setting
 * the system property {@code flowvi.codegen.dump} to a folder writes every source there before
 * compiling, so a user can read exactly what runs.
 */
public final class KernelCompiler {
  public static final String DUMP_PROPERTY = "flowvi.codegen.dump";
  /** Class-file version 52 (Java 8): default and static interface methods are allowed. */
  private static final int TARGET_VERSION = 8;

  private final ClassLoader parent;

  public KernelCompiler(ClassLoader parent) {
    this.parent = parent;
  }

  /** A compiler whose generated classes see the engine and this module. */
  public static KernelCompiler forEngine() {
    return new KernelCompiler(KernelCompiler.class.getClassLoader());
  }

  /**
   * Compiles {@code source} and loads its class.
   *
   * @throws CodegenException if Janino rejects the source or the class cannot be loaded
   */
  public CompiledClass compile(GeneratedSource source) {
    dumpIfRequested(source);
    long start = System.nanoTime();
    SimpleCompiler compiler = new SimpleCompiler();
    compiler.setParentClassLoader(parent);
    compiler.setTargetVersion(TARGET_VERSION);
    compiler.setDebuggingInformation(true, true, false);
    try {
      compiler.cook(source.simpleName() + ".java", new java.io.StringReader(source.source()));
      Class<?> type = compiler.getClassLoader().loadClass(source.className());
      Map<String, Integer> sizes = new LinkedHashMap<>();
      for (Map.Entry<String, byte[]> e : compiler.getBytecodes().entrySet()) {
        for (Map.Entry<String, Integer> m : MethodSizes.of(e.getValue()).entrySet()) {
          sizes.put(e.getKey() + "." + m.getKey(), m.getValue());
        }
      }
      return new CompiledClass(source, type, sizes, System.nanoTime() - start);
    } catch (CompileException | IOException | ClassNotFoundException | LinkageError e) {
      throw new CodegenException("could not compile generated class " + source.className()
          + " for topology " + source.key() + ": " + e.getMessage(), e);
    }
  }

  private static void dumpIfRequested(GeneratedSource source) {
    String dir = System.getProperty(DUMP_PROPERTY);
    if (dir == null || dir.isBlank()) {
      return;
    }
    try {
      Path folder = Path.of(dir);
      Files.createDirectories(folder);
      Files.writeString(folder.resolve(source.simpleName() + ".java"),
          "// topology: " + source.key() + "\n" + source.source(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot dump generated source to " + dir + " (set by -D" + DUMP_PROPERTY + ")", e);
    }
  }
}
