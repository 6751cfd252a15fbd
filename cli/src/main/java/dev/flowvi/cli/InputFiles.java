package dev.flowvi.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Early checks of input files, so a typo in a path gets a message naming the option. */
final class InputFiles {
  private InputFiles() {}

  /** {@code file} if it is an existing, readable regular file; otherwise an error naming {@code option}. */
  static Path existing(String option, Path file) {
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(option + ": file " + file + " does not exist");
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException(option + ": " + file + " is not a readable file");
    }
    return file;
  }
}
