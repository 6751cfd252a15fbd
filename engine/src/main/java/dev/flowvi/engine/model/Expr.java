package dev.flowvi.engine.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A node of a model's expression graph: a constant, a parameter element, a data column, or an
 * operation on other nodes. Nodes are immutable and may be shared (the graph is a DAG).
 *
 * <p>A node is <em>row-wise</em> when it depends on a data column: it then has one value per data
 * row. {@link #sum(Expr)} turns a row-wise node into a per-sample scalar. A row-wise node may not
 * depend on a sum over rows, so every model evaluates in one sweep over the rows.
 *
 * <p>Operations on constants fold to constants at once.
 */
public final class Expr {
  final Op op;
  final Expr[] args;
  final double value;
  /** Position in the constrained parameter vector, for {@link Op#PARAMETER}. */
  final int index;
  /** Parameter element or data column name. */
  final String name;
  final boolean rowwise;
  final boolean dependsOnParameters;
  final boolean containsSum;
  /** Data-support checks of the densities in this sub-graph. */
  final List<Support.Check> checks;
  /** The builder that declared a parameter or data leaf (null otherwise). */
  final Object owner;

  private Expr(Op op, Expr[] args, double value, int index, String name, List<Support.Check> ownChecks) {
    this(op, args, value, index, name, ownChecks, null);
  }

  private Expr(Op op, Expr[] args, double value, int index, String name, List<Support.Check> ownChecks, Object owner) {
    this.owner = owner;
    this.op = op;
    this.args = args;
    this.value = value;
    this.index = index;
    this.name = name;
    boolean row = op == Op.DATA;
    boolean params = op == Op.PARAMETER;
    boolean sum = op == Op.SUM_ROWS;
    List<Support.Check> all = new ArrayList<>(ownChecks);
    for (Expr a : args) {
      row |= a.rowwise;
      params |= a.dependsOnParameters;
      sum |= a.containsSum;
      for (Support.Check c : a.checks) {
        if (!all.contains(c)) {
          all.add(c);
        }
      }
    }
    if (op == Op.SUM_ROWS) {
      if (!args[0].rowwise) {
        throw new IllegalArgumentException(
            "sum(...) is over data rows, but its argument " + args[0] + " does not depend on any data column");
      }
      row = false;
    } else if (row) {
      for (Expr a : args) {
        if (a.containsSum) {
          throw new IllegalArgumentException("a row-wise expression (" + op.symbol + " of a data-dependent value) cannot use the sum over rows "
              + a + "; compute the sum as its own term");
        }
      }
    }
    this.rowwise = row;
    this.dependsOnParameters = params;
    this.containsSum = sum;
    this.checks = List.copyOf(all);
  }

  /** A constant. */
  public static Expr of(double value) {
    return new Expr(Op.CONSTANT, new Expr[0], value, -1, null, List.of());
  }

  static Expr parameter(Object owner, int index, String name) {
    return new Expr(Op.PARAMETER, new Expr[0], Double.NaN, index, name, List.of(), owner);
  }

  static Expr data(Object owner, String column) {
    return new Expr(Op.DATA, new Expr[0], Double.NaN, -1, column, List.of(), owner);
  }

  static Expr apply(Op op, Expr... args) {
    return apply(op, List.of(), args);
  }

  static Expr apply(Op op, List<Support.Check> checks, Expr... args) {
    for (int k = 0; k < args.length; k++) {
      if (args[k] == null) {
        throw new IllegalArgumentException("argument " + (k + 1) + " of " + op.symbol + " is null, expected an expression");
      }
    }
    if (op.arity >= 0 && args.length != op.arity) {
      throw new IllegalArgumentException(op.symbol + " takes " + op.arity + " arguments, got " + args.length);
    }
    if (op.arity < 0 && args.length < 1) {
      throw new IllegalArgumentException(op.symbol + " needs at least one argument");
    }
    boolean constant = op != Op.SUM_ROWS;
    for (Expr a : args) {
      constant &= a.op == Op.CONSTANT;
    }
    if (constant && checks.isEmpty()) {
      return of(constantValue(op, args));
    }
    return new Expr(op, args.clone(), Double.NaN, -1, null, checks);
  }

  private static double constantValue(Op op, Expr[] args) {
    if (op == Op.LOG_SUM_EXP) {
      double[] v = new double[args.length];
      for (int k = 0; k < v.length; k++) {
        v[k] = args[k].value;
      }
      return logSumExp(v);
    }
    return op.apply(args[0].value, args.length > 1 ? args[1].value : 0, args.length > 2 ? args[2].value : 0);
  }

  static double logSumExp(double[] v) {
    double max = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      max = Math.max(max, x);
    }
    if (max == Double.NEGATIVE_INFINITY || Double.isNaN(max) || max == Double.POSITIVE_INFINITY) {
      return max;
    }
    double s = 0;
    for (double x : v) {
      s += Math.exp(x - max);
    }
    return max + Math.log(s);
  }

  public Expr plus(Expr b) {
    return apply(Op.ADD, this, b);
  }

  public Expr plus(double b) {
    return plus(of(b));
  }

  public Expr minus(Expr b) {
    return apply(Op.SUB, this, b);
  }

  public Expr minus(double b) {
    return minus(of(b));
  }

  public Expr times(Expr b) {
    return apply(Op.MUL, this, b);
  }

  public Expr times(double b) {
    return times(of(b));
  }

  public Expr div(Expr b) {
    return apply(Op.DIV, this, b);
  }

  public Expr div(double b) {
    return div(of(b));
  }

  public Expr negate() {
    return apply(Op.NEG, this);
  }

  public static Expr exp(Expr a) {
    return apply(Op.EXP, a);
  }

  public static Expr log(Expr a) {
    return apply(Op.LOG, a);
  }

  public static Expr log1p(Expr a) {
    return apply(Op.LOG1P, a);
  }

  public static Expr expm1(Expr a) {
    return apply(Op.EXPM1, a);
  }

  public static Expr sqrt(Expr a) {
    return apply(Op.SQRT, a);
  }

  public static Expr square(Expr a) {
    return apply(Op.SQUARE, a);
  }

  public static Expr pow(Expr base, Expr exponent) {
    return apply(Op.POW, base, exponent);
  }

  /** The logistic function 1 / (1 + e^−a) (Stan's inv_logit). */
  public static Expr logistic(Expr a) {
    return apply(Op.LOGISTIC, a);
  }

  /** softplus: log(1 + e^a), stable for large |a|. */
  public static Expr log1pExp(Expr a) {
    return apply(Op.LOG1P_EXP, a);
  }

  public static Expr logGamma(Expr a) {
    return apply(Op.LGAMMA, a);
  }

  /** log Σ_k exp(components_k), per row when any component is row-wise (a mixture over components). */
  public static Expr logSumExp(Expr... components) {
    return apply(Op.LOG_SUM_EXP, components);
  }

  /** Σ over all data rows of a row-wise expression. */
  public static Expr sum(Expr rowwise) {
    return apply(Op.SUM_ROWS, rowwise);
  }

  /** Whether this node has one value per data row. */
  public boolean isRowwise() {
    return rowwise;
  }

  /** Whether this node is a constant (after folding). */
  public boolean isConstant() {
    return op == Op.CONSTANT;
  }

  /** The value of a constant node. */
  public double constantValue() {
    if (op != Op.CONSTANT) {
      throw new IllegalArgumentException("expression " + this + " is not a constant");
    }
    return value;
  }

  @Override
  public String toString() {
    switch (op) {
      case CONSTANT: return Double.toString(value);
      case PARAMETER:
      case DATA: return name;
      case ADD:
      case SUB:
      case MUL:
      case DIV: return "(" + args[0] + " " + op.symbol + " " + args[1] + ")";
      case NEG: return "-" + args[0];
      default: return op.symbol + Arrays.toString(args).replace('[', '(').replace(']', ')');
    }
  }
}
