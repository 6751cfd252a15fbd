package dev.flowvi.cli.report;

import dev.flowvi.engine.kernel.VectorSupport;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The versions a result was produced with, so it can be reproduced: FlowVI, the JVM, and which
 * kernel path (vector or scalar) ran.
 */
public record Provenance(String flowviVersion, String javaVersion, String javaVendor, String kernels) {

  public static Provenance current() {
    return new Provenance(projectVersion(), System.getProperty("java.version"),
        System.getProperty("java.vendor"), VectorSupport.describe());
  }

  /** The project version, filtered into a resource at build time. */
  public static String projectVersion() {
    try (InputStream in = Provenance.class.getResourceAsStream("/flowvi-version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
