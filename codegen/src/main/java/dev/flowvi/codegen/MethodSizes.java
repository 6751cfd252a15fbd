package dev.flowvi.codegen;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the bytecode length of every method in a class file. HotSpot refuses to JIT-compile
 * methods over 8000 bytes of bytecode ({@code -XX:-DontCompileHugeMethods}), so generators split
 * their code and tests assert the sizes stay below {@link #HUGE_METHOD_LIMIT}.
 */
public final class MethodSizes {
  /** HotSpot's HugeMethodLimit. */
  public static final int HUGE_METHOD_LIMIT = 8000;

  private MethodSizes() {}

  /** Method name plus descriptor, mapped to the length of its Code attribute's bytecode. */
  public static Map<String, Integer> of(byte[] classFile) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile))) {
      if (in.readInt() != 0xCAFEBABE) {
        throw new IllegalArgumentException("classFile does not start with 0xCAFEBABE, expected a JVM class file");
      }
      in.readUnsignedShort(); // minor
      in.readUnsignedShort(); // major
      String[] utf8 = readConstantPool(in);
      in.readUnsignedShort(); // access flags
      in.readUnsignedShort(); // this class
      in.readUnsignedShort(); // super class
      int interfaces = in.readUnsignedShort();
      for (int i = 0; i < interfaces; i++) {
        in.readUnsignedShort();
      }
      int fields = in.readUnsignedShort();
      for (int i = 0; i < fields; i++) {
        in.readUnsignedShort();
        in.readUnsignedShort();
        in.readUnsignedShort();
        skipAttributes(in);
      }
      Map<String, Integer> sizes = new LinkedHashMap<>();
      int methods = in.readUnsignedShort();
      for (int i = 0; i < methods; i++) {
        in.readUnsignedShort();
        String name = utf8[in.readUnsignedShort()];
        String descriptor = utf8[in.readUnsignedShort()];
        int attributes = in.readUnsignedShort();
        int codeLength = 0;
        for (int a = 0; a < attributes; a++) {
          String attrName = utf8[in.readUnsignedShort()];
          int length = in.readInt();
          if ("Code".equals(attrName)) {
            in.readUnsignedShort(); // max stack
            in.readUnsignedShort(); // max locals
            codeLength = in.readInt();
            in.skipNBytes(length - 8);
          } else {
            in.skipNBytes(length);
          }
        }
        sizes.put(name + descriptor, codeLength);
      }
      return sizes;
    } catch (IOException e) {
      throw new IllegalArgumentException("classFile is truncated or malformed: " + e.getMessage(), e);
    }
  }

  /** The largest method's bytecode length. */
  public static int largest(byte[] classFile) {
    int max = 0;
    for (int size : of(classFile).values()) {
      max = Math.max(max, size);
    }
    return max;
  }

  private static String[] readConstantPool(DataInputStream in) throws IOException {
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1:
          utf8[i] = in.readUTF();
          break;
        case 3: case 4:
          in.readInt();
          break;
        case 5: case 6:
          in.readLong();
          i++; // longs and doubles take two slots
          break;
        case 7: case 8: case 16: case 19: case 20:
          in.readUnsignedShort();
          break;
        case 9: case 10: case 11: case 12: case 17: case 18:
          in.readInt();
          break;
        case 15:
          in.readUnsignedByte();
          in.readUnsignedShort();
          break;
        default:
          throw new IOException("unknown constant-pool tag " + tag + " at entry " + i);
      }
    }
    return utf8;
  }

  private static void skipAttributes(DataInputStream in) throws IOException {
    int attributes = in.readUnsignedShort();
    for (int a = 0; a < attributes; a++) {
      in.readUnsignedShort();
      in.skipNBytes(in.readInt());
    }
  }
}
