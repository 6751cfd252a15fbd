package dev.flowvi.codegen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;
import org.codehaus.commons.compiler.CompileException;
import org.codehaus.janino.SimpleCompiler;

/**
 * Compiles generated sources with Janino at run time.
 *
 * <p>Janino accepts a Java subset: no lambdas, method references, {@code var}, records, switch
 * expressions or generics. Generators emit plain Java 8 style code with explicit casts. Setting
 * the system property {@code flowvi.codegen.dump} to a folder writes every source there before
 * compiling, so a user can read exactly what runs. With a {@link BytecodeStore}, a source compiled
 * by an earlier process is loaded from its stored bytecode instead, and Janino does not run.
 */
public final class KernelCompiler {
  public static final String DUMP_PROPERTY = "flowvi.codegen.dump";
  /** Class-file version 52 (Java 8): default and static interface methods are allowed. */
  private static final int TARGET_VERSION = 8;
  /** Janino's settings, part of every stored entry's key. */
  private static final String SETTINGS = "janino target " + TARGET_VERSION + ", debug lines and source";
  private static final Logger LOG = Logger.getLogger(KernelCompiler.class.getName());

  private final ClassLoader parent;
  private final BytecodeStore store;

  public KernelCompiler(ClassLoader parent) {
    this(parent, null);
  }

  /** A compiler that keeps its classes' bytecode in {@code store} (null for none). */
  public KernelCompiler(ClassLoader parent, BytecodeStore store) {
    this.parent = parent;
    this.store = store;
  }

  /**
   * A compiler whose generated classes see the engine and this module, with the bytecode store
   * that {@value BytecodeStore#DIRECTORY_PROPERTY} names, if any.
   */
  public static KernelCompiler forEngine() {
    return new KernelCompiler(KernelCompiler.class.getClassLoader(), BytecodeStore.configured());
  }

  /** The bytecode store in use, or null. */
  public BytecodeStore store() {
    return store;
  }

  /**
   * Compiles {@code source} and loads its class.
   *
   * @throws CodegenException if Janino rejects the source or the class cannot be loaded
   */
  public CompiledClass compile(GeneratedSource source) {
    dumpIfRequested(source);
    long start = System.nanoTime();
    Map<String, byte[]> bytecodes = store == null ? null : store.load(source, SETTINGS);
    boolean fromStore = bytecodes != null;
    Class<?> type = null;
    if (fromStore) {
      try {
        type = define(bytecodes, source);
      } catch (ClassNotFoundException | LinkageError e) {
        LOG.warning("compiling " + source.className() + " again: its stored bytecode does not load (" + e + ")");
        fromStore = false;
      }
    }
    if (!fromStore) {
      bytecodes = cook(source, parent);
      try {
        type = define(bytecodes, source);
      } catch (ClassNotFoundException | LinkageError e) {
        throw new CodegenException("could not load generated class " + source.className()
            + " for topology " + source.key() + ": " + e, e);
      }
      if (store != null) {
        try {
          store.store(source, SETTINGS, bytecodes);
        } catch (java.io.UncheckedIOException e) {
          LOG.warning(e.getMessage());
        }
      }
    }
    Map<String, Integer> sizes = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> e : bytecodes.entrySet()) {
      for (Map.Entry<String, Integer> m : MethodSizes.of(e.getValue()).entrySet()) {
        sizes.put(e.getKey() + "." + m.getKey(), m.getValue());
      }
    }
    return new CompiledClass(source, type, sizes, System.nanoTime() - start, fromStore);
  }

  /** Loads {@code source}'s class from {@code bytecodes} through a loader of its own. */
  private Class<?> define(Map<String, byte[]> bytecodes, GeneratedSource source) throws ClassNotFoundException {
    return new BytecodeClassLoader(parent, bytecodes).loadClass(source.className());
  }

  /** Janino's bytecode for {@code source}, by class name, resolving other classes through {@code parent}. */
  private static Map<String, byte[]> cook(GeneratedSource source, ClassLoader parent) {
    SimpleCompiler compiler = new SimpleCompiler();
    compiler.setParentClassLoader(parent);
    compiler.setTargetVersion(TARGET_VERSION);
    compiler.setDebuggingInformation(true, true, false);
    try {
      compiler.cook(source.simpleName() + ".java", new java.io.StringReader(source.source()));
      return compiler.getBytecodes();
    } catch (CompileException | IOException e) {
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
