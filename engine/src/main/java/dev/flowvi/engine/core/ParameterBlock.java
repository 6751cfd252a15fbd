package dev.flowvi.engine.core;

import java.util.Arrays;

/** One named block of a flat parameter vector: where it starts, its shape, and whether it trains. */
public final class ParameterBlock {
  private final String name;
  private final int offset;
  private final int[] shape;
  private final int size;
  private final boolean frozen;

  ParameterBlock(String name, int offset, int[] shape, boolean frozen) {
    this.name = name;
    this.offset = offset;
    this.shape = shape.clone();
    int s = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("shape of block " + name + " is " + Arrays.toString(shape) + ", expected non-negative sizes");
      }
      s = Math.multiplyExact(s, d);
    }
    this.size = s;
    this.frozen = frozen;
  }

  public String name() {
    return name;
  }

  public int offset() {
    return offset;
  }

  public int[] shape() {
    return shape.clone();
  }

  public int size() {
    return size;
  }

  /** A frozen block keeps its value: the optimiser skips it. */
  public boolean frozen() {
    return frozen;
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape) + "@" + offset + (frozen ? " (frozen)" : "");
  }
}
