package dev.flowvi.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import dev.flowvi.engine.diagnostics.PosteriorSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A corner plot as a PNG: the 1-D marginal histogram of every parameter on the diagonal, and a
 * 2-D density image of every pair below it. True values (red lines) and reference draws (orange:
 * an outline histogram on the diagonal, dots below) are overlaid when given, so a fit can be
 * compared with the truth or with another sampler at a glance.
 *
 * <p>Draws are feature-major (parameter j of draw i at [j*n + i]). Each axis spans the central
 * 99% of the draws, widened to include the truth and the reference's central 99%, so a few
 * outlying draws cannot squash the picture.
 */
public final class CornerPlot {
  private static final int MARGIN_LEFT = 70;
  private static final int MARGIN_BOTTOM = 70;
  private static final int MARGIN_TOP = 16;
  private static final int MARGIN_RIGHT = 16;
  private static final int GAP = 6;
  private static final Color FLOW = new Color(31, 119, 180);
  private static final Color REFERENCE = new Color(255, 127, 14);
  private static final Color TRUTH = new Color(214, 39, 40);

  static {
    Headless.ensure();
  }

  private final List<String> names;
  private final double[] draws;
  private final int n;
  private final double[] truth;
  private final double[] reference;
  private final int referenceCount;

  private CornerPlot(List<String> names, double[] draws, int n, double[] truth, double[] reference, int referenceCount) {
    this.names = List.copyOf(names);
    this.draws = draws;
    this.n = n;
    this.truth = truth;
    this.reference = reference;
    this.referenceCount = referenceCount;
  }

