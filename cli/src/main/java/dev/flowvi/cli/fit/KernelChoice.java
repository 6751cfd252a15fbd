package dev.flowvi.cli.fit;

import dev.flowvi.codegen.CodegenMode;
import dev.flowvi.codegen.KernelCache;
import dev.flowvi.codegen.flow.FlowCompiler;
import dev.flowvi.codegen.model.CompiledModelDensity;
import dev.flowvi.codegen.model.ModelCompiler;
import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.core.Unchecked;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.model.DataTable;
import dev.flowvi.engine.model.Model;
import dev.flowvi.engine.target.LogDensity;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * Whether a fit runs on generated kernels (the default) or on the interpreted engine
 * ({@code --interpreted}), and the one place the CLI asks codegen for them. Each call records in a
 * plan's description what actually ran: compiled, interpreted on request, or interpreted because
 * compilation failed (codegen then logged one warning).
 */
public final class KernelChoice {
  /** Description keys in report.json's settings. */
  public static final String FLOW_KERNELS = "flow kernels";
  public static final String MODEL_KERNELS = "model kernels";

  private final CodegenMode mode;
  private final boolean requested;

  private KernelChoice(CodegenMode mode, boolean requested) {
    this.mode = mode;
    this.requested = requested;
  }

  /** Interpreted when asked, else the mode of {@code -Dflowvi.codegen} (auto unless set). */
  public static KernelChoice of(boolean interpreted) {
    return new KernelChoice(interpreted ? CodegenMode.OFF : CodegenMode.fromSystemProperty(), interpreted);
  }

  public boolean interpreted() {
    return mode == CodegenMode.OFF;
  }

  /** {@code flow} with its bijection compiled (the same parameter vector), noting which ran. */
  public TransformedDistribution flow(TransformedDistribution flow, Map<String, String> description) {
    return described(flow, FlowCompiler.compileOrInterpret(mode, flow.bijection(), KernelCache.shared()), description);
  }

  /**
   * Starts {@link #flow} on a thread of its own and returns the wait for it, for a plan whose flow
   * does not depend on the work in between (a model compile and a mode search): Janino then
   * compiles the two classes side by side. The result is the same as {@link #flow}'s; the
   * description is written by the caller's thread, in {@link Supplier#get}.
   */
  public Supplier<TransformedDistribution> flowInBackground(TransformedDistribution flow, Map<String, String> description) {
    FutureTask<Bijection> task = new FutureTask<>(() -> FlowCompiler.compileOrInterpret(mode, flow.bijection(), KernelCache.shared()));
    Thread thread = new Thread(task, "flowvi-flow-compiler");
    thread.setDaemon(true);
    thread.start();
    return () -> described(flow, await(task), description);
  }

  private TransformedDistribution described(TransformedDistribution flow, Bijection chosen, Map<String, String> description) {
    description.put(FLOW_KERNELS, status(chosen != flow.bijection()));
    return chosen == flow.bijection() ? flow : TransformedDistribution.of(flow.base(), chosen);
  }

  /** The task's result; its exception (strict mode's compile error, say) as the caller's own. */
  private static Bijection await(FutureTask<Bijection> task) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return task.get();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } catch (ExecutionException e) {
      throw Unchecked.of(e.getCause(), "compiling the flow failed");
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The log density of {@code model} on {@code data}, compiled into one fused row loop when possible. */
  public LogDensity model(Model model, DataTable data, Map<String, String> description) {
    LogDensity density = ModelCompiler.logDensity(model, data, mode, ModelCompiler.Lanes.AUTO);
    description.put(MODEL_KERNELS, status(density instanceof CompiledModelDensity));
    return density;
  }

  private String status(boolean compiled) {
    if (compiled) {
      return "compiled";
    }
    if (requested) {
      return "interpreted (--interpreted)";
    }
    return interpreted() ? "interpreted (-D" + CodegenMode.PROPERTY + "=off)" : "interpreted (compilation failed, fell back)";
  }
}
