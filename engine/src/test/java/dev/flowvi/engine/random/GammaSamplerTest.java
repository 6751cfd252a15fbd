package dev.flowvi.engine.random;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Deciles of Gamma(a, 1) computed with mpmath (regularised incomplete gamma, 30 digits). */
class GammaSamplerTest {
  private static final double[] DECILES_0_3 = {
    0.00032372462182343265, 0.0032703395246849454, 0.012726657769948703, 0.033739792646584124,
    0.0731311358669519, 0.14125250363107097, 0.25656491332105213, 0.4600738869878513, 0.8848107733602439
  };
  private static final double[] DECILES_1 = {
    0.1053605156578263, 0.22314355131420976, 0.3566749439387324, 0.5108256237659907,
    0.6931471805599453, 0.9162907318741551, 1.203972804325936, 1.6094379124341003, 2.302585092994046
  };
  private static final double[] DECILES_4_5 = {
    2.0840795040730535, 2.690026605886646, 3.196652982237656, 3.678517251009054, 4.171416346126477,
    4.706820047241418, 5.3281860032565085, 6.121072734923534, 7.3418282866299185
  };

  @Test
  void decilesForShapesBelowAtAndAboveOne() {
    RandomStream rng = RandomStream.of(31);
    GammaSampler small = GammaSampler.of(0.3);
    RepeatedChiSquare.assertDeciles("Gamma(0.3)", () -> small.sample(rng), DECILES_0_3);
    GammaSampler one = GammaSampler.of(1.0);
    RepeatedChiSquare.assertDeciles("Gamma(1)", () -> one.sample(rng), DECILES_1);
    GammaSampler big = GammaSampler.of(4.5);
    RepeatedChiSquare.assertDeciles("Gamma(4.5)", () -> big.sample(rng), DECILES_4_5);
    // sampleLog is the log of the same law.
    RepeatedChiSquare.assertDeciles("exp(sampleLog) of Gamma(0.3)", () -> Math.exp(small.sampleLog(rng)), DECILES_0_3);
  }

  @Test
  void tinyShapesStayFiniteInLogSpace() {
    RandomStream rng = RandomStream.of(32);
    GammaSampler tiny = GammaSampler.of(1e-3);
    for (int k = 0; k < 100_000; k++) {
      double v = tiny.sampleLog(rng);
      assertTrue(Double.isFinite(v), "log draw " + v);
    }
  }

  @Test
  void rejectsShapesThatAreNotPositiveAndFinite() {
    for (double shape : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GammaSampler.of(shape));
      assertTrue(e.getMessage().startsWith("shape is " + shape), e.getMessage());
    }
  }
}
