package dev.flowvi.engine.bijection;

/** Construction checks shared by the composite bijections. */
final class Composites {
  private Composites() {}

  static Bijection[] nonEmpty(Bijection[] parts, String name) {
    if (parts == null || parts.length == 0) {
      throw new IllegalArgumentException(name + " is " + (parts == null ? "null" : "empty") + ", expected at least one bijection");
    }
    Bijection[] copy = parts.clone();
    for (int k = 0; k < copy.length; k++) {
      if (copy[k] == null) {
        throw new IllegalArgumentException(name + "[" + k + "] is null, expected a bijection");
      }
    }
    return copy;
  }

  /** The one non-zero conditionDim of the parts, or 0 when none is conditional. */
  static int commonConditionDim(Bijection[] parts, String owner) {
    int c = 0;
    for (int k = 0; k < parts.length; k++) {
      int ck = parts[k].conditionDim();
      if (ck > 0) {
        if (c > 0 && ck != c) {
          throw new IllegalArgumentException("part " + k + " (" + parts[k].name() + ") of the " + owner + " has conditionDim " + ck
              + ", expected " + c + " like the earlier conditional parts (or 0)");
        }
        c = ck;
      }
    }
    return c;
  }
}
