package dev.flowvi.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The training-loss curve as a PNG. As in the seed post, the loss (negative ELBO) is shown offset
 * by its minimum, since the ELBO does not tend to zero; the vertical axis is log10(1 + loss − min),
 * which reads like a log scale for large gaps and stays defined at the minimum itself.
 */
public final class LossPlot {
  public static final int WIDTH = 800;
  public static final int HEIGHT = 500;
  private static final int LEFT = 96;
  private static final int RIGHT = 24;
  private static final int TOP = 40;
  private static final int BOTTOM = 56;

  static {
    Headless.ensure();
  }

  private LossPlot() {}

  public static void write(Path file, double[] losses) throws IOException {
    PngFile.write(render(losses), file);
  }

  public static BufferedImage render(double[] losses) {
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      draw(g, losses);
    } finally {
      g.dispose();
    }
    return img;
  }

  private static void draw(Graphics2D g, double[] losses) {
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    int finite = 0;
    for (double v : losses) {
      if (Double.isFinite(v)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
        finite++;
      }
    }
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.setColor(Color.BLACK);
    String title = "Training loss (negative ELBO) minus its minimum"
        + (finite > 0 ? " (min = " + NiceTicks.label(min) + ")" : "");
    g.drawString(title, LEFT, TOP - 14);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics fm = g.getFontMetrics();
    if (finite == 0) {
      g.drawString("no finite loss values", LEFT + 10, TOP + plotH / 2);
      return;
    }
    int steps = Math.max(losses.length, 2);
    double yTop = Math.max(Math.log10(1 + (max - min)), 0.1);

    // Grid and tick labels on y: round values of loss − min, placed at log10(1 + value).
    for (double v : yTickValues(max - min)) {
      int py = TOP + plotH - (int) Math.round(Math.log10(1 + v) / yTop * plotH);
      g.setColor(new Color(230, 230, 230));
      g.drawLine(LEFT, py, LEFT + plotW, py);
      g.setColor(Color.BLACK);
      g.drawLine(LEFT - 5, py, LEFT, py);
      String s = NiceTicks.label(v);
      g.drawString(s, LEFT - 8 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
    }
    for (double v : NiceTicks.of(1, steps, 8)) {
      int px = LEFT + (int) Math.round((v - 1) / (steps - 1) * plotW);
      g.setColor(new Color(230, 230, 230));
      g.drawLine(px, TOP, px, TOP + plotH);
      g.setColor(Color.BLACK);
      g.drawLine(px, TOP + plotH, px, TOP + plotH + 5);
      String s = NiceTicks.label(v);
      g.drawString(s, px - fm.stringWidth(s) / 2, TOP + plotH + 7 + fm.getAscent());
    }
    g.setColor(Color.BLACK);
    g.drawRect(LEFT, TOP, plotW, plotH);
    String xl = "step";
    g.drawString(xl, LEFT + plotW / 2 - fm.stringWidth(xl) / 2, HEIGHT - 12);
    String yl = "loss − min  (log scale, offset by 1)";
    AffineTransform saved = g.getTransform();
    g.rotate(-Math.PI / 2);
    g.drawString(yl, -(TOP + plotH / 2) - fm.stringWidth(yl) / 2, 18);
    g.setTransform(saved);

    Path2D.Double curve = new Path2D.Double();
    boolean pen = false;
    for (int i = 0; i < losses.length; i++) {
      if (!Double.isFinite(losses[i])) {
        pen = false; // a skipped step leaves a gap rather than a fake line
        continue;
      }
      double px = LEFT + (double) i / (steps - 1) * plotW;
      double py = TOP + plotH - Math.log10(1 + losses[i] - min) / yTop * plotH;
      if (pen) {
        curve.lineTo(px, py);
      } else {
        curve.moveTo(px, py);
        pen = true;
      }
    }
    g.setClip(LEFT, TOP, plotW + 1, plotH + 1);
    g.setColor(new Color(31, 119, 180));
    g.setStroke(new BasicStroke(1.6f));
    g.draw(curve);
  }

  /** 0, then 1, 2, 5 × 10^k up to the range. */
  static List<Double> yTickValues(double range) {
    List<Double> ticks = new ArrayList<>();
    ticks.add(0.0);
    if (range < 1) {
      for (double v : NiceTicks.of(0, Math.max(range, 0.25), 4)) {
        if (v > 0) {
          ticks.add(v);
        }
      }
      return ticks;
    }
    for (double decade = 1; decade <= range * 1.0001; decade *= 10) {
      for (double m : new double[] {1, 2, 5}) {
        if (m * decade <= range * 1.0001) {
          ticks.add(m * decade);
        }
      }
    }
    return ticks;
  }
}
