package dev.flowvi.codegen.flow;

import dev.flowvi.codegen.SourceWriter;

/**
 * Java expressions of the parameter-free maps of engine ElementwiseMap (Exp, Sigmoid, SoftPlus,
 * Tanh, Loft, Bounded), written with the engine's formulas so compiled and interpreted flows agree
 * to rounding: for the direction the step applies, the value, log g', g' and (log g')' at v.
 */
final class MapFormulas {
  private static final String M = "dev.flowvi.codegen.flow.FlowMath";

  private MapFormulas() {}

  /** {value, log-derivative, derivative, log-derivative slope} of step {@code x} at {@code v}. */
  static String[] of(FlowLayer.MapStep s, String v, int x) {
    return s.forward() ? forward(s, v, x) : inverse(s, v, x);
  }

  private static String[] forward(FlowLayer.MapStep s, String v, int x) {
    String sig = M + ".sigmoid(" + v + ")";
    String sigNeg = M + ".sigmoid(-" + v + ")";
    String logSigmoidPrime = "-" + M + ".softplus(-" + v + ") - " + M + ".softplus(" + v + ")";
    switch (s.kind()) {
      case EXP:
        return new String[] {"Math.exp(" + v + ")", v, "Math.exp(" + v + ")", "1.0"};
      case SIGMOID:
        return new String[] {sig, logSigmoidPrime, sig + " * " + sigNeg, sigNeg + " - " + sig};
      case SOFTPLUS:
        return new String[] {M + ".softplus(" + v + ")", "-" + M + ".softplus(-" + v + ")", sig, sigNeg};
      case TANH:
        return new String[] {"Math.tanh(" + v + ")", M + ".logSech2(" + v + ")", M + ".sech2(" + v + ")", "-2.0 * Math.tanh(" + v + ")"};
      case LOFT: {
        // Andrade 2024: identity on [−t, t], logarithmic beyond.
        String t = SourceWriter.literal(s.threshold());
        String in = "Math.abs(" + v + ") <= " + t;
        String excess = "(Math.abs(" + v + ") - " + t + ")";
        return new String[] {in + " ? " + v + " : Math.copySign(" + t + " + Math.log1p" + excess + ", " + v + ")",
            in + " ? 0.0 : -Math.log1p" + excess, in + " ? 1.0 : 1.0 / (1.0 + " + excess + ")",
            in + " ? 0.0 : -Math.copySign(1.0, " + v + ") / (1.0 + " + excess + ")"};
      }
      default: {
        // lo + (hi − lo)σ(x), clamped to [lo, hi] against rounding (engine Bounded).
        String lo = "lo" + x;
        String hi = "hi" + x;
        return new String[] {"Math.min(Math.max(" + lo + " + (" + hi + " - " + lo + ") * " + sig + ", " + lo + "), " + hi + ")",
            "lw" + x + " " + logSigmoidPrime, "(" + hi + " - " + lo + ") * " + sig + " * " + sigNeg, sigNeg + " - " + sig};
      }
    }
  }

  private static String[] inverse(FlowLayer.MapStep s, String v, int x) {
    switch (s.kind()) {
      case EXP:
        return new String[] {"Math.log(" + v + ")", "-Math.log(" + v + ")", "1.0 / " + v, "-1.0 / " + v};
      case SIGMOID:
        // logit(y) = log y − log1p(−y).
        return new String[] {"Math.log(" + v + ") - Math.log1p(-" + v + ")", "-Math.log(" + v + ") - Math.log1p(-" + v + ")",
            "1.0 / " + v + " + 1.0 / (1.0 - " + v + ")", "-1.0 / " + v + " + 1.0 / (1.0 - " + v + ")"};
      case SOFTPLUS:
        return new String[] {v + " + Math.log(-Math.expm1(-" + v + "))", "-Math.log(-Math.expm1(-" + v + "))",
            "-1.0 / Math.expm1(-" + v + ")", "-1.0 / Math.expm1(" + v + ")"};
      case TANH: {
        String prod = "((1.0 - " + v + ") * (1.0 + " + v + "))";
        return new String[] {M + ".artanh(" + v + ")", "-Math.log1p(-" + v + ") - Math.log1p(" + v + ")", "1.0 / " + prod,
            "2.0 * " + v + " / " + prod};
      }
      case LOFT: {
        String t = SourceWriter.literal(s.threshold());
        String in = "Math.abs(" + v + ") <= " + t;
        String excess = "(Math.abs(" + v + ") - " + t + ")";
        return new String[] {in + " ? " + v + " : Math.copySign(" + t + " + Math.expm1" + excess + ", " + v + ")",
            in + " ? 0.0 : " + excess, in + " ? 1.0 : Math.exp" + excess, in + " ? 0.0 : Math.copySign(1.0, " + v + ")"};
      }
      default: {
        String below = "(" + v + " - lo" + x + ")";
        String above = "(hi" + x + " - " + v + ")";
        return new String[] {"Math.log" + below + " - Math.log" + above, "lw" + x + " - Math.log" + below + " - Math.log" + above,
            "1.0 / " + below + " + 1.0 / " + above, "-1.0 / " + below + " + 1.0 / " + above};
      }
    }
  }

  /**
   * For a step applied in the inverse direction: {condition that v lies in the closed image, a
   * String expression of the image in words}, as engine ElementwiseMap.inImage; null in the
   * forward direction.
   */
  static String[] image(FlowLayer.MapStep s, String v, int x) {
    if (s.forward()) {
      return null;
    }
    switch (s.kind()) {
      case EXP:
      case SOFTPLUS:
        return new String[] {v + " >= 0.0 && " + v + " < Double.POSITIVE_INFINITY", "\"[0, inf)\""};
      case SIGMOID:
        return new String[] {v + " >= 0.0 && " + v + " <= 1.0", "\"[0, 1]\""};
      case TANH:
        return new String[] {v + " >= -1.0 && " + v + " <= 1.0", "\"[-1, 1]\""};
      case LOFT: {
        double edge = s.threshold() + Math.log(Double.MAX_VALUE);
        return new String[] {"Math.abs(" + v + ") - " + SourceWriter.literal(s.threshold()) + " <= "
            + SourceWriter.literal(Math.log(Double.MAX_VALUE)), "\"[" + -edge + ", " + edge + "]\""};
      }
      default:
        return new String[] {v + " >= lo" + x + " && " + v + " <= hi" + x, "\"[\" + lo" + x + " + \", \" + hi" + x + " + \"]\""};
    }
  }
}
