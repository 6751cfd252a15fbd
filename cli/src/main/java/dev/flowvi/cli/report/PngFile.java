package dev.flowvi.cli.report;

import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Writes a picture as a PNG file through {@link Files}, so that a path that cannot be written
 * fails with an error naming it. ImageIO's own {@code File} form deletes an empty directory
 * standing at the path and reports other failures without the path.
 */
final class PngFile {
  private PngFile() {}

  static void write(BufferedImage image, Path file) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
      if (!ImageIO.write(image, "png", out)) {
        throw new IOException("this JVM has no PNG writer, so " + file + " was not written");
      }
    }
  }
}
