package dev.flowvi.codegen;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 digests in lower-case hex, for topology keys and kernel cache entries. */
public final class Sha256 {
  private Sha256() {}

  /** A fresh SHA-256 digest (every JVM has one). */
  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The first {@code bytes} bytes of the SHA-256 of {@code text} (UTF-8), in hex. */
  public static String hex(String text, int bytes) {
    byte[] d = digest().digest(text.getBytes(StandardCharsets.UTF_8));
    return hex(d, bytes);
  }

  /** The first {@code bytes} bytes of {@code digest}, in hex. */
  public static String hex(byte[] digest, int bytes) {
    StringBuilder hex = new StringBuilder(2 * bytes);
    for (int k = 0; k < bytes; k++) {
      hex.append(Character.forDigit((digest[k] >> 4) & 0xF, 16)).append(Character.forDigit(digest[k] & 0xF, 16));
    }
    return hex.toString();
  }
}
