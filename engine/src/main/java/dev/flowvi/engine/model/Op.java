package dev.flowvi.engine.model;

/**
 * The operations of a model's expression graph, with their scalar value and partial derivatives.
 *
 * <p>The row-wise interpreter has its own loops over tiles of rows; these scalar forms serve the
 * per-sample part of the graph (parameters and their functions) and the folding of data-only
 * sub-expressions when data are bound.
 */
enum Op {
  CONSTANT(0, "constant"),
  PARAMETER(0, "parameter"),
  DATA(0, "data"),
  ADD(2, "+"),
  SUB(2, "-"),
  MUL(2, "*"),
  DIV(2, "/"),
  POW(2, "pow"),
  NEG(1, "neg"),
  EXP(1, "exp"),
  LOG(1, "log"),
  LOG1P(1, "log1p"),
  EXPM1(1, "expm1"),
  SQRT(1, "sqrt"),
  SQUARE(1, "square"),
  LOGISTIC(1, "logistic"),
  /** softplus, log(1 + e^a), evaluated without overflow. */
  LOG1P_EXP(1, "log1p_exp"),
  LGAMMA(1, "lgamma"),
  /**
   * −½((x − μ)·τ)² with τ = 1/σ: the data-dependent part of a normal log density, fused into one
   * pass over rows; taking the precision τ keeps the division out of the row loop when σ is per sample.
   */
  HALF_SQUARED_Z(3, "half_squared_z"),
  /** log(hi − lo)-free indicator: 0 when lo ≤ a ≤ hi, −∞ otherwise (the support of a uniform). */
  IN_INTERVAL(3, "in_interval"),
  /** Σ_k c_k·a_k with constant coefficients c_k = ±1: fused chains of row-wise +, − and negation. */
  LINEAR(-1, "linear"),
  /** Variadic log Σ exp(a_k), over components at each row. */
  LOG_SUM_EXP(-1, "log_sum_exp"),
  /** Σ over data rows of a row-wise argument: a per-sample scalar. */
  SUM_ROWS(1, "sum");

  final int arity;
  final String symbol;

  Op(int arity, String symbol) {
    this.arity = arity;
    this.symbol = symbol;
  }

  /** Value of a fixed-arity operation; unused arguments are ignored. */
  double apply(double a, double b, double c) {
    switch (this) {
      case ADD: return a + b;
      case SUB: return a - b;
      case MUL: return a * b;
      case DIV: return a / b;
      case POW: return Math.pow(a, b);
      case NEG: return -a;
      case EXP: return Math.exp(a);
      case LOG: return Math.log(a);
      case LOG1P: return Math.log1p(a);
      case EXPM1: return Math.expm1(a);
      case SQRT: return Math.sqrt(a);
      case SQUARE: return a * a;
      case LOGISTIC: return logistic(a);
      case LOG1P_EXP: return log1pExp(a);
      case LGAMMA: return SpecialFunctions.logGamma(a);
      case IN_INTERVAL: return a >= b && a <= c ? 0.0 : Double.NEGATIVE_INFINITY;
      case HALF_SQUARED_Z: {
        double z = (a - b) * c;
        return -0.5 * z * z;
      }
      default: throw new IllegalStateException(this + " has no fixed-arity value");
    }
  }

  /** ∂out/∂(argument k) given the arguments and the value {@code out}. */
  double partial(int k, double a, double b, double c, double out) {
    switch (this) {
      case ADD: return 1;
      case SUB: return k == 0 ? 1 : -1;
      case MUL: return k == 0 ? b : a;
      case DIV: return k == 0 ? 1 / b : -out / b;
      case POW: return k == 0 ? powBase(a, b) : powExponent(a, out);
      case NEG: return -1;
      case EXP: return out;
      case LOG: return 1 / a;
      case LOG1P: return 1 / (1 + a);
      case EXPM1: return out + 1;
      case SQRT: return 0.5 / out;
      case SQUARE: return 2 * a;
      case LOGISTIC: return out * (1 - out);
      case LOG1P_EXP: return logistic(a);
      case LGAMMA: return SpecialFunctions.digamma(a);
      case IN_INTERVAL: return 0;
      case HALF_SQUARED_Z: {
        // With d = x − μ and z = d·τ: ∂/∂x = −zτ, ∂/∂μ = zτ, ∂/∂τ = −z·d.
        double d = a - b;
        double z = d * c;
        return k == 0 ? -z * c : k == 1 ? z * c : -z * d;
      }
      default: throw new IllegalStateException(this + " has no fixed-arity partial");
    }
  }

  /** ∂(a^b)/∂a = b·a^(b−1), written so that a = 0 with b ≥ 1 stays finite. */
  static double powBase(double a, double b) {
    return b == 0 ? 0 : b * Math.pow(a, b - 1);
  }

  /** ∂(a^b)/∂b = a^b·log a, taken as 0 where a^b = 0. */
  static double powExponent(double a, double out) {
    return out == 0 ? 0 : out * Math.log(a);
  }

  static double logistic(double a) {
    return a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a));
  }

  static double log1pExp(double a) {
    return Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a)));
  }
}
