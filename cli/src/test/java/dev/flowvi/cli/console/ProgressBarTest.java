package dev.flowvi.cli.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

  @Test
  void withoutAConsoleItPrintsOneLineAtEachTenPercent() {
    StringWriter s = new StringWriter();
    ProgressBar bar = ProgressBar.on(new PrintWriter(s), false);
    for (int step = 1; step <= 300; step++) {
      bar.onStep(step, 300, 1000.0 / step, 1e-2, step * 0.01);
    }
    bar.onFinish();
    String[] lines = s.toString().split("\n");
    assertEquals(10, lines.length, s.toString());
    assertTrue(lines[0].contains("step 30/300") && lines[0].contains(" 10%"), lines[0]);
    assertTrue(lines[9].contains("step 300/300") && lines[9].contains("100%") && lines[9].contains("ETA 0.0s"), lines[9]);
    assertTrue(!s.toString().contains("\r"), "no carriage returns in a log");
  }

  @Test
  void fewStepsStillReachTheEnd() {
    StringWriter s = new StringWriter();
    ProgressBar bar = ProgressBar.on(new PrintWriter(s), false);
    for (int step = 1; step <= 7; step++) {
      bar.onStep(step, 7, 1.0, 1e-3, step);
    }
    String[] lines = s.toString().split("\n");
    assertEquals(7, lines.length, "each of 7 steps crosses a new tenth");
    assertTrue(lines[6].contains("step 7/7"), lines[6]);
  }

  @Test
  void onAConsoleItRedrawsOneLine() {
    StringWriter s = new StringWriter();
    ProgressBar bar = ProgressBar.on(new PrintWriter(s), true);
    for (int step = 1; step <= 50; step++) {
      bar.onStep(step, 50, 2.0, 1e-2, step * 0.5); // 0.5 s per step: every step is redrawn
    }
    bar.onFinish();
    String out = s.toString();
    assertEquals(50, out.chars().filter(c -> c == '\r').count());
    assertTrue(out.endsWith("\n") && out.indexOf('\n') == out.length() - 1, "a single newline, at the end");
  }

  @Test
  void etaExtrapolatesTheMeanStepTime() {
    // 25 of 100 steps in 10 s: 75 steps left at 0.4 s each = 30 s.
    String line = ProgressBar.line(25, 100, 12.5, 1e-2, 10.0);
    assertTrue(line.contains("ETA 30.0s") && line.contains("elapsed 10.0s") && line.contains(" 25%"), line);
    assertTrue(line.startsWith("[" + "#".repeat(7) + ".".repeat(23) + "]"), line);
    assertEquals("2m05s", ProgressBar.duration(125));
    assertEquals("1h01m", ProgressBar.duration(3661));
  }

  @Test
  void aRunThatEndsEarlyHasItsLastStepDrawn() {
    StringWriter s = new StringWriter();
    ProgressBar bar = ProgressBar.on(new PrintWriter(s), false);
    for (int step = 1; step <= 123; step++) {
      bar.onStep(step, 600, 5.0, 1e-3, step * 0.01);
    }
    bar.onFinish();
    String[] lines = s.toString().split("\n");
    assertEquals(3, lines.length, s.toString());
    assertTrue(lines[2].contains("step 123/600") && lines[2].endsWith("(ended early)"), lines[2]);

    StringWriter console = new StringWriter();
    ProgressBar redrawn = ProgressBar.on(new PrintWriter(console), true);
    for (int step = 1; step <= 123; step++) {
      redrawn.onStep(step, 600, 5.0, 1e-3, step * 0.001); // 1 ms per step: most steps are not redrawn
    }
    redrawn.onFinish();
    String out = console.toString();
    assertTrue(out.endsWith("step 123/600  loss 5.0000  lr 1.0e-03  elapsed 0.1s  ETA 0.5s  (ended early)\n"), out);

    StringWriter complete = new StringWriter();
    ProgressBar done = ProgressBar.on(new PrintWriter(complete), false);
    for (int step = 1; step <= 20; step++) {
      done.onStep(step, 20, 5.0, 1e-3, step);
    }
    done.onFinish();
    assertTrue(!complete.toString().contains("ended early"), "a complete run is not marked");
  }
}
