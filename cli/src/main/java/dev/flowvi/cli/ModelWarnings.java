package dev.flowvi.cli;

import dev.flowvi.engine.model.Model;
import java.io.PrintWriter;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A model file's warnings (a missing prior, a prior narrower than its constraint) as the commands
 * show them: one {@code warning:} line each on stderr, once. The engine also logs them through
 * java.util.logging when a model is built, and a fit builds it again to save the flow file, so the
 * command line turns that logger down and prints them itself.
 */
final class ModelWarnings {
  /** Held, so that its level is not lost with a logger collected and created anew. */
  private static final Logger MODEL_LOG = Logger.getLogger(Model.class.getName());

  private ModelWarnings() {}

  /** From here on in this JVM, the model's own log records below SEVERE are not printed. */
  static void printedByTheCommands() {
    MODEL_LOG.setLevel(Level.SEVERE);
  }

  static void print(Model model, PrintWriter err) {
    for (String w : model.warnings()) {
      err.println("warning: " + w);
    }
    err.flush();
  }
}
