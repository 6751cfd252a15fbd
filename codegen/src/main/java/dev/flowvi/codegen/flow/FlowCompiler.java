package dev.flowvi.codegen.flow;

import dev.flowvi.codegen.CodegenException;
import dev.flowvi.codegen.CodegenMode;
import dev.flowvi.codegen.CompiledClass;
import dev.flowvi.codegen.CompiledOrInterpreted;
import dev.flowvi.codegen.GeneratedSource;
import dev.flowvi.codegen.KernelCache;
import dev.flowvi.engine.bijection.Bijection;

/**
 * Compiles a flow into one generated {@link Bijection} class per topology.
 *
 * <p>The flow is lowered to a small IR ({@link FlowLayer}); dimensions, knots, widths, masks,
 * offsets and permutations become constants of the class. Permutations become row tables,
 * consecutive elementwise maps (LeakyTanh, Exp, Sigmoid, SoftPlus, Tanh, Loft, Bounded, Loc,
 * Scale, Affine, elementwise splines and affine transformers, Stacks of them) fuse into one loop
 * over the batch, MADE masks become compressed connectivity (masked weights are never visited),
 * the inverse of a MaskedAutoregressive layer costs one network pass instead of D, and a Coupling
 * layer one network pass in either direction. Dense layers and spline transformers call the
 * engine's kernels, which run on the Vector API when it is enabled; then the generated elementwise
 * shift/scale/Exp loops, LeakyTanh's value passes (in a loop of their own when the chain has a
 * spline) and the conditioner's activations and identity offsets also run over the batch in Vector
 * API lanes with a scalar tail, unless {@code -Dflowvi.flow.lanes=scalar} (lane code boxes until C2
 * reaches it, thousands of calls). The variant is part of the cache key.
 * An unconditional Planar layer forms û and m = wᵀû once per pass ({@link PlanarEmitter}), a
 * conditional one runs its Mlp with constant sizes and forms them per point ({@link
 * ConditionalPlanarEmitter}); a BlockAutoregressiveNetwork has its block structure as loop bounds
 * and keeps the engine's bracketed Newton inverse and implicit-function-theorem gradients ({@link
 * BlockAutoregressiveEmitter}). Every layer gets its own methods, so no method grows with the depth
 * of the flow, and layers with the same code share them ({@link LayerSharing}). Compiled kinds:
 * {@value FlowProgram#SUPPORTED}. Anything else (a Stack part that mixes coordinates, say)
 * throws {@link CodegenException}, on which {@link #compileOrInterpret} falls back to the
 * interpreted flow.
 */
public final class FlowCompiler {
  private FlowCompiler() {}

  /** The compiled flow, or a {@link CodegenException} naming the first layer kind it cannot compile. */
  public static Bijection compile(Bijection flow) {
    return compile(flow, KernelCache.shared());
  }

  public static Bijection compile(Bijection flow, KernelCache cache) {
    FlowProgram program = FlowProgram.of(flow);
    String key = program.key();
    return instantiate(cache.get(key, () -> FlowSourceGenerator.generate(program, key)), flow);
  }

  /** The class of an explicit program variant (the scalar one on a vector JVM, say), for tests. */
  static Bijection compile(FlowProgram program, Bijection flow, KernelCache cache) {
    String key = program.key();
    return instantiate(cache.get(key, () -> FlowSourceGenerator.generate(program, key)), flow);
  }

  /** The compiled class for {@code flow} (source, bytecode sizes, compile time), for tests and benchmarks. */
  public static CompiledClass compiledClass(Bijection flow, KernelCache cache) {
    FlowProgram program = FlowProgram.of(flow);
    String key = program.key();
    return cache.get(key, () -> FlowSourceGenerator.generate(program, key));
  }

  /** The generated source without compiling it. */
  public static GeneratedSource source(Bijection flow) {
    FlowProgram program = FlowProgram.of(flow);
    return FlowSourceGenerator.generate(program, program.key());
  }

  /** The compiled flow, or, following {@link CodegenMode} ({@code -Dflowvi.codegen}), the interpreted one. */
  public static Bijection compileOrInterpret(Bijection flow) {
    return compileOrInterpret(CodegenMode.fromSystemProperty(), flow, KernelCache.shared());
  }

  public static Bijection compileOrInterpret(CodegenMode mode, Bijection flow, KernelCache cache) {
    if (flow == null) {
      throw new IllegalArgumentException("flow is null, expected a bijection to compile");
    }
    if (mode == CodegenMode.OFF) {
      return flow;
    }
    FlowProgram program;
    try {
      program = FlowProgram.of(flow);
    } catch (CodegenException e) {
      // Unsupported kind: let the shared policy warn once (auto) or rethrow (strict).
      String key = "flow:unsupported:" + flow.name();
      return CompiledOrInterpreted.choose(mode, cache, key, () -> { throw e; }, c -> flow, () -> flow);
    }
    String key = program.key();
    return CompiledOrInterpreted.choose(mode, cache, key, () -> FlowSourceGenerator.generate(program, key),
        c -> instantiate(c, flow), () -> flow);
  }

  private static Bijection instantiate(CompiledClass compiled, Bijection flow) {
    try {
      return (Bijection) compiled.type().getDeclaredConstructor(Bijection.class).newInstance(flow);
    } catch (ReflectiveOperationException e) {
      throw new CodegenException("generated flow class " + compiled.type().getName() + " cannot be instantiated: " + e, e);
    }
  }
}
