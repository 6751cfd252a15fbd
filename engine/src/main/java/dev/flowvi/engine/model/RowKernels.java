package dev.flowvi.engine.model;

/**
 * The loops that evaluate one expression node over a tile of rows, and its adjoint. Operands are
 * (array, offset) pairs: a node's tile buffer, a slice of a data column, or a buffer holding a
 * per-sample scalar broadcast over the tile. Adjoint targets may be null (data and constants).
 *
 * <p>Arithmetic loops are shared (the JIT vectorises them); the transcendental ones are abstract,
 * with a scalar reference ({@link ScalarRowKernels}) and a Vector API version ({@link
 * VectorRowKernels}) chosen by {@link dev.flowvi.engine.kernel.VectorSupport}.
 */
abstract class RowKernels {

  abstract void exp(double[] a, int ao, double[] out, int len);

  abstract void log(double[] a, int ao, double[] out, int len);

  abstract void log1p(double[] a, int ao, double[] out, int len);

  abstract void expm1(double[] a, int ao, double[] out, int len);

  abstract void logistic(double[] a, int ao, double[] out, int len);

  abstract void log1pExp(double[] a, int ao, double[] out, int len);

  /** adj += g·logistic(a): the adjoint of softplus. */
  abstract void log1pExpBackward(double[] a, int ao, double[] g, double[] adj, int len);

  /** out = log Σ_k exp(a_k), over k components. */
  abstract void logSumExp(double[][] a, int[] ao, int k, double[] out, int len);

  /** adj_k += g·exp(a_k − out) for every component with an adjoint target. */
  abstract void logSumExpBackward(double[][] a, int[] ao, int k, double[] out, double[] g, double[][] adj, int len);

  /** One node's values over the tile; {@code coef} holds a LINEAR node's coefficients. */
  final void forward(Op op, double[][] in, int[] off, int arity, double[] coef, double[] out, int len) {
    double[] a = in[0];
    int ao = off[0];
    double[] b = arity > 1 ? in[1] : null;
    int bo = arity > 1 ? off[1] : 0;
    switch (op) {
      case ADD: add(a, ao, 1, b, bo, out, len); break;
      case SUB: add(a, ao, -1, b, bo, out, len); break;
      case MUL: mul(a, ao, b, bo, out, len); break;
      case DIV: div(a, ao, b, bo, out, len); break;
      case NEG: scale(a, ao, -1, out, len); break;
      case SQUARE: mul(a, ao, a, ao, out, len); break;
      case SQRT: sqrt(a, ao, out, len); break;
      case EXP: exp(a, ao, out, len); break;
      case LOG: log(a, ao, out, len); break;
      case LOG1P: log1p(a, ao, out, len); break;
      case EXPM1: expm1(a, ao, out, len); break;
      case LOGISTIC: logistic(a, ao, out, len); break;
      case LOG1P_EXP: log1pExp(a, ao, out, len); break;
      case LOG_SUM_EXP: logSumExp(in, off, arity, out, len); break;
      case LINEAR: linear(in, off, arity, coef, out, len); break;
      case HALF_SQUARED_Z: halfSquaredZ(a, ao, b, bo, in[2], off[2], out, len); break;
      case POW:
      case LGAMMA:
      case IN_INTERVAL: generic(op, in, off, arity, out, len); break;
      default: throw new IllegalStateException(op + " is not a row-wise operation");
    }
  }

  /** Adds the node's adjoint g into its operands' adjoint targets (null targets are skipped). */
  final void backward(Op op, double[][] in, int[] off, int arity, double[] coef, double[] out, double[] g, double[][] adj, int len) {
    double[] a = in[0];
    int ao = off[0];
    double[] b = arity > 1 ? in[1] : null;
    int bo = arity > 1 ? off[1] : 0;
    double[] ga = adj[0];
    double[] gb = arity > 1 ? adj[1] : null;
    switch (op) {
      case ADD:
        addScaled(g, 0, 1, ga, len);
        addScaled(g, 0, 1, gb, len);
        break;
      case SUB:
        addScaled(g, 0, 1, ga, len);
        addScaled(g, 0, -1, gb, len);
        break;
      case NEG:
        addScaled(g, 0, -1, ga, len);
        break;
      case LINEAR:
        for (int k = 0; k < arity; k++) {
          addScaled(g, 0, coef[k], adj[k], len);
        }
        break;
      case MUL:
        addProduct(g, b, bo, 1, ga, len);
        addProduct(g, a, ao, 1, gb, len);
        break;
      case SQUARE:
        addProduct(g, a, ao, 2, ga, len);
        break;
      case EXP:
        addProduct(g, out, 0, 1, ga, len);
        break;
      case DIV:
        if (ga != null) {
          for (int i = 0; i < len; i++) {
            ga[i] += g[i] / b[bo + i];
          }
        }
        if (gb != null) {
          for (int i = 0; i < len; i++) {
            gb[i] -= g[i] * out[i] / b[bo + i];
          }
        }
        break;
      case SQRT:
        if (ga != null) {
          for (int i = 0; i < len; i++) {
            ga[i] += 0.5 * g[i] / out[i];
          }
        }
        break;
      case EXPM1:
        if (ga != null) {
          for (int i = 0; i < len; i++) {
            ga[i] += g[i] * (out[i] + 1);
          }
        }
        break;
      case LOG:
        if (ga != null) {
          for (int i = 0; i < len; i++) {
            ga[i] += g[i] / a[ao + i];
          }
        }
        break;
      case LOG1P:
        if (ga != null) {
          for (int i = 0; i < len; i++) {
            ga[i] += g[i] / (1 + a[ao + i]);
          }
        }
        break;
      case LOGISTIC:
        if (ga != null) {
          for (int i = 0; i < len; i++) {
            ga[i] += g[i] * out[i] * (1 - out[i]);
          }
        }
        break;
      case LOG1P_EXP:
        if (ga != null) {
          log1pExpBackward(a, ao, g, ga, len);
        }
        break;
      case LOG_SUM_EXP:
        logSumExpBackward(in, off, arity, out, g, adj, len);
        break;
      case HALF_SQUARED_Z:
        halfSquaredZBackward(a, ao, b, bo, in[2], off[2], g, ga, gb, adj[2], len);
        break;
      case POW:
        for (int i = 0; i < len; i++) {
          if (ga != null) {
            ga[i] += g[i] * Op.powBase(a[ao + i], b[bo + i]);
          }
          if (gb != null) {
            gb[i] += g[i] * Op.powExponent(a[ao + i], out[i]);
          }
        }
        break;
      case LGAMMA:
        if (ga != null) {
          for (int i = 0; i < len; i++) {
            ga[i] += g[i] * SpecialFunctions.digamma(a[ao + i]);
          }
        }
        break;
      case IN_INTERVAL:
        break;
      default:
        throw new IllegalStateException(op + " is not a row-wise operation");
    }
  }

