package dev.flowvi.engine.core;

/**
 * Scratch memory owned by one component for batches of up to {@link #capacity()} points.
 *
 * <p>A workspace is created once per batch size and reused across steps, so hot paths allocate
 * nothing. The forward pass stores in it what the matching backward pass needs. A workspace is
 * not thread-safe: each thread uses its own.
 */
public interface Workspace {
  /** The largest batch size this workspace can serve. */
  int capacity();

  /** A workspace for components that need no scratch memory. */
  static Workspace none(int capacity) {
    return new Workspace() {
      @Override
      public int capacity() {
        return capacity;
      }
    };
  }
}
