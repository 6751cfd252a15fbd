package dev.flowvi.engine.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Names the blocks of a flat parameter vector. Every trainable value of a flow lives in one
 * {@code double[]}; the layout says which slice belongs to which layer and which are frozen.
 */
public final class ParameterLayout {
  private final List<ParameterBlock> blocks;
  private final int size;

  private ParameterLayout(List<ParameterBlock> blocks, int size) {
    this.blocks = Collections.unmodifiableList(new ArrayList<>(blocks));
    this.size = size;
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<ParameterBlock> blocks() {
    return blocks;
  }

  /** Total number of values, frozen included. */
  public int size() {
    return size;
  }

  /** Number of values the optimiser may change. */
  public int trainableSize() {
    int n = 0;
    for (ParameterBlock b : blocks) {
      if (!b.frozen()) {
        n += b.size();
      }
    }
    return n;
  }

  /** A mask over the flat vector: true where the value is trainable. */
  public boolean[] trainableMask() {
    boolean[] mask = new boolean[size];
    for (ParameterBlock b : blocks) {
      if (!b.frozen()) {
        for (int i = 0; i < b.size(); i++) {
          mask[b.offset() + i] = true;
        }
      }
    }
    return mask;
  }

  /** The block holding flat index {@code index}. */
  public ParameterBlock blockAt(int index) {
    for (ParameterBlock b : blocks) {
      if (index >= b.offset() && index < b.offset() + b.size()) {
        return b;
      }
    }
    throw new IllegalArgumentException("parameter index is " + index + ", expected 0.." + (size - 1));
  }

  public ParameterBlock block(String name) {
    for (ParameterBlock b : blocks) {
      if (b.name().equals(name)) {
        return b;
      }
    }
    throw new IllegalArgumentException("no parameter block named '" + name + "'; blocks are " + blocks);
  }

  @Override
  public String toString() {
    return "ParameterLayout" + blocks;
  }

  /**
   * Collects blocks in order. Composites call their parts with a prefix, so names read like
   * {@code layer3.conditioner.w0}. Offsets are assigned consecutively.
   */
  public static final class Builder {
    private final List<ParameterBlock> blocks = new ArrayList<>();
    private int next;
    private int frozenDepth;

    public Builder add(String name, boolean frozen, int... shape) {
      ParameterBlock b = new ParameterBlock(name, next, shape, frozen || frozenDepth > 0);
      if (b.size() > 0) {
        blocks.add(b);
      }
      next = Math.addExact(next, b.size());
      return this;
    }

    public Builder add(String name, int... shape) {
      return add(name, false, shape);
    }

    /** Everything added until {@link #endFrozen()} is frozen. Nests. */
    public Builder beginFrozen() {
      frozenDepth++;
      return this;
    }

    public Builder endFrozen() {
      if (frozenDepth == 0) {
        throw new IllegalStateException("endFrozen() without beginFrozen()");
      }
      frozenDepth--;
      return this;
    }

    /** The offset the next block will get. */
    public int offset() {
      return next;
    }

    public ParameterLayout build() {
      return new ParameterLayout(blocks, next);
    }
  }
}
