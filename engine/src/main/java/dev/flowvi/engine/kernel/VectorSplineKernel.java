package dev.flowvi.engine.kernel;

import static dev.flowvi.engine.kernel.SplineKernel.MIN_DERIVATIVE;
import static dev.flowvi.engine.kernel.SplineKernel.MIN_WIDTH;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SplineKernel} vectorised across points with {@code jdk.incubator.vector}. Each lane is one
 * point with its own raw parameters, loaded unit-stride from the feature-major layout. The
 * per-point softmax, cumulative sum, bin search and knot-slope lookup run lane-wise: every bin is
 * visited, and masks blend in the bin whose left knot the point has passed, so no gather is needed.
 * Operations follow {@link ScalarSplineKernel} in the same order; the tail of each batch runs
 * through that kernel's per-point methods.
 *
 * <p>Loaded only through {@link VectorSupport#choose}; benchmarks and tests may construct it
 * directly when the module is present.
 */
public final class VectorSplineKernel implements SplineKernel {
  private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();

  public VectorSplineKernel() {}

  @Override
  public void forward(int knots, double lo, double hi,
      double[] raw, int rawOff, int stride, double[] x, int xOff, double[] y, int yOff, double[] logDet, int len) {
    int bound = SPECIES.loopBound(len);
    int i = 0;
    for (; i < bound; i += LANES) {
      forwardBlock(knots, lo, hi, raw, rawOff + i, stride, x, xOff + i, y, yOff + i, logDet, i, null, 0, null, 0);
    }
    for (; i < len; i++) {
      ScalarSplineKernel.forwardPoint(knots, lo, hi, raw, rawOff + i, stride, x[xOff + i], y, yOff + i, logDet, i, 0, 0, null, 0);
    }
  }

  @Override
  public void inverse(int knots, double lo, double hi,
      double[] raw, int rawOff, int stride, double[] y, int yOff, double[] x, int xOff, double[] logDet, int len) {
    int bound = SPECIES.loopBound(len);
    int i = 0;
    for (; i < bound; i += LANES) {
      inverseBlock(knots, lo, hi, raw, rawOff + i, stride, y, yOff + i, x, xOff + i, logDet, i, null, 0, null, 0);
    }
    for (; i < len; i++) {
      ScalarSplineKernel.inversePoint(knots, lo, hi, raw, rawOff + i, stride, y[yOff + i], x, xOff + i, logDet, i, 0, 0, null, 0);
    }
  }

  @Override
  public void forwardBackward(int knots, double lo, double hi,
      double[] raw, int rawOff, int stride, double[] x, int xOff,
      double[] gradY, int gradYOff, double[] gradLogDet,
      double[] gradX, int gradXOff, double[] gradRaw, int gradRawOff, int len) {
    int bound = SPECIES.loopBound(len);
    int i = 0;
    for (; i < bound; i += LANES) {
      forwardBlock(knots, lo, hi, raw, rawOff + i, stride, x, xOff + i, gradX, gradXOff + i, gradLogDet, i,
          gradY, gradYOff + i, gradRaw, gradRawOff + i);
    }
    for (; i < len; i++) {
      ScalarSplineKernel.forwardPoint(knots, lo, hi, raw, rawOff + i, stride, x[xOff + i], gradX, gradXOff + i, null, i,
          gradY[gradYOff + i], gradLogDet[i], gradRaw, gradRawOff + i);
    }
  }

  @Override
  public void inverseBackward(int knots, double lo, double hi,
      double[] raw, int rawOff, int stride, double[] y, int yOff,
      double[] gradX, int gradXOff, double[] gradLogDet,
      double[] gradY, int gradYOff, double[] gradRaw, int gradRawOff, int len) {
    int bound = SPECIES.loopBound(len);
    int i = 0;
    for (; i < bound; i += LANES) {
      inverseBlock(knots, lo, hi, raw, rawOff + i, stride, y, yOff + i, gradY, gradYOff + i, gradLogDet, i,
          gradX, gradXOff + i, gradRaw, gradRawOff + i);
    }
    for (; i < len; i++) {
      ScalarSplineKernel.inversePoint(knots, lo, hi, raw, rawOff + i, stride, y[yOff + i], gradY, gradYOff + i, null, i,
          gradX[gradXOff + i], gradLogDet[i], gradRaw, gradRawOff + i);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // One block of LANES points, mirroring ScalarSplineKernel.forwardPoint / inversePoint. With
  // gradRaw == null: value pass, writes out and adds to perPoint (the log-det). Otherwise backward
  // pass: g[gAt..] is dL/d(output), perPoint the dL/dlogDet, out receives dL/d(input).

  private static void forwardBlock(int knots, double lo, double hi, double[] raw, int base, int stride,
      double[] in, int inAt, double[] out, int outAt, double[] perPoint, int at,
      double[] g, int gAt, double[] gradRaw, int gBase) {
    boolean backward = gradRaw != null;
    int bins = knots + 1;
    double c = hi - lo - MIN_WIDTH * bins;
    int wOff = 0;
    int hOff = bins * stride;
    int dOff = 2 * bins * stride;
    DoubleVector v = DoubleVector.fromArray(SPECIES, in, inAt);
    VectorMask<Double> inside = v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LE, hi));
    VectorMask<Double> outside = inside.not();
    // Outside lanes (NaN included) run the spline maths at lo and are blended away at the end.
    DoubleVector vc = v.blend(lo, outside);

    // Bin search on the x knots.
    DoubleVector mw = maxRaw(raw, base + wOff, stride, bins);
    DoubleVector sw = DoubleVector.zero(SPECIES);
    for (int j = 0; j < bins; j++) {
      DoubleVector e = DoubleVector.fromArray(SPECIES, raw, base + wOff + j * stride).sub(mw).lanewise(VectorOperators.EXP);
      if (backward) {
        e.intoArray(gradRaw, gBase + wOff + j * stride);
      }
      sw = sw.add(e);
    }
    DoubleVector scaleW = DoubleVector.broadcast(SPECIES, c).div(sw);
    DoubleVector kv = DoubleVector.zero(SPECIES);
    DoubleVector pw = kv;
    DoubleVector ew = kv;
    DoubleVector prefix = kv;
    DoubleVector rd0 = DoubleVector.fromArray(SPECIES, raw, base + dOff);
    DoubleVector rd1 = DoubleVector.fromArray(SPECIES, raw, base + dOff + stride);
    for (int j = 0; j < bins; j++) {
      DoubleVector e = backward
          ? DoubleVector.fromArray(SPECIES, gradRaw, gBase + wOff + j * stride)
          : DoubleVector.fromArray(SPECIES, raw, base + wOff + j * stride).sub(mw).lanewise(VectorOperators.EXP);
      if (j == 0) {
        ew = e;
      } else {
        VectorMask<Double> sel = vc.compare(VectorOperators.GE, knot(lo, j, scaleW, prefix));
        kv = kv.blend(j, sel);
        pw = pw.blend(prefix, sel);
        ew = ew.blend(e, sel);
        rd0 = rd0.blend(DoubleVector.fromArray(SPECIES, raw, base + dOff + j * stride), sel);
        rd1 = rd1.blend(DoubleVector.fromArray(SPECIES, raw, base + dOff + (j + 1) * stride), sel);
      }
      prefix = prefix.add(e);
    }
    VectorMask<Double> last = kv.compare(VectorOperators.EQ, knots);
    DoubleVector xk = knot(lo, kv, scaleW, pw);
    DoubleVector w = knot(lo, kv.add(1.0), scaleW, pw.add(ew)).blend(hi, last).sub(xk);

    // The same bin on the y knots.
    DoubleVector mh = maxRaw(raw, base + hOff, stride, bins);
    DoubleVector ph = DoubleVector.zero(SPECIES);
    DoubleVector eh = ph;
    prefix = ph;
    for (int j = 0; j < bins; j++) {
      DoubleVector e = DoubleVector.fromArray(SPECIES, raw, base + hOff + j * stride).sub(mh).lanewise(VectorOperators.EXP);
      if (backward) {
        e.intoArray(gradRaw, gBase + hOff + j * stride);
      }
      VectorMask<Double> sel = kv.compare(VectorOperators.EQ, j);
      ph = ph.blend(prefix, sel);
      eh = eh.blend(e, sel);
      prefix = prefix.add(e);
    }
    DoubleVector sh = prefix;
    DoubleVector scaleH = DoubleVector.broadcast(SPECIES, c).div(sh);
    DoubleVector yk = knot(lo, kv, scaleH, ph);
    DoubleVector h = knot(lo, kv.add(1.0), scaleH, ph.add(eh)).blend(hi, last).sub(yk);

    DoubleVector d0 = softplus(rd0).add(MIN_DERIVATIVE);
    DoubleVector d1 = softplus(rd1).add(MIN_DERIVATIVE);
    DoubleVector s = h.div(w);
    DoubleVector xi = vc.sub(xk).div(w).min(1.0);
    if (!backward) {
      DoubleVector y = value(vc, xk, yk, h, s, xi, d0, d1).max(lo).min(hi);
      y.blend(v, outside).intoArray(out, outAt);
      DoubleVector ld = logSlope(s, xi, d0, d1).blend(0.0, outside);
      DoubleVector.fromArray(SPECIES, perPoint, at).add(ld).intoArray(perPoint, at);
      return;
    }

    DoubleVector gy = DoubleVector.fromArray(SPECIES, g, gAt);
    DoubleVector gl = DoubleVector.fromArray(SPECIES, perPoint, at);
    DoubleVector t = xi.mul(xi.neg().add(1.0));
    DoubleVector dd = d0.add(d1).sub(s.mul(2.0));
    DoubleVector den = s.add(dd.mul(t));
    DoubleVector num = s.mul(xi).mul(xi).add(d0.mul(t));
    DoubleVector m = slopeNumerator(s, xi, d0, d1);
    DoubleVector oneMinus2Xi = xi.mul(-2.0).add(1.0);
    DoubleVector gNum = gy.mul(h).div(den);
    DoubleVector gDen = gy.neg().mul(h).mul(num).div(den.mul(den)).sub(gl.mul(2.0).div(den));
    DoubleVector gM = gl.div(m);
    DoubleVector gXi = gNum.mul(s.mul(2.0).mul(xi).add(d0.mul(oneMinus2Xi)))
        .add(gDen.mul(dd).mul(oneMinus2Xi))
        .add(gM.mul(slopeNumeratorDxi(s, xi, d0, d1)));
    DoubleVector gS = gNum.mul(xi).mul(xi).add(gDen.mul(t.mul(-2.0).add(1.0))).add(gM.mul(2.0).mul(t)).add(gl.mul(2.0).div(s));
    DoubleVector gD0 = gNum.add(gDen).mul(t).add(gM.mul(xi.neg().add(1.0)).mul(xi.neg().add(1.0)));
    DoubleVector gD1 = gDen.mul(t).add(gM.mul(xi).mul(xi));
    DoubleVector gH = gy.mul(num).div(den).add(gS.div(w));
    gXi.div(w).blend(gy, outside).intoArray(out, outAt);
    DoubleVector gXk = gXi.neg().div(w).blend(0.0, outside);
    DoubleVector gW = gXi.mul(xi).add(gS.mul(s)).neg().div(w).blend(0.0, outside);
    softmaxGradient(gradRaw, gBase + wOff, stride, bins, kv, scaleW, sw, pw, ew, gXk, gW);
    softmaxGradient(gradRaw, gBase + hOff, stride, bins, kv, scaleH, sh, ph, eh, gy.blend(0.0, outside), gH.blend(0.0, outside));
    derivativeGradient(gradRaw, gBase + dOff, stride, knots + 2, kv,
        gD0.mul(sigmoid(rd0)).blend(0.0, outside), gD1.mul(sigmoid(rd1)).blend(0.0, outside));
  }

  private static void inverseBlock(int knots, double lo, double hi, double[] raw, int base, int stride,
      double[] in, int inAt, double[] out, int outAt, double[] perPoint, int at,
      double[] g, int gAt, double[] gradRaw, int gBase) {
    boolean backward = gradRaw != null;
    int bins = knots + 1;
    double c = hi - lo - MIN_WIDTH * bins;
    int wOff = 0;
    int hOff = bins * stride;
    int dOff = 2 * bins * stride;
    DoubleVector v = DoubleVector.fromArray(SPECIES, in, inAt);
    VectorMask<Double> inside = v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LE, hi));
    VectorMask<Double> outside = inside.not();
    DoubleVector vc = v.blend(lo, outside);

    // Bin search on the y knots.
    DoubleVector mh = maxRaw(raw, base + hOff, stride, bins);
    DoubleVector sh = DoubleVector.zero(SPECIES);
    for (int j = 0; j < bins; j++) {
      DoubleVector e = DoubleVector.fromArray(SPECIES, raw, base + hOff + j * stride).sub(mh).lanewise(VectorOperators.EXP);
      if (backward) {
        e.intoArray(gradRaw, gBase + hOff + j * stride);
      }
      sh = sh.add(e);
    }
    DoubleVector scaleH = DoubleVector.broadcast(SPECIES, c).div(sh);
    DoubleVector kv = DoubleVector.zero(SPECIES);
    DoubleVector ph = kv;
    DoubleVector eh = kv;
    DoubleVector prefix = kv;
    DoubleVector rd0 = DoubleVector.fromArray(SPECIES, raw, base + dOff);
    DoubleVector rd1 = DoubleVector.fromArray(SPECIES, raw, base + dOff + stride);
    for (int j = 0; j < bins; j++) {
      DoubleVector e = backward
          ? DoubleVector.fromArray(SPECIES, gradRaw, gBase + hOff + j * stride)
          : DoubleVector.fromArray(SPECIES, raw, base + hOff + j * stride).sub(mh).lanewise(VectorOperators.EXP);
      if (j == 0) {
        eh = e;
      } else {
        VectorMask<Double> sel = vc.compare(VectorOperators.GE, knot(lo, j, scaleH, prefix));
        kv = kv.blend(j, sel);
        ph = ph.blend(prefix, sel);
        eh = eh.blend(e, sel);
        rd0 = rd0.blend(DoubleVector.fromArray(SPECIES, raw, base + dOff + j * stride), sel);
        rd1 = rd1.blend(DoubleVector.fromArray(SPECIES, raw, base + dOff + (j + 1) * stride), sel);
      }
      prefix = prefix.add(e);
    }
    VectorMask<Double> last = kv.compare(VectorOperators.EQ, knots);
    DoubleVector yk = knot(lo, kv, scaleH, ph);
    DoubleVector h = knot(lo, kv.add(1.0), scaleH, ph.add(eh)).blend(hi, last).sub(yk);

    // The same bin on the x knots.
    DoubleVector mw = maxRaw(raw, base + wOff, stride, bins);
    DoubleVector pw = DoubleVector.zero(SPECIES);
    DoubleVector ew = pw;
    prefix = pw;
    for (int j = 0; j < bins; j++) {
      DoubleVector e = DoubleVector.fromArray(SPECIES, raw, base + wOff + j * stride).sub(mw).lanewise(VectorOperators.EXP);
      if (backward) {
        e.intoArray(gradRaw, gBase + wOff + j * stride);
      }
      VectorMask<Double> sel = kv.compare(VectorOperators.EQ, j);
      pw = pw.blend(prefix, sel);
      ew = ew.blend(e, sel);
      prefix = prefix.add(e);
    }
    DoubleVector sw = prefix;
    DoubleVector scaleW = DoubleVector.broadcast(SPECIES, c).div(sw);
    DoubleVector xk = knot(lo, kv, scaleW, pw);
    DoubleVector w = knot(lo, kv.add(1.0), scaleW, pw.add(ew)).blend(hi, last).sub(xk);

    DoubleVector d0 = softplus(rd0).add(MIN_DERIVATIVE);
    DoubleVector d1 = softplus(rd1).add(MIN_DERIVATIVE);
    DoubleVector s = h.div(w);
    DoubleVector delta = vc.sub(yk);
    DoubleVector dd = d0.add(d1).sub(s.mul(2.0));
    // Stable root of the quadratic (Durkan et al. 2019, eqs. 6-8), as in the scalar kernel.
    DoubleVector qa = h.mul(s.sub(d0)).add(delta.mul(dd));
    DoubleVector qb = h.mul(d0).sub(delta.mul(dd));
    DoubleVector root = qb.mul(qb).add(qa.mul(4.0).mul(s).mul(delta)).max(0.0).sqrt();
    DoubleVector qden = qb.add(root);
    DoubleVector xi = s.mul(2.0).mul(delta).div(qden).min(1.0);
    if (!backward) {
      DoubleVector x = vc.add(xk.sub(yk)).add(delta.mul(h.mul(2.0).sub(qb).sub(root)).div(qden)).max(lo).min(hi);
      x.blend(v, outside).intoArray(out, outAt);
      DoubleVector ld = logSlope(s, xi, d0, d1).blend(0.0, outside);
      DoubleVector.fromArray(SPECIES, perPoint, at).sub(ld).intoArray(perPoint, at);
      return;
    }

    DoubleVector gx = DoubleVector.fromArray(SPECIES, g, gAt);
    DoubleVector gl = DoubleVector.fromArray(SPECIES, perPoint, at);
    DoubleVector t = xi.mul(xi.neg().add(1.0));
    DoubleVector den = s.add(dd.mul(t));
    DoubleVector num = s.mul(xi).mul(xi).add(d0.mul(t));
    DoubleVector m = slopeNumerator(s, xi, d0, d1);
    DoubleVector yXi = h.mul(s).mul(m).div(den.mul(den));
    DoubleVector ldXi = slopeNumeratorDxi(s, xi, d0, d1).div(m).sub(dd.mul(2.0).mul(xi.mul(-2.0).add(1.0)).div(den));
    DoubleVector gY = gx.mul(w).sub(gl.mul(ldXi)).div(yXi);
    DoubleVector cy = gY.neg();
    DoubleVector cl = gl.neg();
    DoubleVector gNum = cy.mul(h).div(den);
    DoubleVector gDen = cy.neg().mul(h).mul(num).div(den.mul(den)).sub(cl.mul(2.0).div(den));
    DoubleVector gM = cl.div(m);
    DoubleVector gS = gNum.mul(xi).mul(xi).add(gDen.mul(t.mul(-2.0).add(1.0))).add(gM.mul(2.0).mul(t)).add(cl.mul(2.0).div(s));
    DoubleVector gD0 = gNum.add(gDen).mul(t).add(gM.mul(xi.neg().add(1.0)).mul(xi.neg().add(1.0)));
    DoubleVector gD1 = gDen.mul(t).add(gM.mul(xi).mul(xi));
    DoubleVector gH = cy.mul(num).div(den).add(gS.div(w));
    gY.blend(gx, outside).intoArray(out, outAt);
    DoubleVector gW = gx.mul(xi).sub(gS.mul(s).div(w)).blend(0.0, outside);
    softmaxGradient(gradRaw, gBase + wOff, stride, bins, kv, scaleW, sw, pw, ew, gx.blend(0.0, outside), gW);
    softmaxGradient(gradRaw, gBase + hOff, stride, bins, kv, scaleH, sh, ph, eh, cy.blend(0.0, outside), gH.blend(0.0, outside));
    derivativeGradient(gradRaw, gBase + dOff, stride, knots + 2, kv,
        gD0.mul(sigmoid(rd0)).blend(0.0, outside), gD1.mul(sigmoid(rd1)).blend(0.0, outside));
  }

  // ---------------------------------------------------------------------------------------------
  // Lane-wise twins of ScalarSplineKernel's pieces.

  private static DoubleVector knot(double lo, int j, DoubleVector scale, DoubleVector prefix) {
    return scale.mul(prefix).add(j * MIN_WIDTH).add(lo);
  }

  private static DoubleVector knot(double lo, DoubleVector j, DoubleVector scale, DoubleVector prefix) {
    return scale.mul(prefix).add(j.mul(MIN_WIDTH)).add(lo);
  }

  private static DoubleVector value(DoubleVector v, DoubleVector xk, DoubleVector yk, DoubleVector h, DoubleVector s,
      DoubleVector xi, DoubleVector d0, DoubleVector d1) {
    DoubleVector t = xi.mul(xi.neg().add(1.0));
    DoubleVector dd = d0.add(d1).sub(s.mul(2.0));
    DoubleVector den = s.add(dd.mul(t));
    DoubleVector correction = h.mul(t).mul(d0.sub(s).sub(dd.mul(xi))).div(den);
    return v.add(yk.sub(xk)).add(s.sub(1.0).mul(v.sub(xk))).add(correction);
  }

  private static DoubleVector logSlope(DoubleVector s, DoubleVector xi, DoubleVector d0, DoubleVector d1) {
    DoubleVector t = xi.mul(xi.neg().add(1.0));
    DoubleVector den = s.add(d0.add(d1).sub(s.mul(2.0)).mul(t));
    DoubleVector r = s.div(den);
    return r.mul(r).mul(slopeNumerator(s, xi, d0, d1)).lanewise(VectorOperators.LOG);
  }

  private static DoubleVector slopeNumerator(DoubleVector s, DoubleVector xi, DoubleVector d0, DoubleVector d1) {
    DoubleVector u = xi.neg().add(1.0);
    return s.add(d1.sub(s).mul(xi).mul(xi)).add(d0.sub(s).mul(u).mul(u));
  }

  private static DoubleVector slopeNumeratorDxi(DoubleVector s, DoubleVector xi, DoubleVector d0, DoubleVector d1) {
    return d1.sub(s).mul(2.0).mul(xi).sub(d0.sub(s).mul(2.0).mul(xi.neg().add(1.0)));
  }

  private static DoubleVector softplus(DoubleVector r) {
    return r.max(0.0).add(r.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P));
  }

  private static DoubleVector sigmoid(DoubleVector r) {
    DoubleVector e = r.abs().neg().lanewise(VectorOperators.EXP);
    DoubleVector onePlus = e.add(1.0);
    return e.div(onePlus).blend(DoubleVector.broadcast(SPECIES, 1.0).div(onePlus), r.compare(VectorOperators.GE, 0.0));
  }

  private static DoubleVector maxRaw(double[] raw, int base, int stride, int count) {
    DoubleVector m = DoubleVector.fromArray(SPECIES, raw, base);
    for (int j = 1; j < count; j++) {
      m = m.max(DoubleVector.fromArray(SPECIES, raw, base + j * stride));
    }
    return m;
  }

  private static void softmaxGradient(double[] gradRaw, int gBase, int stride, int bins, DoubleVector kv,
      DoubleVector scale, DoubleVector sum, DoubleVector prefixK, DoubleVector eK, DoubleVector gKnot, DoubleVector gWidth) {
    DoubleVector mean = gKnot.mul(prefixK).add(gWidth.mul(eK)).div(sum);
    DoubleVector zero = DoubleVector.zero(SPECIES);
    for (int j = 0; j < bins; j++) {
      DoubleVector gw = zero.blend(gKnot, kv.compare(VectorOperators.GT, j)).blend(gWidth, kv.compare(VectorOperators.EQ, j));
      int at = gBase + j * stride;
      scale.mul(DoubleVector.fromArray(SPECIES, gradRaw, at)).mul(gw.sub(mean)).intoArray(gradRaw, at);
    }
  }

  private static void derivativeGradient(double[] gradRaw, int gBase, int stride, int count, DoubleVector kv,
      DoubleVector g0, DoubleVector g1) {
    DoubleVector zero = DoubleVector.zero(SPECIES);
    for (int j = 0; j < count; j++) {
      zero.blend(g0, kv.compare(VectorOperators.EQ, j)).blend(g1, kv.compare(VectorOperators.EQ, j - 1))
          .intoArray(gradRaw, gBase + j * stride);
    }
  }
}