  // Small loops, one per shape; the hot ones are overridden with Vector API loops by VectorRowKernels.

  void add(double[] a, int ao, double sign, double[] b, int bo, double[] out, int len) {
    for (int i = 0; i < len; i++) {
      out[i] = a[ao + i] + sign * b[bo + i];
    }
  }

  void mul(double[] a, int ao, double[] b, int bo, double[] out, int len) {
    for (int i = 0; i < len; i++) {
      out[i] = a[ao + i] * b[bo + i];
    }
  }

  private static void div(double[] a, int ao, double[] b, int bo, double[] out, int len) {
    for (int i = 0; i < len; i++) {
      out[i] = a[ao + i] / b[bo + i];
    }
  }

  void scale(double[] a, int ao, double c, double[] out, int len) {
    for (int i = 0; i < len; i++) {
      out[i] = c * a[ao + i];
    }
  }

  private static void sqrt(double[] a, int ao, double[] out, int len) {
    for (int i = 0; i < len; i++) {
      out[i] = Math.sqrt(a[ao + i]);
    }
  }

  void linear(double[][] in, int[] off, int arity, double[] coef, double[] out, int len) {
    scale(in[0], off[0], coef[0], out, len);
    for (int k = 1; k < arity; k++) {
      addScaled(in[k], off[k], coef[k], out, len);
    }
  }

  /** −½((x − μ)·τ)². */
  void halfSquaredZ(double[] x, int xo, double[] mu, int mo, double[] tau, int to, double[] out, int len) {
    for (int i = 0; i < len; i++) {
      double z = (x[xo + i] - mu[mo + i]) * tau[to + i];
      out[i] = -0.5 * z * z;
    }
  }

  /** With d = x − μ: ∂/∂x = −dτ², ∂/∂μ = dτ², ∂/∂τ = −d²τ; one loop per target, without branches. */
  void halfSquaredZBackward(double[] x, int xo, double[] mu, int mo, double[] tau, int to, double[] g,
      double[] gx, double[] gmu, double[] gtau, int len) {
    if (gx != null) {
      for (int i = 0; i < len; i++) {
        double t = tau[to + i];
        gx[i] -= g[i] * (x[xo + i] - mu[mo + i]) * t * t;
      }
    }
    if (gmu != null) {
      for (int i = 0; i < len; i++) {
        double t = tau[to + i];
        gmu[i] += g[i] * (x[xo + i] - mu[mo + i]) * t * t;
      }
    }
    if (gtau != null) {
      for (int i = 0; i < len; i++) {
        double d = x[xo + i] - mu[mo + i];
        gtau[i] -= g[i] * d * d * tau[to + i];
      }
    }
  }

  private static void generic(Op op, double[][] in, int[] off, int arity, double[] out, int len) {
    double[] a = in[0];
    double[] b = arity > 1 ? in[1] : null;
    double[] c = arity > 2 ? in[2] : null;
    int ao = off[0];
    int bo = arity > 1 ? off[1] : 0;
    int co = arity > 2 ? off[2] : 0;
    for (int i = 0; i < len; i++) {
      out[i] = op.apply(a[ao + i], b == null ? 0 : b[bo + i], c == null ? 0 : c[co + i]);
    }
  }

  /** target += c·g·v. */
  void addProduct(double[] g, double[] v, int vo, double c, double[] target, int len) {
    if (target == null) {
      return;
    }
    for (int i = 0; i < len; i++) {
      target[i] += c * g[i] * v[vo + i];
    }
  }

  /** target += c·v. */
  void addScaled(double[] v, int vo, double c, double[] target, int len) {
    if (target == null) {
      return;
    }
    for (int i = 0; i < len; i++) {
      target[i] += c * v[vo + i];
    }
  }

}
