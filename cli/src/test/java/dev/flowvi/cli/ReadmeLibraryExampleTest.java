package dev.flowvi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowvi.codegen.model.ModelCompiler;
import dev.flowvi.engine.distribution.StandardNormal;
import dev.flowvi.engine.distribution.TransformedDistribution;
import dev.flowvi.engine.examples.M1Data;
import dev.flowvi.engine.flow.Flows;
import dev.flowvi.engine.model.CsvData;
import dev.flowvi.engine.model.Model;
import dev.flowvi.engine.model.ModelFile;
import dev.flowvi.engine.target.LogDensity;
import dev.flowvi.engine.train.Schedule;
import dev.flowvi.engine.train.Trainer;
import dev.flowvi.engine.train.TrainerConfig;
import dev.flowvi.engine.train.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "As a library" snippet, verbatim but for a shorter schedule and a data file of
 * its own, so that the documented API cannot drift from the code.
 */
class ReadmeLibraryExampleTest {

  @Test
  void theReadmeSnippetCompilesAndTrains(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("m1.csv");
    CsvData.write(M1Data.generate(1), csv);
    Path modelFile = Path.of("..", "examples", "m1.model");
    assertTrue(Files.exists(modelFile), "run from the cli module folder");

    Model model = ModelFile.read(modelFile);
    LogDensity target = ModelCompiler.logDensity(model, CsvData.read(csv));
    TransformedDistribution flow = Flows.maskedAutoregressive(StandardNormal.of(target.dim()))
        .direction(Flows.Direction.SAMPLING_FAST)
        .seed(1)
        .build();
    TrainerConfig config = TrainerConfig.builder()
        .seed(1)
        .schedule(Schedule.piecewiseConstant(new double[] {3e-3, 1e-3}, new int[] {15, 5}))
        .sampleCount(100)
        .build();
    TrainingResult fit = Trainer.of(config).fit(flow, target, flow.initialParameters(1));

    assertEquals(flow.parameterCount(), fit.params().length);
    assertEquals(20, fit.steps());
    double[] losses = fit.lossHistory();
    assertTrue(losses[losses.length - 1] < losses[0], "the loss falls over 20 steps");
  }
}
