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

  /** One node's values over the tile. */
  final void forward(Op op, double[][] in, int[] off, int arity, double[] out, int len) {
    double[] a = in[0];
    int ao = off[0];
    double[] b = arity > 1 ? in[1] : null;
    int bo = arity > 1 ? off[1] : 0;
    switch (op) {
      case ADD:
        for (int i = 0; i < len; i++) {
          out[i] = a[ao + i] + b[bo + i];
        }
        break;
      case SUB:
        for (int i = 0; i < len; i++) {
          out[i] = a[ao + i] - b[bo + i];
        }
        break;
      case MUL:
        for (int i = 0; i < len; i++) {
          out[i] = a[ao + i] * b[bo + i];
        }
        break;
      case DIV:
        for (int i = 0; i < len; i++) {
          out[i] = a[ao + i] / b[bo + i];
        }
        break;
      case NEG:
        for (int i = 0; i < len; i++) {
          out[i] = -a[ao + i];
        }
        break;
      case SQUARE:
        for (int i = 0; i < len; i++) {
          out[i] = a[ao + i] * a[ao + i];
        }
        break;
      case SQRT:
        for (int i = 0; i < len; i++) {
          out[i] = Math.sqrt(a[ao + i]);
        }
        break;
      case EXP:
        exp(a, ao, out, len);
        break;
      case LOG:
        log(a, ao, out, len);
        break;
      case LOG1P:
        log1p(a, ao, out, len);
        break;
      case EXPM1:
        expm1(a, ao, out, len);
        break;
      case LOGISTIC:
        logistic(a, ao, out, len);
        break;
      case LOG1P_EXP:
        log1pExp(a, ao, out, len);
        break;
      case LOG_SUM_EXP:
        logSumExp(in, off, arity, out, len);
        break;
      case HALF_SQUARED_Z: {
        double[] c = in[2];
        int co = off[2];
        for (int i = 0; i < len; i++) {
          double z = (a[ao + i] - b[bo + i]) / c[co + i];
          out[i] = -0.5 * z * z;
        }
        break;
      }
      case POW:
      case LGAMMA:
      case IN_INTERVAL: {
        double[] c = arity > 2 ? in[2] : null;
        int co = arity > 2 ? off[2] : 0;
        for (int i = 0; i < len; i++) {
          out[i] = op.apply(a[ao + i], b == null ? 0 : b[bo + i], c == null ? 0 : c[co + i]);
        }
        break;
      }
      default:
        throw new IllegalStateException(op + " is not a row-wise operation");
    }
  }

  /** Adds the node's adjoint g into its operands' adjoint targets (null targets are skipped). */
  final void backward(Op op, double[][] in, int[] off, int arity, double[] out, double[] g, double[][] adj, int len) {
    double[] a = in[0];
    int ao = off[0];
    double[] b = arity > 1 ? in[1] : null;
    int bo = arity > 1 ? off[1] : 0;
    double[] ga = adj[0];
    double[] gb = arity > 1 ? adj[1] : null;
    switch (op) {
      case ADD:
        addScaled(g, 1, ga, len);
        addScaled(g, 1, gb, len);
        break;
      case SUB:
        addScaled(g, 1, ga, len);
        addScaled(g, -1, gb, len);
        break;
      case NEG:
        addScaled(g, -1, ga, len);
        break;
      case MUL:
        if (ga != null) {
          for (int i = 0; i < len; i++) {
            ga[i] += g[i] * b[bo + i];
          }
        }
        if (gb != null) {
          for (int i = 0; i < len; i++) {
            gb[i] += g[i] * a[ao + i];
          }
        }
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
      case SQUARE:
        if (ga != null) {
          for (int i = 0; i < len; i++) {
            ga[i] += 2 * g[i] * a[ao + i];
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
      case EXP:
        if (ga != null) {
          for (int i = 0; i < len; i++) {
            ga[i] += g[i] * out[i];
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
      case HALF_SQUARED_Z: {
        double[] c = in[2];
        int co = off[2];
        double[] gc = adj[2];
        for (int i = 0; i < len; i++) {
          double inv = 1 / c[co + i];
          double zOverSigma = (a[ao + i] - b[bo + i]) * inv * inv;
          double gi = g[i];
          if (ga != null) {
            ga[i] -= gi * zOverSigma;
          }
          if (gb != null) {
            gb[i] += gi * zOverSigma;
          }
          if (gc != null) {
            gc[i] -= 2 * gi * out[i] * inv;
          }
        }
        break;
      }
      default:
        throw new IllegalStateException(op + " is not a row-wise operation");
    }
  }

  private static void addScaled(double[] g, double c, double[] target, int len) {
    if (target == null) {
      return;
    }
    for (int i = 0; i < len; i++) {
      target[i] += c * g[i];
    }
  }
}
