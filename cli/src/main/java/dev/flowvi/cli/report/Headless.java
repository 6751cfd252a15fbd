package dev.flowvi.cli.report;

/**
 * Switches Java2D to headless mode before any AWT class initialises, so plots render on servers
 * and in CI without a display.
 */
final class Headless {
  private Headless() {}

  static void ensure() {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }
}
