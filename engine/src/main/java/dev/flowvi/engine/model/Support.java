package dev.flowvi.engine.model;

/** The fixed support of a density's variate, checked against observed data when data are bound. */
enum Support {
  REAL("a finite real number"),
  NON_NEGATIVE("a value ≥ 0"),
  POSITIVE("a value > 0"),
  UNIT_INTERVAL("a value in (0, 1)"),
  BINARY("0 or 1"),
  COUNT("a non-negative integer"),
  /** 0, 1, …, bound: the binomial's successes out of bound trials. */
  COUNT_UP_TO("an integer in 0..n (the number of trials)");

  final String expected;

  Support(String expected) {
    this.expected = expected;
  }

  boolean contains(double x, double bound) {
    if (!Double.isFinite(x)) {
      return false;
    }
    switch (this) {
      case REAL: return true;
      case NON_NEGATIVE: return x >= 0;
      case POSITIVE: return x > 0;
      case UNIT_INTERVAL: return x > 0 && x < 1;
      case BINARY: return x == 0 || x == 1;
      case COUNT: return x >= 0 && x == Math.rint(x);
      case COUNT_UP_TO: return x >= 0 && x == Math.rint(x) && x <= bound;
      default: throw new IllegalStateException(name());
    }
  }

  /** A variate observed as data (not a function of parameters) must satisfy its support on every row. */
  record Check(String density, Expr variate, Support support, Expr bound) {}
}
