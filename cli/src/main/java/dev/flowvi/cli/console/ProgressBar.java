package dev.flowvi.cli.console;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line training progress bar. On a terminal it redraws the same line with a carriage
 * return at most every 100 ms; otherwise (a log file, CI) it prints one line at each further 10% of
 * the steps, so logs stay short. The ETA assumes the remaining steps take as long as the mean so
 * far. A run that ends before its last planned step gets its last step drawn, marked as ended
 * early.
 */
public final class ProgressBar implements ProgressListener {
  private static final int WIDTH = 30;
  private static final double REDRAW_SECONDS = 0.1;

  private final PrintWriter out;
  private final boolean interactive;
  private int lastDecile = 0;
  private double lastDraw = Double.NEGATIVE_INFINITY;
  private int lastLength;
  // The latest step seen, and the latest drawn: a run that ends early (converged, or failed) has
  // its last step drawn on finishing, so the bar never stops at a stale tenth.
  private int seenStep;
  private int seenTotal;
  private double seenLoss;
  private double seenRate;
  private double seenElapsed;
  private int drawnStep;

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
    seenStep = step;
    seenTotal = totalSteps;
    seenLoss = loss;
    seenRate = learningRate;
    seenElapsed = elapsedSeconds;
    if (interactive) {
      if (step < totalSteps && elapsedSeconds - lastDraw < REDRAW_SECONDS) {
        return;
      }
      lastDraw = elapsedSeconds;
      draw(line(step, totalSteps, loss, learningRate, elapsedSeconds));
      return;
    }
    int decile = (int) ((long) step * 10 / totalSteps);
    if (decile > lastDecile) {
      lastDecile = decile;
      draw(line(step, totalSteps, loss, learningRate, elapsedSeconds));
    }
  }

  private void draw(String line) {
    drawnStep = seenStep;
    if (interactive) {
      // Pad with spaces so a shorter line fully covers the previous one.
      String pad = lastLength > line.length() ? " ".repeat(lastLength - line.length()) : "";
      out.print("\r" + line + pad);
      lastLength = line.length();
    } else {
      out.println(line);
    }
    out.flush();
  }

  @Override
  public void onFinish() {
    if (seenStep > 0 && drawnStep != seenStep) {
      draw(line(seenStep, seenTotal, seenLoss, seenRate, seenElapsed) + (seenStep < seenTotal ? "  (ended early)" : ""));
    }
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
