package dev.flowvi.engine.examples;

import dev.flowvi.engine.model.Constraint;
import dev.flowvi.engine.model.Density;
import dev.flowvi.engine.model.Expr;
import dev.flowvi.engine.model.Model;
import dev.flowvi.engine.model.ModelBuilder;
import dev.flowvi.engine.model.Parameter;
import java.util.List;

/**
 * The seed's M1 and M2 (EXAMPLES.md) declared with the model builder. The same models ship as
 * model files, examples/m1.model and examples/m2.model.
 */
public final class SeedModels {
  private SeedModels() {}

  /** M1: a mixture of two lines; parameters m1, m2, c2, w1 on their prior boxes. Data x, y. */
  public static Model m1() {
    ModelBuilder b = ModelBuilder.create();
    Expr x = b.data("x");
    Expr y = b.data("y");
    Expr m1 = boxed(b, "m1", -10, 10);
    Expr m2 = boxed(b, "m2", -10, 10);
    Expr c2 = boxed(b, "c2", -50, 50);
    Expr w1 = boxed(b, "w1", 0, 1);
    Expr first = Expr.log(w1).plus(Density.normal(m1.times(x), Expr.of(M1Data.S1)).logDensity(y));
    Expr second = Expr.log1p(w1.negate()).plus(Density.normal(m2.times(x).plus(c2), Expr.of(M1Data.S2)).logDensity(y));
    b.add(Expr.sum(Expr.logSumExp(first, second)));
    return b.build();
  }

  private static Expr boxed(ModelBuilder b, String name, double lo, double hi) {
    return b.parameter(name, Constraint.interval(lo, hi)).prior(Density.uniform(Expr.of(lo), Expr.of(hi))).value();
  }

  /** M2: three tracks plus background in 3D, 26 coordinates. Data t, x, y, z, e. */
  public static Model m2() {
    ModelBuilder b = ModelBuilder.create();
    Expr t = b.data("t");
    Expr x = b.data("x");
    Expr y = b.data("y");
    Expr z = b.data("z");
    Expr e = b.data("e");
    Expr[][] track = new Expr[3][];
    for (int k = 0; k < 3; k++) {
      int n = k + 1;
      track[k] = new Expr[] {
          normal(b, "a_" + n + "1", M2Data.A[k][0], 1), normal(b, "a_" + n + "2", M2Data.A[k][1], 1),
          normal(b, "a_" + n + "3", M2Data.A[k][2], 1), normal(b, "b_" + n + "1", M2Data.B[k][0], 3),
          normal(b, "b_" + n + "2", M2Data.B[k][1], 3), normal(b, "logE_" + n, M2Data.LOG_E[k], 1),
          normal(b, "phi_" + n, M2Data.PHI[k], 1)};
    }
    Expr sigma = Expr.exp(normal(b, "log_sigma", Math.log(M2Data.SIGMA), 1));
    Expr sigmaE = Expr.exp(normal(b, "log_sigma_e", Math.log(M2Data.SIGMA_E), 1));
    Parameter w = b.parameter(List.of("w1", "w2", "w3", "w_b"), Constraint.simplex())
        .prior(Density.dirichlet(Expr.of(1), Expr.of(1), Expr.of(1), Expr.of(1)));
    Expr[] components = new Expr[4];
    for (int k = 0; k < 3; k++) {
      Expr[] p = track[k];
      components[k] = Expr.log(w.get(k))
          .plus(Density.normal(p[0].times(t).plus(p[3]), sigma).logDensity(x))
          .plus(Density.normal(p[1].times(t).plus(p[4]), sigma).logDensity(y))
          .plus(Density.normal(p[2].times(t), sigma).logDensity(z))
          .plus(Density.logNormal(p[5].minus(p[6].times(t)), sigmaE).logDensity(e));
    }
    Expr box = Expr.of(-M2Data.BOX);
    Expr boxHi = Expr.of(M2Data.BOX);
    components[3] = Expr.log(w.get(3))
        .plus(Density.uniform(box, boxHi).logDensity(x))
        .plus(Density.uniform(box, boxHi).logDensity(y))
        .plus(Density.uniform(box, boxHi).logDensity(z))
        .plus(Density.uniform(Expr.of(-M2Data.LOG_E_BOX), Expr.of(M2Data.LOG_E_BOX)).logDensity(Expr.log(e)))
        .minus(Expr.log(e));
    b.add(Expr.sum(Expr.logSumExp(components)));
    return b.build();
  }

  private static Expr normal(ModelBuilder b, String name, double mean, double sd) {
    return b.parameter(name, Constraint.real()).prior(Density.normal(Expr.of(mean), Expr.of(sd))).value();
  }
}
