package dev.flowvi.validation;

import dev.flowvi.engine.core.ParameterBlock;
import dev.flowvi.engine.core.ParameterLayout;

/** Readable names for positions in a feature-major batch and in a flat parameter vector. */
final class Where {
  private Where() {}

  /** "x[7] (coordinate 1 of point 2)" for index 7 of a batch of n = 3 points. */
  static String batchEntry(String array, int index, int n) {
    return array + "[" + index + "] (coordinate " + (index / n) + " of point " + (index % n) + ")";
  }

  /** "parameter 5 (block 'Normal.scale_raw', element 1)", using the component's own layout. */
  static String parameter(ParameterLayout layout, int index) {
    ParameterBlock b;
    try {
      b = layout.blockAt(index);
    } catch (IllegalArgumentException e) {
      return "parameter " + index + " (outside every named block)";
    }
    return "parameter " + index + " (block '" + b.name() + "', element " + (index - b.offset()) + ")";
  }
}
