package dev.flowvi.cli.report;

import java.math.BigDecimal;
import java.math.MathContext;
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

  /**
   * A compact label with at most 4 significant digits: plain for magnitudes in [1e-3, 1e6), else
   * mantissa and exponent such as 2.5e7.
   */
  static String label(double v) {
    if (v == 0 || !Double.isFinite(v)) {
      return v == 0 ? "0" : Double.toString(v);
    }
    BigDecimal d = new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros();
    double a = Math.abs(v);
    if (a >= 1e-3 && a < 1e6) {
      return d.toPlainString();
    }
    int exponent = d.precision() - d.scale() - 1;
    return d.movePointLeft(exponent).toPlainString() + "e" + exponent;
  }
}
