package dev.flowvi.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PngFile's own encoder, checked by decoding its files with ImageIO pixel by pixel. */
class PngFileTest {
  @TempDir
  Path dir;

  @Test
  void rgbImagesDecodeToTheSamePixels() throws IOException {
    Random rng = new Random(4);
    for (int[] size : new int[][] {{1, 1}, {3, 2}, {257, 131}, {984, 40}}) {
      BufferedImage image = new BufferedImage(size[0], size[1], BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < size[1]; y++) {
        for (int x = 0; x < size[0]; x++) {
          // Random colours (incompressible) in one half, flat runs in the other.
          image.setRGB(x, y, x < size[0] / 2 ? rng.nextInt(1 << 24) : 0xF0F0F0);
        }
      }
      Path file = dir.resolve("p" + size[0] + "x" + size[1] + ".png");
      PngFile.write(image, file);
      assertDecodesTo(image, file);
    }
  }

  @Test
  void aSubImageWritesItsOwnPixels() throws IOException {
    BufferedImage whole = new BufferedImage(20, 10, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 10; y++) {
      for (int x = 0; x < 20; x++) {
        whole.setRGB(x, y, (x << 16) | (y << 8) | (x + y));
      }
    }
    // Shares the whole image's pixel array, with an offset and a wider scanline.
    BufferedImage part = whole.getSubimage(5, 3, 7, 4);
    Path file = dir.resolve("part.png");
    PngFile.write(part, file);
    assertDecodesTo(part, file);
  }

  @Test
  void otherImageTypesStillWrite() throws IOException {
    BufferedImage image = new BufferedImage(5, 4, BufferedImage.TYPE_INT_ARGB);
    image.setRGB(2, 1, 0xFF123456);
    Path file = dir.resolve("argb.png");
    PngFile.write(image, file);
    BufferedImage back = ImageIO.read(file.toFile());
    assertNotNull(back);
    assertEquals(0xFF123456, back.getRGB(2, 1));
  }

  @Test
  void anUnwritablePathIsNamed() throws IOException {
    Path blocked = Files.createDirectories(dir.resolve("blocked.png"));
    BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    IOException e = assertThrows(IOException.class, () -> PngFile.write(image, blocked));
    assertTrue(e.toString().contains("blocked.png"), e.toString());
    assertTrue(Files.isDirectory(blocked), "the directory standing at the path is left alone");
  }

  private static void assertDecodesTo(BufferedImage expected, Path file) throws IOException {
    BufferedImage back = ImageIO.read(file.toFile());
    assertNotNull(back, file + " must decode");
    assertEquals(expected.getWidth(), back.getWidth());
    assertEquals(expected.getHeight(), back.getHeight());
    for (int y = 0; y < expected.getHeight(); y++) {
      for (int x = 0; x < expected.getWidth(); x++) {
        assertEquals(expected.getRGB(x, y) & 0xFFFFFF, back.getRGB(x, y) & 0xFFFFFF, file + " pixel (" + x + ", " + y + ")");
      }
    }
  }
}
