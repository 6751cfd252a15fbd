package dev.flowvi.engine.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A distribution family with expression arguments, usable as a prior or a likelihood term. Its log
 * density (normalised, constants included, as Stan's {@code _lpdf}) expands into primitive nodes of
 * the expression graph, so that the parts that depend only on parameters are evaluated once per
 * sample and the parts that depend only on data are folded when data are bound.
 *
 * <p>Parameterisations: normal(μ, σ), lognormal(μ, σ) of log x, uniform(lo, hi), half_normal(σ),
 * half_cauchy(scale), cauchy(location, scale), student_t(ν, μ, σ), exponential(rate), gamma(shape,
 * rate), beta(a, b), dirichlet(α_1..α_K), bernoulli_logit(η), poisson_log(log λ), binomial(n, p).
 */
public final class Density {
  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
  private static final double LOG_PI = Math.log(Math.PI);
  private static final double LOG_TWO = Math.log(2);

  /** The families, with their argument count (−1: one per element, for the Dirichlet). */
  public enum Family {
    NORMAL("normal", 2, Support.REAL),
    LOGNORMAL("lognormal", 2, Support.POSITIVE),
    UNIFORM("uniform", 2, Support.REAL),
    HALF_NORMAL("half_normal", 1, Support.NON_NEGATIVE),
    HALF_CAUCHY("half_cauchy", 1, Support.NON_NEGATIVE),
    CAUCHY("cauchy", 2, Support.REAL),
    STUDENT_T("student_t", 3, Support.REAL),
    EXPONENTIAL("exponential", 1, Support.NON_NEGATIVE),
    GAMMA("gamma", 2, Support.POSITIVE),
    BETA("beta", 2, Support.UNIT_INTERVAL),
    DIRICHLET("dirichlet", -1, Support.UNIT_INTERVAL),
    BERNOULLI_LOGIT("bernoulli_logit", 1, Support.BINARY),
    POISSON_LOG("poisson_log", 1, Support.COUNT),
    BINOMIAL("binomial", 2, Support.COUNT_UP_TO);

    private final String fileName;
    private final int arity;
    private final Support support;

    Family(String fileName, int arity, Support support) {
      this.fileName = fileName;
      this.arity = arity;
      this.support = support;
    }

    /** The name used in model files, e.g. {@code half_normal}. */
    public String fileName() {
      return fileName;
    }

    /** Number of arguments, or −1 for one per element (Dirichlet). */
    public int arity() {
      return arity;
    }

    public static Family byFileName(String name) {
      for (Family f : values()) {
        if (f.fileName.equals(name)) {
          return f;
        }
      }
      return null;
    }
  }

  private final Family family;
  private final Expr[] args;

  private Density(Family family, Expr... args) {
    if (family.arity >= 0 && args.length != family.arity) {
      throw new IllegalArgumentException(family.fileName + " takes " + family.arity + " arguments, got " + args.length);
    }
    if (family.arity < 0 && args.length < 2) {
      throw new IllegalArgumentException(family.fileName + " needs at least 2 concentration arguments, got " + args.length);
    }
    for (int k = 0; k < args.length; k++) {
      if (args[k] == null) {
        throw new IllegalArgumentException("argument " + (k + 1) + " of " + family.fileName + " is null, expected an expression");
      }
      if (args[k].containsSum) {
        throw new IllegalArgumentException("argument " + (k + 1) + " of " + family.fileName + " uses a sum over rows: " + args[k]);
      }
    }
    this.family = family;
    this.args = args.clone();
  }

  /** A family by its model-file name with the given arguments. */
  public static Density of(Family family, Expr... args) {
    return new Density(family, args);
  }

  public static Density normal(Expr mu, Expr sigma) {
    return new Density(Family.NORMAL, mu, sigma);
  }

  public static Density logNormal(Expr mu, Expr sigma) {
    return new Density(Family.LOGNORMAL, mu, sigma);
  }

  public static Density uniform(Expr lo, Expr hi) {
    return new Density(Family.UNIFORM, lo, hi);
  }

  public static Density halfNormal(Expr sigma) {
    return new Density(Family.HALF_NORMAL, sigma);
  }

  public static Density halfCauchy(Expr scale) {
    return new Density(Family.HALF_CAUCHY, scale);
  }

  public static Density cauchy(Expr location, Expr scale) {
    return new Density(Family.CAUCHY, location, scale);
  }

  public static Density studentT(Expr nu, Expr mu, Expr sigma) {
    return new Density(Family.STUDENT_T, nu, mu, sigma);
  }

  public static Density exponential(Expr rate) {
    return new Density(Family.EXPONENTIAL, rate);
  }

  public static Density gamma(Expr shape, Expr rate) {
    return new Density(Family.GAMMA, shape, rate);
  }

  public static Density beta(Expr a, Expr b) {
    return new Density(Family.BETA, a, b);
  }

  public static Density dirichlet(Expr... alpha) {
    return new Density(Family.DIRICHLET, alpha);
  }

  /** Bernoulli with logit-probability η: log p(y) = y·η − log(1 + e^η). */
  public static Density bernoulliLogit(Expr eta) {
    return new Density(Family.BERNOULLI_LOGIT, eta);
  }

  /** Poisson with log-rate α: log p(y) = y·α − e^α − log y!. */
  public static Density poissonLog(Expr logRate) {
    return new Density(Family.POISSON_LOG, logRate);
  }

  /** Binomial with n trials (data or constant) and success probability p. */
  public static Density binomial(Expr trials, Expr p) {
    return new Density(Family.BINOMIAL, trials, p);
  }

  public Family family() {
    return family;
  }

  /** Number of elements of the variate: 1, or K for a Dirichlet. */
  public int dimension() {
    return family == Family.DIRICHLET ? args.length : 1;
  }

  /** log p(x) of a univariate family. */
  public Expr logDensity(Expr x) {
    return logDensity(new Expr[] {x});
  }

  /** log p(x) with one expression per element of the variate. */
  public Expr logDensity(Expr... x) {
    if (x.length != dimension()) {
      throw new IllegalArgumentException(family.fileName + " has a variate of " + dimension() + " elements, got " + x.length);
    }
    List<Support.Check> checks = new ArrayList<>();
    for (Expr xi : x) {
      if (xi == null) {
        throw new IllegalArgumentException("the variate of " + family.fileName + " is null, expected an expression");
      }
      if (!xi.dependsOnParameters && !xi.containsSum && family.support != Support.REAL) {
        Expr bound = family == Family.BINOMIAL ? args[0] : Expr.of(Double.POSITIVE_INFINITY);
        if (xi.op == Op.CONSTANT && bound.op == Op.CONSTANT && !family.support.contains(xi.value, bound.value)) {
          throw new IllegalArgumentException(
              "the variate of " + family.fileName + " is " + xi.value + ", expected " + family.support.expected);
        }
        if (xi.rowwise) {
          checks.add(new Support.Check(family.fileName, xi, family.support, bound));
        }
      }
    }
    Expr lp = expand(x);
    // Attach the data checks to the top node; it is never folded away while it carries them.
    return checks.isEmpty() ? lp : Expr.apply(Op.ADD, checks, lp, Expr.of(0));
  }

  private Expr expand(Expr[] xs) {
    Expr x = xs[0];
    switch (family) {
      case NORMAL:
        return normal(x, args[0], args[1]);
      case LOGNORMAL: {
        Expr logX = Expr.log(x);
        return normal(logX, args[0], args[1]).minus(logX);
      }
      case UNIFORM:
        return Expr.apply(Op.IN_INTERVAL, x, args[0], args[1]).minus(Expr.log(args[1].minus(args[0])));
      case HALF_NORMAL:
        return normal(x, Expr.of(0), args[0]).plus(LOG_TWO);
      case HALF_CAUCHY:
        return cauchy(x, Expr.of(0), args[0]).plus(LOG_TWO);
      case CAUCHY:
        return cauchy(x, args[0], args[1]);
      case STUDENT_T: {
        Expr nu = args[0];
        Expr z = x.minus(args[1]).div(args[2]);
        Expr halfNuPlusOne = nu.plus(1).times(0.5);
        return Expr.logGamma(halfNuPlusOne).minus(Expr.logGamma(nu.times(0.5)))
            .minus(Expr.log(nu).plus(LOG_PI).times(0.5)).minus(Expr.log(args[2]))
            .minus(halfNuPlusOne.times(Expr.log1p(Expr.square(z).div(nu))));
      }
      case EXPONENTIAL:
        return Expr.log(args[0]).minus(args[0].times(x));
      case GAMMA: {
        Expr shape = args[0];
        Expr rate = args[1];
        return shape.times(Expr.log(rate)).minus(Expr.logGamma(shape))
            .plus(scaled(shape.minus(1), Expr.log(x))).minus(rate.times(x));
      }
      case BETA: {
        Expr a = args[0];
        Expr b = args[1];
        return Expr.logGamma(a.plus(b)).minus(Expr.logGamma(a)).minus(Expr.logGamma(b))
            .plus(scaled(a.minus(1), Expr.log(x))).plus(scaled(b.minus(1), Expr.log1p(x.negate())));
      }
      case DIRICHLET: {
        Expr total = args[0];
        for (int k = 1; k < args.length; k++) {
          total = total.plus(args[k]);
        }
        Expr lp = Expr.logGamma(total);
        for (int k = 0; k < args.length; k++) {
          lp = lp.minus(Expr.logGamma(args[k])).plus(scaled(args[k].minus(1), Expr.log(xs[k])));
        }
        return lp;
      }
      case BERNOULLI_LOGIT:
        return x.times(args[0]).minus(Expr.log1pExp(args[0]));
      case POISSON_LOG:
        return x.times(args[0]).minus(Expr.exp(args[0])).minus(Expr.logGamma(x.plus(1)));
      case BINOMIAL: {
        Expr n = args[0];
        Expr p = args[1];
        Expr logChoose = Expr.logGamma(n.plus(1)).minus(Expr.logGamma(x.plus(1))).minus(Expr.logGamma(n.minus(x).plus(1)));
        return logChoose.plus(x.times(Expr.log(p))).plus(n.minus(x).times(Expr.log1p(p.negate())));
      }
      default:
        throw new IllegalStateException(family.name());
    }
  }

  /** −½((x − μ)/σ)² in one fused node, minus log σ + ½ log 2π (per-sample scalars when σ is). */
  private static Expr normal(Expr x, Expr mu, Expr sigma) {
    return Expr.apply(Op.HALF_SQUARED_Z, x, mu, Expr.of(1).div(sigma)).minus(Expr.log(sigma).plus(HALF_LOG_TWO_PI));
  }

  private static Expr cauchy(Expr x, Expr location, Expr scale) {
    Expr z = x.minus(location).div(scale);
    return Expr.log1p(Expr.square(z)).negate().minus(Expr.log(scale)).minus(LOG_PI);
  }

  /** c·t, dropping the term when c is the constant 0 (a flat Dirichlet or Beta(1, 1)). */
  private static Expr scaled(Expr c, Expr t) {
    if (c.op == Op.CONSTANT && c.value == 0) {
      return Expr.of(0);
    }
    return c.times(t);
  }

  /**
   * The closed range of the variate outside which this density is −∞: the uniform's constant
   * bounds, [0, ∞) for the positive families, [0, 1] for the beta, the whole line for the others on
   * ℝ; null where it is not fixed (a uniform whose bounds depend on parameters), for the Dirichlet
   * (a simplex) and for the discrete families.
   */
  double[] supportRange() {
    if (family == Family.UNIFORM) {
      return args[0].op == Op.CONSTANT && args[1].op == Op.CONSTANT ? new double[] {args[0].value, args[1].value} : null;
    }
    if (family == Family.DIRICHLET) {
      return null;
    }
    switch (family.support) {
      case REAL:
        return new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
      case POSITIVE:
      case NON_NEGATIVE:
        return new double[] {0, Double.POSITIVE_INFINITY};
      case UNIT_INTERVAL:
        return new double[] {0, 1};
      default:
        return null;
    }
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(family.fileName).append('(');
    for (int k = 0; k < args.length; k++) {
      s.append(k == 0 ? "" : ", ").append(args[k]);
    }
    return s.append(')').toString();
  }
}
