package dev.flowvi.codegen.model;

import dev.flowvi.codegen.CodegenException;
import dev.flowvi.codegen.CodegenMode;
import dev.flowvi.codegen.CompiledClass;
import dev.flowvi.codegen.CompiledOrInterpreted;
import dev.flowvi.codegen.GeneratedSource;
import dev.flowvi.codegen.KernelCache;
import dev.flowvi.codegen.MethodSizes;
import dev.flowvi.codegen.Sha256;
import dev.flowvi.engine.kernel.VectorSupport;
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.model.GraphView;
import dev.flowvi.engine.model.Model;
import dev.flowvi.engine.target.LogDensity;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Compiles a model bound to its data into one generated class (Janino) implementing {@link
 * LogDensity}: straight-line constraint transforms and priors, and one fused loop over the data
 * rows per sample with reverse-mode adjoints in the same iteration (see {@link
 * ModelSourceGenerator}).
 *
 * <p>Topology key: a SHA-256 of the generated source, which encodes the graph's structure, the
 * model's literal constants, the constraints and the loop flavour (scalar or vector). The data
 * values are not in the key: data columns and data-folded scalars are constructor arguments of the
 * generated class, so one compiled class serves every data set of the same model, whatever its
 * number of rows. Classes are cached in {@link KernelCache#shared()}, and {@link
 * CompiledOrInterpreted} decides per {@link CodegenMode}: in {@code auto} any failure falls back to
 * the interpreted {@link dev.flowvi.engine.model.ModelLogDensity} with one warning, {@code off}
 * never compiles, {@code strict} rethrows. A row loop too large for HotSpot to JIT-compile
 * (over {@link MethodSizes#HUGE_METHOD_LIMIT} bytes of bytecode) counts as a failure.
 *
 * <p>Lanes: with the Vector API the fused loop runs over DoubleVector lanes (lanewise EXP/LOG,
 * within 1 ulp of StrictMath) with a scalar tail; it is several times faster than the scalar loop
 * once C2 has compiled it, but until then the Vector API runs in the bytecode interpreter, very
 * slowly: M2's first gradient over 500 × 10^4 sample-rows takes several seconds. {@link Lanes#SCALAR}
 * avoids that warm-up. A vector loop that does not compile falls back to the scalar generated loop.
 */
public final class ModelCompiler {
  /** How the generated loop over rows runs. */
  public enum Lanes {
    /** Vector lanes when the Vector API is enabled and every row-wise operation has a vector form. */
    AUTO,
    /** One row per iteration. */
    SCALAR,
    /** Vector lanes, or an IllegalArgumentException when not possible. */
    VECTOR
  }

  private static final Logger LOG = Logger.getLogger(ModelCompiler.class.getName());
  private static final Set<String> VECTOR_WARNED = ConcurrentHashMap.newKeySet();

  private ModelCompiler() {}

  /** The compiled log density of {@code model} bound to {@code data}, per the system property flowvi.codegen. */
  public static LogDensity logDensity(Model model, DataTable data) {
    return logDensity(model, data, CodegenMode.fromSystemProperty(), Lanes.AUTO);
  }

  public static LogDensity logDensity(Model model, DataTable data, CodegenMode mode, Lanes lanes) {
    return logDensity(model, data, mode, lanes, KernelCache.shared());
  }

  static LogDensity logDensity(Model model, DataTable data, CodegenMode mode, Lanes lanes, KernelCache cache) {
    if (mode == null) {
      throw new IllegalArgumentException("mode is null, expected AUTO, OFF or STRICT");
    }
    GraphView view = GraphView.of(model, data);
    if (mode == CodegenMode.OFF) {
      return view.interpreted();
    }
    Unit unit = generate(view, lanes);
    if (mode == CodegenMode.AUTO && lanes == Lanes.AUTO && unit.vector) {
      // The vector loop failed to compile (e.g. the loader cannot see jdk.incubator.vector, or the
      // fused body is too large): the scalar generated loop is still fused, so try it before the interpreter.
      try {
        return instantiate(cache.get(unit.source.key(), () -> unit.source), unit, view);
      } catch (CodegenException | LinkageError e) {
        if (VECTOR_WARNED.add(unit.source.key())) {
          LOG.warning("FlowVI could not compile the vector row loop for topology " + unit.source.key()
              + "; using the scalar generated loop instead (" + e.getMessage() + ")");
        }
        Unit scalar = generate(view, Lanes.SCALAR);
        return CompiledOrInterpreted.choose(mode, cache, scalar.source.key(), () -> scalar.source,
            compiled -> instantiate(compiled, scalar, view), view::interpreted);
      }
    }
    return CompiledOrInterpreted.choose(mode, cache, unit.source.key(), () -> unit.source,
        compiled -> instantiate(compiled, unit, view), view::interpreted);
  }

  /** Generates and compiles (through the shared cache) without fallback: for tests and tools. */
  public static CompiledClass compile(Model model, DataTable data, Lanes lanes) {
    GraphView view = GraphView.of(model, data);
    Unit unit = generate(view, lanes);
    return KernelCache.shared().get(unit.source.key(), () -> unit.source);
  }

  /** The generated source, without compiling it. */
  public static GeneratedSource source(Model model, DataTable data, Lanes lanes) {
    return generate(GraphView.of(model, data), lanes).source;
  }

  private static Unit generate(GraphView view, Lanes lanes) {
    if (lanes == null) {
      throw new IllegalArgumentException("lanes is null, expected AUTO, SCALAR or VECTOR");
    }
    boolean possible = VectorSupport.enabled() && ModelSourceGenerator.vectorisable(view) && view.rowOrder().length > 0;
    if (lanes == Lanes.VECTOR && !possible) {
      throw new IllegalArgumentException("lanes is VECTOR, but " + (VectorSupport.enabled()
          ? "the model has a row-wise operation without a vector form (log-gamma or pow) or no data rows"
          : "the Vector API is not enabled: " + VectorSupport.describe()));
    }
    boolean vector = lanes == Lanes.VECTOR || (lanes == Lanes.AUTO && possible);
    return unit(new ModelSourceGenerator(view, vector), vector);
  }

  /**
   * The vector-lane density with at most {@code callsPerSegment} Vector API calls per tile
   * segment, compiled strictly (no fallback): lets tests cut the row loop into many segments.
   */
  static LogDensity vectorWithSegmentBudget(Model model, DataTable data, int callsPerSegment) {
    GraphView view = GraphView.of(model, data);
    Unit unit = unit(new ModelSourceGenerator(view, true, callsPerSegment), true);
    return instantiate(KernelCache.shared().get(unit.source.key(), () -> unit.source), unit, view);
  }

  /** The source of {@code generator}'s class, named by the hash of its text. */
  private static Unit unit(ModelSourceGenerator generator, boolean vector) {
    String template = generator.template();
    String hash = Sha256.hex(template, 12);
    String simpleName = "Model_" + hash;
    String key = "model:" + (vector ? "vector" : "scalar") + ":" + hash;
    GeneratedSource source = GeneratedSource.of(key, ModelSourceGenerator.PACKAGE + "." + simpleName,
        ModelSourceGenerator.withClassName(template, simpleName));
    return new Unit(source, generator, vector);
  }

  private static LogDensity instantiate(CompiledClass compiled, Unit unit, GraphView view) {
    for (Map.Entry<String, Integer> e : compiled.methodSizes().entrySet()) {
      if (e.getValue() > MethodSizes.HUGE_METHOD_LIMIT) {
        throw new CodegenException("generated method " + e.getKey() + " has " + e.getValue()
            + " bytes of bytecode, over HotSpot's limit of " + MethodSizes.HUGE_METHOD_LIMIT + " for JIT compilation");
      }
    }
    int[] columnNodes = unit.generator.columnNodes();
    double[][] columns = new double[columnNodes.length][];
    for (int k = 0; k < columns.length; k++) {
      columns[k] = view.fixedColumn(columnNodes[k]);
    }
    try {
      return (LogDensity) compiled.type()
          .getConstructor(Model.class, int.class, double[][].class, double[].class)
          .newInstance(view.model(), view.rows(), columns, unit.generator.foldedValues());
    } catch (ReflectiveOperationException e) {
      throw new CodegenException("generated class " + compiled.type().getName() + " cannot be instantiated: " + e, e);
    }
  }

  /** A generated source with the generator that knows its constructor arguments. */
  private static final class Unit {
    final GeneratedSource source;
    final ModelSourceGenerator generator;
    final boolean vector;

    Unit(GeneratedSource source, ModelSourceGenerator generator, boolean vector) {
      this.source = source;
      this.generator = generator;
      this.vector = vector;
    }
  }
}
