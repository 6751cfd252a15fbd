package dev.flowvi.cli.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Axis tick values at 1, 2 or 5 times a power of ten (Heckbert, "Nice numbers for graph labels",
 * Graphics Gems 1990), and short labels for them.
 */
final class NiceTicks {
  private NiceTicks() {}

  /** About {@code target} round values spanning [lo, hi]; only values inside the range. */
  static List<Double> of(double lo, double hi, int target) {
    List<Double> ticks = new ArrayList<>();
    if (!(hi > lo) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
      ticks.add(lo);
      return ticks;
    }
    double step = nice((hi - lo) / Math.max(1, target));
    double first = Math.ceil(lo / step - 1e-9) * step;
    for (int k = 0; ; k++) {
      double v = first + k * step;
      if (v > hi + 1e-9 * step || k > 1000) {
        break;
      }
      ticks.add(Math.abs(v) < 1e-12 * step ? 0.0 : v);
    }
    return ticks;
  }

  private static double nice(double raw) {
    double exp = Math.floor(Math.log10(raw));
    double base = Math.pow(10, exp);
    double f = raw / base;
    double niceF = f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10;
    return niceF * base;
  }

  /** A compact label: plain for moderate magnitudes, scientific otherwise. */
  static String label(double v) {
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e-3 && a < 1e5) {
      String s = String.format(java.util.Locale.ROOT, "%.4g", v);
      if (s.contains(".") && !s.contains("e")) {
        s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
      }
      return s;
    }
    return String.format(java.util.Locale.ROOT, "%.1e", v);
  }
}
