package dev.flowvi.cli.fit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fitted flow saved as text: what it was fitted to ({@code source}: "example m1" or
 * "model PATH"), which flow ({@code flow}), the seed that fixed its topology, and the flat
 * parameter vector, one value per line in shortest round-trip form. Topology and parameters are
 * separate (DESIGN.md), so the file names the topology and {@link SavedFlow} rebuilds it.
 *
 * <pre>
 * # FlowVI fitted flow; draw from it with: flowvi sample --flow FILE -n 1000
 * format = flowvi-flow 1
 * source = model examples/m1.model
 * flow = maf
 * seed = 0
 * parameters = 3352
 * 0.0123...
 * </pre>
 */
public record FlowFile(String source, String flow, long seed, double[] params) {
  static final String FORMAT = "flowvi-flow 1";

  public FlowFile {
    params = params.clone();
  }

  @Override
  public double[] params() {
    return params.clone();
  }

  public void write(Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("# FlowVI fitted flow; draw from it with: flowvi sample --flow " + file.getFileName() + " -n 1000\n");
      w.write("format = " + FORMAT + "\n");
      w.write("source = " + source + "\n");
      w.write("flow = " + flow + "\n");
      w.write("seed = " + seed + "\n");
      w.write("parameters = " + params.length + "\n");
      StringBuilder b = new StringBuilder(24 * params.length);
      for (double p : params) {
        b.append(p).append('\n');
      }
      w.write(b.toString());
    }
  }

  public static FlowFile read(Path file) {
    Map<String, String> header = new LinkedHashMap<>();
    double[] params = null;
    int filled = 0;
    int lineNo = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNo++;
        String t = line.trim();
        if (t.isEmpty() || t.startsWith("#")) {
          continue;
        }
        if (params == null) {
          int eq = t.indexOf('=');
          if (eq < 0) {
            throw error(file, lineNo, "'" + t + "' is not a 'key = value' header line");
          }
          header.put(t.substring(0, eq).trim(), t.substring(eq + 1).trim());
          if (header.containsKey("parameters")) {
            params = new double[count(file, lineNo, header.get("parameters"))];
          }
          continue;
        }
        if (filled == params.length) {
          throw error(file, lineNo, "more values than the " + params.length + " parameters the header announces");
        }
        try {
          params[filled] = Double.parseDouble(t);
        } catch (NumberFormatException e) {
          throw error(file, lineNo, "'" + t + "' is not a number");
        }
        if (!Double.isFinite(params[filled])) {
          throw error(file, lineNo, "parameter " + filled + " is " + t + ", expected a finite value");
        }
        filled++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read flow file " + file + ": " + e.getMessage(), e);
    }
    if (!FORMAT.equals(header.get("format"))) {
      throw new IllegalArgumentException(file + ": format is '" + header.get("format") + "', expected '" + FORMAT + "' (is this a FlowVI flow file?)");
    }
    for (String key : new String[] {"source", "flow", "seed", "parameters"}) {
      if (!header.containsKey(key)) {
        throw new IllegalArgumentException(file + ": header lacks '" + key + " = ...'");
      }
    }
    if (filled != params.length) {
      throw new IllegalArgumentException(file + ": holds " + filled + " parameter values, the header announces " + params.length);
    }
    long seed;
    try {
      seed = Long.parseLong(header.get("seed"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(file + ": seed is '" + header.get("seed") + "', expected an integer");
    }
    return new FlowFile(header.get("source"), header.get("flow"), seed, params);
  }

  private static int count(Path file, int lineNo, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw error(file, lineNo, "parameters is '" + value + "', expected a count ≥ 0");
  }

  private static IllegalArgumentException error(Path file, int line, String what) {
    return new IllegalArgumentException(file + ":" + line + ": " + what);
  }
}
