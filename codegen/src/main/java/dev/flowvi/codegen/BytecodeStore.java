package dev.flowvi.codegen;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Bytecode of generated classes kept on disk between processes, so that a second run of the same
 * model and flow skips Janino (a cold Janino takes about 0.2 s for a 15 KB source, longer than the
 * class takes to load from its bytes).
 *
 * <p>An entry is found by a SHA-256 over the generated source, the class name, the compiler
 * settings and a fingerprint of the build: the jars that hold FlowVI and Janino (with its
 * commons-compiler), by path, size and modification time. A rebuilt FlowVI therefore never links against bytecode compiled for an older
 * one; its entries simply stop being found. Each file ends with a SHA-256 of its contents, and an
 * entry that is unreadable, truncated or altered counts as absent, so the class is compiled again
 * and the file rewritten. Files are written to a temporary name and moved into place, so
 * concurrent processes see either a whole entry or none. The folder keeps at most
 * {@link #MAX_ENTRIES} entries, the least recently written going first.
 *
 * <p>The store is off unless the system property {@value #DIRECTORY_PROPERTY} names a folder; the
 * {@code bin/flowvi} launcher sets it to {@code cli/target/kernel-cache}.
 */
public final class BytecodeStore {
  public static final String DIRECTORY_PROPERTY = "flowvi.codegen.cache";
  /** Entries kept in the folder; older ones are deleted when a new one is written. */
  public static final int MAX_ENTRIES = 256;

  private static final int MAGIC = 0x46564B43; // "FVKC"
  private static final int FORMAT = 1;
  private static final int DIGEST_BYTES = 32;
  private static final String SUFFIX = ".classes";

  private final Path directory;
  private final String buildFingerprint;

  /**
   * A store in {@code directory} (created on the first write) for classes compiled by the build
   * that {@code buildFingerprint} identifies.
   */
  public BytecodeStore(Path directory, String buildFingerprint) {
    if (directory == null) {
      throw new IllegalArgumentException("the kernel cache folder is null");
    }
    if (buildFingerprint == null || buildFingerprint.isEmpty()) {
      throw new IllegalArgumentException("the build fingerprint is empty");
    }
    this.directory = directory;
    this.buildFingerprint = buildFingerprint;
  }

  /**
   * The store named by {@value #DIRECTORY_PROPERTY}, or null when the property is unset or blank,
   * or when FlowVI or Janino was not loaded from a jar (classes folders have no stable identity).
   */
  public static BytecodeStore configured() {
    String dir = System.getProperty(DIRECTORY_PROPERTY);
    if (dir == null || dir.isBlank()) {
      return null;
    }
    String fingerprint = jarFingerprint(KernelCompiler.class, dev.flowvi.engine.bijection.Bijection.class,
        org.codehaus.janino.SimpleCompiler.class, org.codehaus.commons.compiler.CompileException.class);
    return fingerprint == null ? null : new BytecodeStore(Path.of(dir), fingerprint);
  }

  /** Path, size and modification time of each distinct jar holding {@code classes}; null if one is not a jar. */
  static String jarFingerprint(Class<?>... classes) {
    StringBuilder b = new StringBuilder();
    List<Path> seen = new ArrayList<>();
    for (Class<?> c : classes) {
      CodeSource source = c.getProtectionDomain().getCodeSource();
      if (source == null || source.getLocation() == null) {
        return null;
      }
      try {
        Path jar = Path.of(source.getLocation().toURI()).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
          return null;
        }
        if (!seen.contains(jar)) {
          seen.add(jar);
          b.append(jar).append('|').append(Files.size(jar)).append('|').append(Files.getLastModifiedTime(jar).toMillis()).append('\n');
        }
      } catch (URISyntaxException | IOException | IllegalArgumentException e) {
        return null;
      }
    }
    return b.toString();
  }

  /** The file that holds (or would hold) the classes compiled from {@code source} with {@code settings}. */
  Path entry(GeneratedSource source, String settings) {
    return directory.resolve(key(source, settings) + SUFFIX);
  }

  private String key(GeneratedSource source, String settings) {
    MessageDigest sha = Sha256.digest();
    sha.update(("flowvi kernel cache " + FORMAT + "\n" + buildFingerprint + settings + "\n" + source.className() + "\n")
        .getBytes(StandardCharsets.UTF_8));
    sha.update(source.source().getBytes(StandardCharsets.UTF_8));
    return Sha256.hex(sha.digest(), DIGEST_BYTES);
  }

  /**
   * The bytecode compiled earlier from {@code source} with {@code settings}, by class name, or null
   * when there is no whole, unaltered entry holding {@code source.className()}.
   */
  public Map<String, byte[]> load(GeneratedSource source, String settings) {
    byte[] file;
    try {
      file = Files.readAllBytes(entry(source, settings));
    } catch (IOException e) {
      return null;
    }
    if (file.length < DIGEST_BYTES) {
      return null;
    }
    MessageDigest sha = Sha256.digest();
    sha.update(file, 0, file.length - DIGEST_BYTES);
    if (!MessageDigest.isEqual(sha.digest(), Arrays.copyOfRange(file, file.length - DIGEST_BYTES, file.length))) {
      return null;
    }
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(file, 0, file.length - DIGEST_BYTES))) {
      if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
        return null;
      }
      int count = in.readInt();
      Map<String, byte[]> classes = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        classes.put(name, bytes);
      }
      return in.available() == 0 && classes.containsKey(source.className()) ? classes : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Writes {@code classes} as the entry for {@code source} and {@code settings}, replacing any
   * earlier one, then trims the folder to {@link #MAX_ENTRIES}.
   *
   * @throws UncheckedIOException if the folder cannot be created or written
   */
  public void store(GeneratedSource source, String settings, Map<String, byte[]> classes) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(FORMAT);
      out.writeInt(classes.size());
      for (Map.Entry<String, byte[]> e : classes.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue().length);
        out.write(e.getValue());
      }
      MessageDigest sha = Sha256.digest();
      sha.update(bytes.toByteArray());
      out.write(sha.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path target = entry(source, settings);
    Path temporary = null;
    try {
      Files.createDirectories(directory);
      temporary = Files.createTempFile(directory, target.getFileName().toString(), ".tmp");
      Files.write(temporary, bytes.toByteArray());
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
      temporary = null;
      trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the kernel cache entry " + target + " (" + e + ")"
          + "; make the folder writable, or turn the cache off with -D" + DIRECTORY_PROPERTY + "=", e);
    } finally {
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
          // the failure that got here is the one to report
        }
      }
    }
  }

  /** Deletes the least recently written entries beyond {@link #MAX_ENTRIES}. */
  private void trim() throws IOException {
    List<Path> entries;
    try (Stream<Path> files = Files.list(directory)) {
      entries = files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).collect(java.util.stream.Collectors.toList());
    }
    if (entries.size() <= MAX_ENTRIES) {
      return;
    }
    Map<Path, FileTime> written = new LinkedHashMap<>();
    for (Path p : entries) {
      try {
        written.put(p, Files.getLastModifiedTime(p));
      } catch (NoSuchFileException e) {
        // trimmed by another process meanwhile
      }
    }
    List<Path> oldestFirst = new ArrayList<>(written.keySet());
    oldestFirst.sort(Comparator.comparing(written::get));
    for (int i = 0; i < oldestFirst.size() - MAX_ENTRIES; i++) {
      Files.deleteIfExists(oldestFirst.get(i));
    }
  }
}
