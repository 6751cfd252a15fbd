package dev.flowvi.cli.fit;

import dev.flowvi.cli.report.Draws;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.examples.M1Data;
import dev.flowvi.engine.examples.M1LogPosterior;
import dev.flowvi.engine.examples.SeedModels;
import dev.flowvi.engine.model.Model;
import dev.flowvi.engine.model.ModelFile;
import dev.flowvi.engine.random.RandomStream;
import java.nio.file.Path;

/**
 * A fitted flow rebuilt from its {@link FlowFile}: the same topology (flow kind and seed), the
 * saved parameters, and the map to the model's named parameters.
 */
public record SavedFlow(TransformedDistribution flow, double[] params, Constraining constraining) {
  /** Source tag prefix of flows fitted to model files. */
  public static final String MODEL_SOURCE = "model ";

  public static SavedFlow restore(FlowFile file, Path location) {
    TransformedDistribution flow;
    Constraining constraining;
    if (file.source().equals(SeedExamples.M1_SOURCE) && file.flow().equals(SeedExamples.M1_DEFAULT_FLOW)) {
      flow = SeedExamples.m1DefaultFlow(file.seed());
      constraining = ModelPlans.constraining(SeedModels.m1());
    } else if (file.source().equals(SeedExamples.M2_SOURCE) && file.flow().equals(SeedExamples.M2_DEFAULT_FLOW)) {
      flow = SeedExamples.m2DefaultFlow(file.seed());
      constraining = ModelPlans.constraining(SeedModels.m2());
    } else if (file.source().equals(SeedExamples.M1_SOURCE)) {
      flow = SeedExamples.m1Flow(file.seed());
      // The unit-cube-to-box map reads no data, so the generated data serve for any M1 fit.
      constraining = SeedExamples.m1Constraining(M1LogPosterior.of(M1Data.generate(file.seed()), M1LogPosterior.Parameterisation.UNIT_CUBE));
    } else if (file.source().equals(SeedExamples.M2_SOURCE)) {
      flow = SeedExamples.m2Flow(file.seed());
      constraining = ModelPlans.constraining(SeedModels.m2());
    } else if (file.source().startsWith(MODEL_SOURCE)) {
      Path modelFile = Path.of(file.source().substring(MODEL_SOURCE.length()));
      if (!modelFile.isAbsolute() && location.getParent() != null && !modelFile.toFile().exists()) {
        modelFile = location.getParent().resolve(modelFile);
      }
      Model model = ModelFile.read(modelFile);
      flow = ModelPlans.flow(model.dim(), FlowChoice.parse(file.flow()), file.seed());
      constraining = ModelPlans.constraining(model);
    } else {
      throw new IllegalArgumentException(location + ": source is '" + file.source() + "', expected '" + SeedExamples.M1_SOURCE
          + "', '" + SeedExamples.M2_SOURCE + "' or '" + MODEL_SOURCE + "PATH'");
    }
    if (flow.parameterCount() != file.params().length) {
      throw new IllegalArgumentException(location + " holds " + file.params().length + " parameters, but the flow it names ("
          + file.flow() + ", " + file.source() + ") has " + flow.parameterCount());
    }
    return new SavedFlow(flow, file.params(), constraining);
  }

  /** n draws, constrained and named, from a stream fixed by {@code seed}. */
  public Draws sample(int n, long seed) {
    int dim = flow.dim();
    double[] z = new double[dim * n];
    double[] logq = new double[n];
    flow.sampleAndLogProb(params, 0, RandomStream.of(seed), null, z, logq, n, flow.newWorkspace(n));
    double[] out = new double[constraining.names().size() * n];
    constraining.constrain(z, n, out);
    return new Draws(constraining.names(), out, n);
  }
}
