package dev.flowvi.cli.console;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line training progress bar. On a terminal it redraws the same line with a carriage
 * return at most every 100 ms; otherwise (a log file, CI) it prints one line at each further 10% of
 * the steps, so logs stay short. The ETA assumes the remaining steps take as long as the mean so
 * far.
 */
public final class ProgressBar implements ProgressListener {
  private static final int WIDTH = 30;
  private static final double REDRAW_SECONDS = 0.1;

  private final PrintWriter out;
  private final boolean interactive;
  private int lastDecile = 0;
  private double lastDraw = Double.NEGATIVE_INFINITY;
  private int lastLength;

  private ProgressBar(PrintWriter out, boolean interactive) {
    this.out = out;
    this.interactive = interactive;
  }

  /** A bar on {@code out}, redrawn in place when a console is attached to this JVM. */
  public static ProgressBar on(PrintWriter out) {
    return new ProgressBar(out, System.console() != null);
  }

  /** A bar with the mode chosen explicitly (for tests and for forcing plain lines). */
  public static ProgressBar on(PrintWriter out, boolean interactive) {
    return new ProgressBar(out, interactive);
  }

  @Override
  public void onStep(int step, int totalSteps, double loss, double learningRate, double elapsedSeconds) {
    if (totalSteps < 1 || step < 1) {
      return;
    }
    if (interactive) {
      if (step < totalSteps && elapsedSeconds - lastDraw < REDRAW_SECONDS) {
        return;
      }
      lastDraw = elapsedSeconds;
      String line = line(step, totalSteps, loss, learningRate, elapsedSeconds);
      // Pad with spaces so a shorter line fully covers the previous one.
      String pad = lastLength > line.length() ? " ".repeat(lastLength - line.length()) : "";
      out.print("\r" + line + pad);
      lastLength = line.length();
      out.flush();
      return;
    }
    int decile = (int) ((long) step * 10 / totalSteps);
    if (decile > lastDecile) {
      lastDecile = decile;
      out.println(line(step, totalSteps, loss, learningRate, elapsedSeconds));
      out.flush();
    }
  }

  @Override
  public void onFinish() {
    if (interactive && lastLength > 0) {
      out.println();
      out.flush();
    }
  }

  /** The text of one progress line. */
  static String line(int step, int totalSteps, double loss, double learningRate, double elapsedSeconds) {
    int filled = (int) ((long) step * WIDTH / totalSteps);
    double eta = elapsedSeconds / step * (totalSteps - step);
    return String.format(Locale.ROOT, "[%s%s] %3d%% step %d/%d  loss %.5g  lr %.1e  elapsed %s  ETA %s",
        "#".repeat(filled), ".".repeat(WIDTH - filled), (int) ((long) step * 100 / totalSteps), step, totalSteps,
        loss, learningRate, duration(elapsedSeconds), duration(eta));
  }

  static String duration(double seconds) {
    if (!Double.isFinite(seconds)) {
      return "?";
    }
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.1fs", seconds);
    }
    long s = Math.round(seconds);
    return s < 3600 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60)
        : String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
  }
}
