package dev.flowvi.engine.flow;

import dev.flowvi.engine.core.Workspace;

/** A workspace that knows the layer that made it, so a mix-up fails with a clear message. */
interface LayerWorkspace extends Workspace {
  Object owner();
}
