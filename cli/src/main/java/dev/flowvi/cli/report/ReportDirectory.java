package dev.flowvi.cli.report;

import dev.flowvi.engine.core.Unchecked;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the whole report of a fit into one directory: {@code summary.csv}, {@code draws.csv},
 * {@code report.json}, {@code loss.png} and {@code loss.csv} (when there is a loss curve), {@code corner.png} and the
 * {@code index.html} page that ties them together.
 */
public final class ReportDirectory {
  private ReportDirectory() {}

  /**
   * @param truth true values, one per parameter (NaN where unknown), or null
   * @param reference reference draws of the same parameters, or null
   * @return the files written, relative to {@code dir}
   */
  public static List<String> write(Path dir, FitReport report, Draws draws, double[] truth, Draws reference) throws IOException {
    return write(dir, report, draws, truth, reference, List.of());
  }

  /**
   * As {@link #write(Path, FitReport, Draws, double[], Draws)}, with {@code alsoInDir}: files the
   * caller already wrote into {@code dir} (such as the fitted flow) for the page to link.
   */
  public static List<String> write(Path dir, FitReport report, Draws draws, double[] truth, Draws reference, List<String> alsoInDir)
      throws IOException {
    Files.createDirectories(dir);
    CornerPlot corner = CornerPlot.of(draws.names(), draws.values(), draws.count());
    if (truth != null) {
      corner = corner.withTruth(truth);
    }
    if (reference != null) {
      corner = corner.withReference(reference.values(), reference.count());
    }
    // The corner plot is the slowest file (a quarter second for M2's 27 parameters): it is drawn
    // on a thread of its own while this one writes the others.
    CornerPlot plot = corner;
    Throwable[] cornerFailure = new Throwable[1];
    Thread cornerThread = new Thread(() -> {
      try {
        plot.write(dir.resolve(HtmlReport.CORNER_PNG));
      } catch (IOException | RuntimeException | Error e) {
        cornerFailure[0] = e;
      }
    }, "flowvi-corner-plot");
    cornerThread.setDaemon(true);
    cornerThread.start();
    List<String> written = new ArrayList<>();
    try {
      SummaryCsv.write(dir.resolve(HtmlReport.SUMMARY_CSV), report.summaries());
      written.add(HtmlReport.SUMMARY_CSV);
      draws.write(dir.resolve(HtmlReport.DRAWS_CSV));
      written.add(HtmlReport.DRAWS_CSV);
      ReportJson.write(dir.resolve(HtmlReport.REPORT_JSON), report);
      written.add(HtmlReport.REPORT_JSON);
      if (report.training() != null && report.training().losses().length > 0) {
        LossPlot.write(dir.resolve(HtmlReport.LOSS_PNG), report.training().losses());
        written.add(HtmlReport.LOSS_PNG);
        LossCsv.write(dir.resolve(HtmlReport.LOSS_CSV), report.training().losses());
        written.add(HtmlReport.LOSS_CSV);
      }
    } finally {
      // Also when a write above failed: the plot's file is not left half-written behind us.
      joinUninterruptibly(cornerThread);
    }
    // join() orders the plot thread's write of cornerFailure before this read.
    rethrow(cornerFailure[0]);
    written.add(HtmlReport.CORNER_PNG);
    List<String> linked = new ArrayList<>(written);
    linked.addAll(alsoInDir);
    HtmlReport.write(dir.resolve("index.html"), report, linked);
    written.add("index.html");
    return written;
  }

  private static void joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** The corner plot's failure, as it was thrown, if it failed. */
  private static void rethrow(Throwable failure) throws IOException {
    if (failure instanceof IOException io) {
      throw io;
    }
    if (failure != null) {
      throw Unchecked.of(failure, "drawing the corner plot failed");
    }
  }
}