  /** A corner plot of n draws of the named parameters. */
  public static CornerPlot of(List<String> names, double[] draws, int n) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("names is empty, expected at least one parameter");
    }
    if (n < 1 || draws.length < (long) names.size() * n) {
      throw new IllegalArgumentException(
          "draws has length " + draws.length + " for n = " + n + ", expected " + names.size() + " parameters × n ≥ 1 draws");
    }
    return new CornerPlot(names, draws, n, null, null, 0);
  }

  /** Overlays true values (one per parameter; NaN for an unknown one). */
  public CornerPlot withTruth(double[] values) {
    if (values.length != names.size()) {
      throw new IllegalArgumentException("truth has " + values.length + " values, expected " + names.size() + " (one per parameter)");
    }
    return new CornerPlot(names, draws, n, values.clone(), reference, referenceCount);
  }

  /** Overlays reference draws (feature-major, same parameters in the same order). */
  public CornerPlot withReference(double[] referenceDraws, int count) {
    if (count < 1 || referenceDraws.length < (long) names.size() * count) {
      throw new IllegalArgumentException("reference draws have length " + referenceDraws.length + " for count = " + count
          + ", expected " + names.size() + " parameters × count ≥ 1 draws");
    }
    return new CornerPlot(names, draws, n, truth, referenceDraws, count);
  }

  /** Side of one panel in pixels: large for few parameters, at least 70 for many. */
  public int panelSize() {
    return Math.max(70, Math.min(220, 1800 / names.size()));
  }

  public int width() {
    int d = names.size();
    return MARGIN_LEFT + d * panelSize() + (d - 1) * GAP + MARGIN_RIGHT;
  }

  public int height() {
    int d = names.size();
    return MARGIN_TOP + d * panelSize() + (d - 1) * GAP + MARGIN_BOTTOM;
  }

  public void write(Path file) throws IOException {
    PngFile.write(render(), file);
  }

  public BufferedImage render() {
    BufferedImage img = new BufferedImage(width(), height(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, img.getWidth(), img.getHeight());
      int d = names.size();
      double[][] range = new double[d][];
      for (int j = 0; j < d; j++) {
        range[j] = range(j);
      }
      for (int row = 0; row < d; row++) {
        for (int col = 0; col <= row; col++) {
          int x0 = MARGIN_LEFT + col * (panelSize() + GAP);
          int y0 = MARGIN_TOP + row * (panelSize() + GAP);
          if (row == col) {
            diagonal(g, col, range[col], x0, y0);
          } else {
            pair(g, col, row, range[col], range[row], x0, y0);
          }
          g.setColor(Color.DARK_GRAY);
          g.setStroke(new BasicStroke(1f));
          g.drawRect(x0, y0, panelSize(), panelSize());
        }
      }
      labels(g, range);
    } finally {
      g.dispose();
    }
    return img;
  }

  private double[] range(int j) {
    double[] q = PosteriorSummary.of(names.get(j), draws, j * n, n, null, 0.005, 0.995).quantiles();
    double lo = q[0];
    double hi = q[1];
    if (reference != null) {
      double[] r = PosteriorSummary.of(names.get(j), reference, j * referenceCount, referenceCount, null, 0.005, 0.995).quantiles();
      lo = Math.min(lo, r[0]);
      hi = Math.max(hi, r[1]);
    }
    if (truth != null && Double.isFinite(truth[j])) {
      lo = Math.min(lo, truth[j]);
      hi = Math.max(hi, truth[j]);
    }
    double pad = hi > lo ? 0.05 * (hi - lo) : Math.max(1e-9, 1e-3 * Math.abs(lo));
    return new double[] {lo - pad, hi + pad};
  }

  private int bins1d() {
    return (int) Math.max(10, Math.min(50, Math.round(Math.sqrt(n))));
  }

  private static double[] histogram(double[] values, int offset, int count, double[] r, int bins) {
    double[] h = new double[bins];
    double scale = bins / (r[1] - r[0]);
    for (int i = 0; i < count; i++) {
      double v = values[offset + i];
      int b = (int) Math.floor((v - r[0]) * scale);
      if (b >= 0 && b < bins) {
        h[b] += 1.0 / count; // as fractions, so flow and reference histograms share a scale
      }
    }
    return h;
  }

  private void diagonal(Graphics2D g, int j, double[] r, int x0, int y0) {
    int p = panelSize();
    int bins = bins1d();
    double[] h = histogram(draws, j * n, n, r, bins);
    double[] hr = reference == null ? null : histogram(reference, j * referenceCount, referenceCount, r, bins);
    double top = 0;
    for (int b = 0; b < bins; b++) {
      top = Math.max(top, Math.max(h[b], hr == null ? 0 : hr[b]));
    }
    if (top == 0) {
      top = 1;
    }
    double bw = (double) p / bins;
    g.setColor(new Color(FLOW.getRed(), FLOW.getGreen(), FLOW.getBlue(), 150));
    for (int b = 0; b < bins; b++) {
      int bh = (int) Math.round(h[b] / top * (p - 6));
      int bx = x0 + (int) Math.round(b * bw);
      int bx1 = x0 + (int) Math.round((b + 1) * bw);
      g.fillRect(bx, y0 + p - bh, Math.max(1, bx1 - bx), bh);
    }
    if (hr != null) {
      g.setColor(REFERENCE);
      g.setStroke(new BasicStroke(1.8f));
      int prevY = y0 + p;
      for (int b = 0; b < bins; b++) {
        int by = y0 + p - (int) Math.round(hr[b] / top * (p - 6));
        int bx = x0 + (int) Math.round(b * bw);
        int bx1 = x0 + (int) Math.round((b + 1) * bw);
        g.drawLine(bx, prevY, bx, by);
        g.drawLine(bx, by, bx1, by);
        prevY = by;
      }
      g.drawLine(x0 + p, prevY, x0 + p, y0 + p);
    }
    if (truth != null && Double.isFinite(truth[j])) {
      int tx = x0 + (int) Math.round((truth[j] - r[0]) / (r[1] - r[0]) * p);
      g.setColor(TRUTH);
      g.setStroke(new BasicStroke(1.5f));
      g.drawLine(tx, y0, tx, y0 + p);
    }
  }

  private void pair(Graphics2D g, int jx, int jy, double[] rx, double[] ry, int x0, int y0) {
    int p = panelSize();
    // sqrt(n)/1.5 cells per axis: about two draws per cell on average, coarse enough to read as a density.
    int cells = (int) Math.max(16, Math.min(Math.min(60, p / 3), Math.round(Math.sqrt(n) / 1.5)));
    double[] grid = new double[cells * cells];
    double sx = cells / (rx[1] - rx[0]);
    double sy = cells / (ry[1] - ry[0]);
    double top = 0;
    for (int i = 0; i < n; i++) {
      int cx = (int) Math.floor((draws[jx * n + i] - rx[0]) * sx);
      int cy = (int) Math.floor((draws[jy * n + i] - ry[0]) * sy);
      if (cx >= 0 && cx < cells && cy >= 0 && cy < cells) {
        top = Math.max(top, ++grid[cy * cells + cx]);
      }
    }
    double cw = (double) p / cells;
    for (int cy = 0; cy < cells; cy++) {
      for (int cx = 0; cx < cells; cx++) {
        double c = grid[cy * cells + cx];
        if (c == 0) {
          continue;
        }
        // Square-root scale so the tails of a peaked density stay visible.
        double t = Math.sqrt(c / top);
        g.setColor(blend(t));
        int px = x0 + (int) Math.round(cx * cw);
        int px1 = x0 + (int) Math.round((cx + 1) * cw);
        int py = y0 + p - (int) Math.round((cy + 1) * cw);
        int py1 = y0 + p - (int) Math.round(cy * cw);
        g.fillRect(px, py, Math.max(1, px1 - px), Math.max(1, py1 - py));
      }
    }
    if (reference != null) {
      g.setColor(new Color(REFERENCE.getRed(), REFERENCE.getGreen(), REFERENCE.getBlue(), 170));
      int stride = Math.max(1, referenceCount / 400);
      for (int i = 0; i < referenceCount; i += stride) {
        double vx = reference[jx * referenceCount + i];
        double vy = reference[jy * referenceCount + i];
        int px = x0 + (int) Math.round((vx - rx[0]) / (rx[1] - rx[0]) * p);
        int py = y0 + p - (int) Math.round((vy - ry[0]) / (ry[1] - ry[0]) * p);
        if (px >= x0 && px <= x0 + p && py >= y0 && py <= y0 + p) {
          g.fillOval(px - 1, py - 1, 3, 3);
        }
      }
    }
    if (truth != null) {
      g.setColor(TRUTH);
      g.setStroke(new BasicStroke(1.2f));
      if (Double.isFinite(truth[jx])) {
        int tx = x0 + (int) Math.round((truth[jx] - rx[0]) / (rx[1] - rx[0]) * p);
        g.drawLine(tx, y0, tx, y0 + p);
      }
      if (Double.isFinite(truth[jy])) {
        int ty = y0 + p - (int) Math.round((truth[jy] - ry[0]) / (ry[1] - ry[0]) * p);
        g.drawLine(x0, ty, x0 + p, ty);
      }
    }
  }

  /** White to the flow colour, t in [0, 1]. */
  private static Color blend(double t) {
    int r = (int) Math.round(255 + t * (FLOW.getRed() * 0.6 - 255));
    int gr = (int) Math.round(255 + t * (FLOW.getGreen() * 0.6 - 255));
    int b = (int) Math.round(255 + t * (FLOW.getBlue() * 0.8 - 255));
    return new Color(r, gr, b);
  }

  private void labels(Graphics2D g, double[][] range) {
    int d = names.size();
    int p = panelSize();
    int size = p >= 120 ? 12 : 10;
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, size));
    FontMetrics fm = g.getFontMetrics();
    int bottom = MARGIN_TOP + d * p + (d - 1) * GAP;
    for (int j = 0; j < d; j++) {
      int x0 = MARGIN_LEFT + j * (p + GAP);
      String lo = NiceTicks.label(range[j][0]);
      String hi = NiceTicks.label(range[j][1]);
      // Range labels only where both fit side by side; small panels show the names alone.
      boolean ranges = fm.stringWidth(lo) + fm.stringWidth(hi) + 6 < p;
      if (ranges) {
        g.drawString(lo, x0, bottom + 3 + fm.getAscent());
        g.drawString(hi, x0 + p - fm.stringWidth(hi), bottom + 3 + fm.getAscent());
      }
      Font bold = g.getFont().deriveFont(Font.BOLD, size + 1f);
      Font plain = g.getFont();
      g.setFont(bold);
      FontMetrics bm = g.getFontMetrics();
      g.drawString(names.get(j), x0 + p / 2 - bm.stringWidth(names.get(j)) / 2, bottom + 8 + fm.getHeight() + bm.getAscent());
      g.setFont(plain);
      if (j > 0) {
        int y0 = MARGIN_TOP + j * (p + GAP);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        if (ranges) {
          g.drawString(lo, -(y0 + p), MARGIN_LEFT - 4);
          g.drawString(hi, -y0 - fm.stringWidth(hi), MARGIN_LEFT - 4);
        }
        g.setFont(bold);
        g.drawString(names.get(j), -(y0 + p / 2) - bm.stringWidth(names.get(j)) / 2, MARGIN_LEFT - 8 - fm.getHeight());
        g.setFont(plain);
        g.setTransform(saved);
      }
    }
  }
}
