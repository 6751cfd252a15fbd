package dev.flowvi.codegen;

import java.util.Map;

/**
 * Defines one generated class (and its nested classes) from bytecode, whether Janino has just
 * produced it or {@link BytecodeStore} read it back, so both paths load a class the same way.
 * Everything else is resolved by the parent.
 */
final class BytecodeClassLoader extends ClassLoader {
  static {
    registerAsParallelCapable();
  }

  private final Map<String, byte[]> classes;

  BytecodeClassLoader(ClassLoader parent, Map<String, byte[]> classes) {
    super(parent);
    this.classes = Map.copyOf(classes);
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    byte[] bytes = classes.get(name);
    if (bytes == null) {
      throw new ClassNotFoundException(name);
    }
    return defineClass(name, bytes, 0, bytes.length);
  }
}
