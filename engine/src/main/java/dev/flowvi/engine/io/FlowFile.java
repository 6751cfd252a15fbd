package dev.flowvi.engine.io;

import dev.flowvi.engine.flow.BaseSpec;
import dev.flowvi.engine.flow.FlowSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The {@code .fvi} text format of a fitted flow: everything needed to draw from it again, with no
 * model file. UTF-8, lines ended by '\n':
 * <ul>
 *   <li>line 1, {@code flowvi-flow N}: the format version N; a reader refuses a newer N;
 *   <li>the {@link FlowSpec}: {@code flow} (the factory), {@code dim}, {@code base} and {@code
 *       base.<setting>}, {@code option.<name>} for each option set on the factory;
 *   <li>{@code name.j}: the name of coordinate j;
 *   <li>{@code map}: how draws become the model's parameters ({@link ParameterMap}): {@code
 *       identity}; {@code unit_cube_to_box} with {@code map.lo.j} and {@code map.hi.j}; {@code
 *       builtin_model} with {@code map.builtin} (m1 or m2); or {@code model_text} with {@code
 *       model.line_count} and the model file's lines verbatim as {@code model.k} (re-parsed on
 *       load, so sampling needs no model file);
 *   <li>{@code meta.<key>}: provenance (seed, FlowVI version, date) and the fit's hyperparameters;
 *   <li>{@code param_count} and {@code param.k}, the hex of each parameter's raw IEEE-754 bits
 *       ({@link Double#doubleToRawLongBits}), so a round trip is bit-exact;
 *   <li>last, {@code crc32 = xxxxxxxx}: the CRC32 of every byte above it.
 * </ul>
 */
public final class FlowFile {
  /** The first line is this, a space and the format version. */
  public static final String MAGIC = "flowvi-flow";
  public static final int FORMAT = 1;

  private FlowFile() {}

  /** Writes {@code flow} to {@code file}, adding meta.created and meta.flowvi_version if absent. */
  public static void save(SavedFlow flow, Path file) {
    try {
      Files.writeString(file, format(flow), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write flow file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads a flow written by {@link #save}; throws {@link FlowFileException} if the file is damaged. */
  public static SavedFlow load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read flow file " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /** The file's text. */
  public static String format(SavedFlow flow) {
    StringBuilder body = new StringBuilder();
    line(body, null, MAGIC + " " + FORMAT);
    FlowSpec spec = flow.spec();
    line(body, "flow", spec.kind().key());
    line(body, "dim", Integer.toString(spec.dim()));
    line(body, "base", spec.base().kind());
    String[] settingNames = spec.base().settingNames();
    double[] settings = spec.base().settings();
    for (int i = 0; i < settings.length; i++) {
      line(body, "base." + settingNames[i], Double.toString(settings[i]));
    }
    for (Map.Entry<String, String> e : spec.options().entrySet()) {
      line(body, "option." + e.getKey(), e.getValue());
    }
    String[] names = flow.coordinateNames();
    for (int j = 0; j < names.length; j++) {
      line(body, "name." + j, names[j]);
    }
    ParameterMap map = flow.parameterMap();
    if (map instanceof ParameterMap.UnitCubeToBox box) {
      line(body, "map", "unit_cube_to_box");
      double[] lo = box.lo();
      double[] hi = box.hi();
      for (int j = 0; j < lo.length; j++) {
        line(body, "map.lo." + j, Double.toString(lo[j]));
        line(body, "map.hi." + j, Double.toString(hi[j]));
      }
    } else if (map instanceof ParameterMap.ModelMap model && model.builtin() != null) {
      line(body, "map", "builtin_model");
      line(body, "map.builtin", model.builtin());
    } else if (map instanceof ParameterMap.ModelMap model) {
      line(body, "map", "model_text");
      String[] modelLines = model.text().split("\r?\n", -1);
      line(body, "model.line_count", Integer.toString(modelLines.length));
      for (int k = 0; k < modelLines.length; k++) {
        line(body, "model." + k, modelLines[k]);
      }
    } else {
      line(body, "map", "identity");
    }
    Map<String, String> meta = new LinkedHashMap<>(flow.metadata());
    meta.putIfAbsent("created", Instant.now().toString());
    meta.putIfAbsent("flowvi_version", version());
    for (Map.Entry<String, String> e : meta.entrySet()) {
      line(body, "meta." + e.getKey(), e.getValue());
    }
    double[] params = flow.params();
    line(body, "param_count", Integer.toString(params.length));
    for (int k = 0; k < params.length; k++) {
      line(body, "param." + k, Long.toHexString(Double.doubleToRawLongBits(params[k])));
    }
    String checksum = crc(body.toString()); // of the body alone, before the crc32 line is appended
    body.append("crc32 = ").append(checksum).append('\n');
    return body.toString();
  }

  /** Parses a file's text; {@code file} names it in error messages. */
  public static SavedFlow parse(String text, String file) {
    String[] lines = text.split("\n", -1);
    String first = lines[0];
    if (!first.startsWith(MAGIC + " ")) {
      throw new FlowFileException(file, 1, "not a FlowVI flow file: line 1 should be '" + MAGIC + " " + FORMAT + "' but is '"
          + abbreviate(first) + "'");
    }
    int format;
    try {
      format = Integer.parseInt(first.substring(MAGIC.length() + 1).trim());
    } catch (NumberFormatException e) {
      throw new FlowFileException(file, 1, "the format version in '" + abbreviate(first) + "' is not an integer; the file is damaged: save the flow again");
    }
    if (format > FORMAT) {
      throw new FlowFileException(file, 1, "written by a newer FlowVI (format " + format + ", this one reads up to " + FORMAT
          + "): upgrade FlowVI to read it");
    }
    if (format < 1) {
      throw new FlowFileException(file, 1, "format version is " + format + ", expected 1.." + FORMAT + "; the file is damaged: save the flow again");
    }
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, Integer> lineOf = new HashMap<>();
    int crcLine = -1;
    int offset = lines[0].getBytes(StandardCharsets.UTF_8).length + 1;
    int bodyEnd = -1;
    for (int i = 1; i < lines.length; i++) {
      String l = lines[i];
      if (l.isEmpty() && i == lines.length - 1) {
        break;
      }
      int eq = l.indexOf(" = ");
      if (eq <= 0) {
        throw new FlowFileException(file, i + 1, "expected 'key = value' but found '" + abbreviate(l)
            + "'; the file is damaged: save the flow again");
      }
      String key = l.substring(0, eq);
      if (key.equals("crc32")) {
        crcLine = i + 1;
        bodyEnd = offset;
        values.put(key, l.substring(eq + 3));
        if (i != lines.length - 2 || !lines[lines.length - 1].isEmpty()) {
          throw new FlowFileException(file, i + 2, "text after the crc32 line; the file is damaged: save the flow again");
        }
        break;
      }
      if (values.put(key, l.substring(eq + 3)) != null) {
        throw new FlowFileException(file, i + 1, "key '" + key + "' appears twice; the file is damaged: save the flow again");
      }
      lineOf.put(key, i + 1);
      offset += l.getBytes(StandardCharsets.UTF_8).length + 1;
    }
    if (crcLine < 0) {
      throw new FlowFileException(file, lines.length, "no crc32 line at the end: the file is truncated; save the flow again");
    }
    byte[] all = text.getBytes(StandardCharsets.UTF_8);
    String expected = crc(new String(all, 0, bodyEnd, StandardCharsets.UTF_8));
    if (!expected.equals(values.get("crc32"))) {
      throw new FlowFileException(file, crcLine, "checksum mismatch (stored " + values.get("crc32") + ", computed " + expected
          + "): the file was corrupted or edited; save the flow again from the fit");
    }

    FlowSpec.Kind kind;
    int dim = integer(values, lineOf, "dim", file);
    BaseSpec base;
    FlowSpec spec;
    try {
      kind = FlowSpec.Kind.fromKey(require(values, lineOf, "flow", file));
      String baseKind = require(values, lineOf, "base", file);
      String[] settingNames = BaseSpec.standardNormal(1).kind().equals(baseKind)
          ? new String[0] : new BaseSpec(baseKind, Math.max(dim, 1), 0, 0, 0).settingNames();
      double[] settings = new double[settingNames.length];
      for (int i = 0; i < settings.length; i++) {
        settings[i] = number(values, lineOf, "base." + settingNames[i], file);
      }
      base = BaseSpec.of(baseKind, dim, settings);
      Map<String, String> options = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : values.entrySet()) {
        if (e.getKey().startsWith("option.")) {
          options.put(e.getKey().substring("option.".length()), e.getValue());
        }
      }
      spec = FlowSpec.of(kind, base, options);
    } catch (FlowFileException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new FlowFileException(file, lineOf.getOrDefault("flow", 0), "invalid flow description: " + e.getMessage()
          + "; the file is damaged or was written by another tool: save the flow again");
    }

    String[] names = new String[dim];
    for (int j = 0; j < dim; j++) {
      names[j] = require(values, lineOf, "name." + j, file);
    }
    ParameterMap map = parameterMap(values, lineOf, dim, file);
    Map<String, String> meta = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : values.entrySet()) {
      if (e.getKey().startsWith("meta.")) {
        meta.put(e.getKey().substring("meta.".length()), e.getValue());
      }
    }
    int count = integer(values, lineOf, "param_count", file);
    int expectedCount = spec.build().parameterCount();
    if (count != expectedCount) {
      throw new FlowFileException(file, lineOf.get("param_count"), "param_count is " + count + " but a " + spec
          + " has " + expectedCount + " parameters: the file does not match its flow description");
    }
    double[] params = new double[count];
    for (int k = 0; k < count; k++) {
      String key = "param." + k;
      String hex = require(values, lineOf, key, file);
      try {
        params[k] = Double.longBitsToDouble(Long.parseUnsignedLong(hex, 16));
      } catch (NumberFormatException e) {
        throw new FlowFileException(file, lineOf.get(key), key + " is '" + abbreviate(hex) + "', expected the hex bits of a double");
      }
    }
    if (values.containsKey("param." + count)) {
      throw new FlowFileException(file, lineOf.get("param." + count), "more parameters than param_count = " + count);
    }
    return SavedFlow.of(spec, params, names, map, meta);
  }

  private static ParameterMap parameterMap(Map<String, String> values, Map<String, Integer> lineOf, int dim, String file) {
    String kind = require(values, lineOf, "map", file);
    try {
      switch (kind) {
        case "identity":
          return new ParameterMap.Identity();
        case "unit_cube_to_box": {
          double[] lo = new double[dim];
          double[] hi = new double[dim];
          for (int j = 0; j < dim; j++) {
            lo[j] = number(values, lineOf, "map.lo." + j, file);
            hi[j] = number(values, lineOf, "map.hi." + j, file);
          }
          return new ParameterMap.UnitCubeToBox(lo, hi);
        }
        case "builtin_model":
          return ParameterMap.ModelMap.builtin(require(values, lineOf, "map.builtin", file));
        case "model_text": {
          int count = integer(values, lineOf, "model.line_count", file);
          StringBuilder text = new StringBuilder();
          for (int k = 0; k < count; k++) {
            text.append(k == 0 ? "" : "\n").append(require(values, lineOf, "model." + k, file));
          }
          return ParameterMap.ModelMap.ofText(text.toString());
        }
        default:
          throw new FlowFileException(file, lineOf.get("map"), "map is '" + abbreviate(kind)
              + "', expected identity, unit_cube_to_box, builtin_model or model_text");
      }
    } catch (FlowFileException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new FlowFileException(file, lineOf.get("map"), "the stored map to the model's parameters is invalid: " + e.getMessage());
    }
  }

  private static void line(StringBuilder out, String key, String value) {
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("value of " + key + " contains a line break: '" + value + "'");
    }
    if (key != null) {
      out.append(key).append(" = ");
    }
    out.append(value).append('\n');
  }

  private static String crc(String body) {
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.UTF_8));
    return String.format("%08x", crc.getValue());
  }

  private static String require(Map<String, String> values, Map<String, Integer> lineOf, String key, String file) {
    String v = values.get(key);
    if (v == null) {
      throw new FlowFileException(file, 0, "missing line '" + key + " = ...': the file is incomplete; save the flow again");
    }
    return v;
  }

  private static int integer(Map<String, String> values, Map<String, Integer> lineOf, String key, String file) {
    String v = require(values, lineOf, key, file);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new FlowFileException(file, lineOf.getOrDefault(key, 0), key + " is '" + abbreviate(v) + "', expected an integer");
    }
  }

  private static double number(Map<String, String> values, Map<String, Integer> lineOf, String key, String file) {
    String v = require(values, lineOf, key, file);
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new FlowFileException(file, lineOf.getOrDefault(key, 0), key + " is '" + abbreviate(v) + "', expected a number");
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "…";
  }

  private static String version() {
    String v = FlowFile.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }
}
