package dev.flowvi.codegen.flow;

import dev.flowvi.engine.bijection.Affine;
import dev.flowvi.engine.bijection.AffineTransformer;
import dev.flowvi.engine.bijection.Bijection;
import dev.flowvi.engine.bijection.Bounded;
import dev.flowvi.engine.bijection.Elementwise;
import dev.flowvi.engine.bijection.Exp;
import dev.flowvi.engine.bijection.LeakyTanh;
import dev.flowvi.engine.bijection.Loc;
import dev.flowvi.engine.bijection.Loft;
import dev.flowvi.engine.bijection.RationalQuadraticSpline;
import dev.flowvi.engine.bijection.Scale;
import dev.flowvi.engine.bijection.Sigmoid;
import dev.flowvi.engine.bijection.SoftPlus;
import dev.flowvi.engine.bijection.Tanh;

/** Lowers the bijections that act on each coordinate on its own to {@link FlowLayer.ElementwiseStep}s. */
final class ElementwiseSteps {
  private static final double[] NONE = new double[0];

  private ElementwiseSteps() {}

  /** The step of {@code b} on coordinates [0, b.dim()), or null when b is not elementwise. */
  static FlowLayer.ElementwiseStep of(Bijection b, int offset, boolean forward) {
    int d = b.dim();
    if (b instanceof LeakyTanh t) {
      return new FlowLayer.LeakyTanhStep(t.maxVal(), forward, 0, d);
    } else if (b instanceof Elementwise e && e.transformer() instanceof RationalQuadraticSpline s) {
      return new FlowLayer.SplineStep(offset, s.knots(), s.lo(), s.hi(), forward, 0, d);
    } else if (b instanceof Elementwise e && e.transformer() instanceof AffineTransformer a) {
      return a.isSoftClamped()
          ? shiftScale(FlowLayer.ShiftScaleKind.TRANSFORMER_CLAMP, offset, a.alphaPositive(), a.alphaNegative(), forward, d)
          : shiftScale(FlowLayer.ShiftScaleKind.TRANSFORMER_FLOOR, offset, 0, 0, forward, d);
    } else if (b instanceof Loc) {
      return shiftScale(FlowLayer.ShiftScaleKind.LOC, offset, 0, 0, forward, d);
    } else if (b instanceof Scale) {
      return shiftScale(FlowLayer.ShiftScaleKind.SCALE, offset, 0, 0, forward, d);
    } else if (b instanceof Affine) {
      return shiftScale(FlowLayer.ShiftScaleKind.AFFINE, offset, 0, 0, forward, d);
    } else if (b instanceof Exp) {
      return map(FlowLayer.MapKind.EXP, 0, NONE, NONE, forward, d);
    } else if (b instanceof Sigmoid) {
      return map(FlowLayer.MapKind.SIGMOID, 0, NONE, NONE, forward, d);
    } else if (b instanceof SoftPlus) {
      return map(FlowLayer.MapKind.SOFTPLUS, 0, NONE, NONE, forward, d);
    } else if (b instanceof Tanh) {
      return map(FlowLayer.MapKind.TANH, 0, NONE, NONE, forward, d);
    } else if (b instanceof Loft l) {
      return map(FlowLayer.MapKind.LOFT, l.threshold(), NONE, NONE, forward, d);
    } else if (b instanceof Bounded bounded) {
      double[] lo = new double[d];
      double[] hi = new double[d];
      for (int j = 0; j < d; j++) {
        lo[j] = bounded.lower(j);
        hi[j] = bounded.upper(j);
      }
      return map(FlowLayer.MapKind.BOUNDED, 0, lo, hi, forward, d);
    }
    return null;
  }

  private static FlowLayer.ElementwiseStep shiftScale(FlowLayer.ShiftScaleKind kind, int offset, double alphaPositive,
      double alphaNegative, boolean forward, int dim) {
    return new FlowLayer.ShiftScaleStep(kind, offset, alphaPositive, alphaNegative, forward, 0, dim);
  }

  private static FlowLayer.ElementwiseStep map(FlowLayer.MapKind kind, double threshold, double[] lo, double[] hi,
      boolean forward, int dim) {
    return new FlowLayer.MapStep(kind, threshold, lo, hi, forward, 0, dim);
  }
}
