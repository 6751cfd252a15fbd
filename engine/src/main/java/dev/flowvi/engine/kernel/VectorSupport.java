package dev.flowvi.engine.kernel;

import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The one selection point between Vector API kernels and their scalar references.
 *
 * <p>The system property {@code flowvi.kernels} is {@code auto} (default), {@code vector} or
 * {@code scalar}. In {@code auto} mode the vector path is used when the {@code
 * jdk.incubator.vector} module is present and the preferred species holds at least two doubles;
 * otherwise the scalar path, with one logged line saying why. {@code vector} fails loudly when the
 * module is missing, so a benchmark cannot silently measure the fallback.
 *
 * <p>Vector implementations are loaded by class name, so the scalar path never touches the
 * incubator classes and runs on a JVM started without the module.
 */
public final class VectorSupport {
  public static final String PROPERTY = "flowvi.kernels";
  private static final Logger LOG = Logger.getLogger(VectorSupport.class.getName());
  private static final boolean ENABLED = decide();

  private VectorSupport() {}

  /** Whether the vector kernels are in use in this JVM. */
  public static boolean enabled() {
    return ENABLED;
  }

  /** A one-line description for reports, e.g. "vector (512-bit, 8 doubles)" or "scalar (...)". */
  public static String describe() {
    if (!ENABLED) {
      return "scalar (" + (moduleLoaded() ? "forced by -D" + PROPERTY + "=scalar or species too narrow" : "jdk.incubator.vector not loaded") + ")";
    }
    return "vector (" + preferredBits() + "-bit, " + (preferredBits() / 64) + " doubles)";
  }

  /**
   * Loads the vector implementation {@code vectorClass} of a kernel family when the vector path
   * is enabled, otherwise returns the scalar implementation.
   */
  public static <T> T choose(Class<T> family, String vectorClass, Supplier<? extends T> scalar) {
    if (!ENABLED) {
      return scalar.get();
    }
    try {
      Class<?> c = Class.forName(vectorClass, true, VectorSupport.class.getClassLoader());
      return family.cast(c.getDeclaredConstructor().newInstance());
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("vector kernel " + vectorClass + " failed to load: " + e, e);
    }
  }

  static boolean moduleLoaded() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  private static int preferredBits() {
    try {
      Class<?> probe = Class.forName("dev.flowvi.engine.kernel.VectorSpeciesProbe");
      return (Integer) probe.getMethod("preferredBits").invoke(null);
    } catch (ReflectiveOperationException | LinkageError e) {
      return 0;
    }
  }

  private static boolean decide() {
    String mode = System.getProperty(PROPERTY, "auto").trim().toLowerCase(java.util.Locale.ROOT);
    switch (mode) {
      case "scalar":
        return false;
      case "vector":
        if (!moduleLoaded()) {
          throw new IllegalStateException(
              "-D" + PROPERTY + "=vector needs the Vector API: start the JVM with --add-modules jdk.incubator.vector");
        }
        return true;
      case "auto":
        if (!moduleLoaded()) {
          LOG.warning("jdk.incubator.vector is not loaded: FlowVI uses its scalar kernels. "
              + "Add --add-modules jdk.incubator.vector to the JVM flags for the vector kernels.");
          return false;
        }
        if (preferredBits() < 128) {
          LOG.warning("the preferred vector species holds fewer than 2 doubles: FlowVI uses its scalar kernels.");
          return false;
        }
        return true;
      default:
        throw new IllegalArgumentException(
            "system property " + PROPERTY + " is '" + mode + "', expected auto, vector or scalar");
    }
  }
}
