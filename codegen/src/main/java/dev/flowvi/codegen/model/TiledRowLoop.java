package dev.flowvi.codegen.model;

import dev.flowvi.codegen.SourceWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The vector row loop, cut into segment methods that each run over one tile of rows.
 *
 * <p>Why: one fused body of a few hundred Vector API calls (M2's gradient: about 260, with 28
 * accumulators and 28 broadcast parameters live across 5 EXP/LOG stub calls) spills and, on JDK
 * 17, boxes its lanes: gigabytes per ELBO step. Segments of at most {@link #CALLS_PER_SEGMENT}
 * calls keep few vectors live; on JDK 25 the M2 ELBO step went from 146 to 99 ms. On JDK 17 a
 * segment whose C2 compile still passes the node budget boxes (seen only with
 * -Dflowvi.flow.lanes=scalar; docs/PERFORMANCE.md, Tuning for a CPU); the warm compiled M2 step
 * allocates about 1 KB per step otherwise.
 *
 * <p>A statement that calls a math stub (EXP, LOG, LOG1P, EXPM1) gets a segment of its own: the stub
 * call clobbers every vector register, so in a larger segment every live vector was spilled and
 * reloaded around each call. Alone, only its operands and result cross it. M2's gradient with 4
 * EXP per row: 52–57 → 46–52 ms per step on JDK 25, 69–82 → 64–68 ms on JDK 17; M1's (two EXP):
 * 0.61–0.67 → 0.46–0.51 ms on JDK 25, 0.94–1.17 → 0.61–0.66 ms on JDK 17 (2026-11-29).
 *
 * <p>How: the body's statements are split in order. A value made in one segment and read in a
 * later one goes through a tile row of the scratch array {@code w} (stored at the end of the
 * iteration, loaded at the top of the reader's); rows are reused once their value is dead. An
 * accumulator lives in {@code w} as one vector between segments, so every lane sums its rows in
 * the same order as in one fused loop, and cutting the body adds no rounding. A broadcast constant's
 * scalar is read into a local before the loop (the loop's stores into {@code w} would otherwise
 * make C2 load it again in every iteration) and broadcast inside it (C2 hoists that), so that no
 * vector lives across the loop's entry. A
 * local that only copies a constant is re-declared in each segment that reads it instead of being
 * stored. Data columns are loaded where they are read.
 *
 * <p>The statements are the ones {@link RowLanes#VECTOR} writes: {@code DoubleVector x = e;} or
 * {@code x = e;}, whose operands are the names this class is told about and the locals declared
 * before them.
 */
final class TiledRowLoop {
  /** Rows per tile: a scratch row is then 2 KB, so a segment's rows stay in L1. */
  static final int TILE = 256;
  /** Doubles reserved per accumulator: the widest DoubleVector (2048-bit SVE). */
  static final int MAX_LANES = 32;
  /**
   * Vector API calls per segment, by JDK: C2's code for M2's gradient is fastest at 40 on JDK 17
   * and at 20 on JDK 25 (62–75 against 82–84 ms on 17, 55–58 against 82–87 ms on 25, several JVMs
   * each; docs/PERFORMANCE.md). Both inline fully. JDK 21 is taken to behave like 25.
   */
  static final int CALLS_PER_SEGMENT = Runtime.version().feature() >= 21 ? 20 : 40;

  /** What a call of a generated helper (logistic, log1pExp, inInterval) counts as: about its own calls. */
  private static final int HELPER_CALLS = 6;

  private static final Pattern DECLARATION = Pattern.compile("DoubleVector (\\w+) = (.*);");
  private static final Pattern ASSIGNMENT = Pattern.compile("(\\w+) = (.*);");
  /** A name not preceded by '.' or a name character: a variable, a type or a helper, never a method. */
  private static final Pattern NAME = Pattern.compile("(?<![.\\w])([A-Za-z_]\\w*)");
  private static final Pattern CALL = Pattern.compile("(?:\\.|(?<![.\\w]))\\w+\\(");
  /**
   * A call of a Vector API math stub (EXP, LOG, LOG1P, EXPM1), after which no vector register
   * keeps its value: each gets a segment of its own ({@link #plan}).
   */
  private static final Pattern STUB = Pattern.compile("\\.lanewise\\((EXP|LOG|LOG1P|EXPM1)\\)");

  private final String name;
  private final Map<String, String> constants;
  private final Map<String, String> columns;
  private final Map<String, String> accumulators;
  private final List<String> accumulatorOrder;
  private final Map<String, String> logProducts;
  private final int base;
  private final List<Segment> segments = new ArrayList<>();
  private final Map<String, Integer> slot = new HashMap<>();
  private int slots;

  /**
   * Plans the segments of one loop body.
   *
   * @param name the driver method's name; segments are {@code name + "Tile" + k}
   * @param body the body's statements in order, without column loads
   * @param constants broadcast constants by local name (P7, Q12, Z) with their scalar value's expression
   * @param columns data columns by local name (C3) with the array field they load from
   * @param accumulators vector accumulators by local name (S9, B7) with the statement that folds their
   *     total, written {@code %s}, into the scratch array
   * @param logProducts vector products by local name (LP8) with the accumulator that, after each
   *     segment's loop, receives their log; a segment starts them at one
   * @param base the first index of {@code w} this loop may use as tile scratch
   * @param callsPerSegment the largest number of Vector API calls in one segment
   */
  TiledRowLoop(String name, List<String> body, Map<String, String> constants, Map<String, String> columns,
      Map<String, String> accumulators, Map<String, String> logProducts, int base, int callsPerSegment) {
    if (callsPerSegment < 1) {
      throw new IllegalArgumentException("callsPerSegment is " + callsPerSegment + ", expected at least 1");
    }
    this.name = name;
    this.constants = constants;
    this.columns = columns;
    this.accumulators = accumulators;
    this.accumulatorOrder = new ArrayList<>(accumulators.keySet());
    for (Map.Entry<String, String> p : logProducts.entrySet()) {
      if (!accumulators.containsKey(p.getValue())) {
        throw new IllegalArgumentException("log product " + p.getKey() + " goes to " + p.getValue() + ", which is not an accumulator");
      }
    }
    this.logProducts = logProducts;
    this.base = base;
    plan(parse(body), callsPerSegment);
  }

  /** Doubles of {@code w} from {@code base} on that the loop uses: tile rows, then accumulator lanes. */
  int scratchSize() {
    return slots * TILE + accumulatorOrder.size() * MAX_LANES;
  }

  int segmentCount() {
    return segments.size();
  }

  /** Tile rows in use, after reuse. */
  int tileRows() {
    return slots;
  }

  /**
   * Writes the driver, {@code private int name(double[] w)}, which runs the vector part of the rows
   * and returns where the scalar tail starts, and the segment methods it calls.
   */
  void emit(SourceWriter w) {
    int acc = base + slots * TILE;
    w.blank();
    w.open("private int " + name + "(double[] w)");
    w.line("final int bound = S.loopBound(rows);");
    if (!accumulatorOrder.isEmpty()) {
      w.line("zero(w, " + acc + ", " + (acc + accumulatorOrder.size() * MAX_LANES) + ");");
    }
    w.open("for (int start = 0; start < bound; start += " + TILE + ")");
    w.line("final int end = Math.min(bound, start + " + TILE + ");");
    for (int k = 0; k < segments.size(); k++) {
      w.line(name + "Tile" + k + "(w, start, end);");
    }
    w.close();
    for (int a = 0; a < accumulatorOrder.size(); a++) {
      w.line(accumulators.get(accumulatorOrder.get(a))
          .replace("%s", "DoubleVector.fromArray(S, w, " + (acc + a * MAX_LANES) + ").reduceLanes(ADD)"));
    }
    w.line("return bound;");
    w.close();
    for (int k = 0; k < segments.size(); k++) {
      emitSegment(w, k, segments.get(k), acc);
    }
  }

  private void emitSegment(SourceWriter w, int k, Segment seg, int acc) {
    w.blank();
    w.open("private void " + name + "Tile" + k + "(double[] w, int start, int end)");
    for (String c : seg.columns) {
      w.line("final double[] " + columns.get(c) + " = this." + columns.get(c) + ";");
    }
    for (String a : seg.accumulators) {
      w.line("DoubleVector " + a + " = DoubleVector.fromArray(S, w, " + accumulatorOffset(a, acc) + ");");
    }
    for (String c : seg.constants) {
      w.line("final double k_" + c + " = " + constants.get(c) + ";");
    }
    for (String p : seg.products) {
      w.line("DoubleVector " + p + " = DoubleVector.broadcast(S, 1.0);");
    }
    w.open("for (int i = start; i < end; i += S.length())");
    w.line("final int t = i - start;");
    for (String c : seg.constants) {
      w.line("final DoubleVector " + c + " = DoubleVector.broadcast(S, k_" + c + ");");
    }
    for (String c : seg.columns) {
      w.line("DoubleVector " + c + " = DoubleVector.fromArray(S, " + columns.get(c) + ", i);");
    }
    for (String v : seg.loads) {
      w.line("DoubleVector " + v + " = DoubleVector.fromArray(S, w, " + rowOffset(v) + " + t);");
    }
    for (String line : seg.lines) {
      w.line(line);
    }
    for (String v : seg.stores) {
      w.line(v + ".intoArray(w, " + rowOffset(v) + " + t);");
    }
    w.close();
    for (String p : seg.products) {
      String a = logProducts.get(p);
      w.line(a + " = " + a + ".add(" + p + ".lanewise(LOG));");
    }
    // Stored through a lanewise op, never straight from the loop's phi: intoArray does no type
    // check, and on JDK 17 a phi C2 had not typed exactly made the store fail to intrinsify and box
    // in every iteration (docs/PERFORMANCE.md, "No vector stored straight from a loop phi").
    // x + (-0.0) is exactly x for every double, -0.0 and NaN included.
    for (String a : seg.accumulators) {
      w.line(a + ".add(-0.0).intoArray(w, " + accumulatorOffset(a, acc) + ");");
    }
    w.close();
  }

  private int rowOffset(String v) {
    return base + slot.get(v) * TILE;
  }

  private int accumulatorOffset(String a, int acc) {
    return acc + accumulatorOrder.indexOf(a) * MAX_LANES;
  }

  /** One statement: the local it declares or assigns, and the names it reads. */
  private static final class Statement {
    final String code;
    final String target;
    final boolean declares;
    final List<String> reads;
    final int calls;
    /** Whether it calls a math stub. */
    final boolean stub;
    /** The constant this statement only copies ({@code DoubleVector g = Q7;}), or null. */
    final String copyOf;

    Statement(String code, String target, boolean declares, List<String> reads, int calls, boolean stub, String copyOf) {
      this.code = code;
      this.target = target;
      this.declares = declares;
      this.reads = reads;
      this.calls = calls;
      this.stub = stub;
      this.copyOf = copyOf;
    }
  }

  private List<Statement> parse(List<String> body) {
    Set<String> locals = new HashSet<>();
    List<Statement> out = new ArrayList<>();
    for (String code : body) {
      Matcher d = DECLARATION.matcher(code);
      Matcher a = ASSIGNMENT.matcher(code);
      boolean declares = d.matches();
      if (!declares && !a.matches()) {
        throw new IllegalArgumentException("row statement '" + code + "' is neither a declaration nor an assignment");
      }
      String target = declares ? d.group(1) : a.group(1);
      String expression = declares ? d.group(2) : a.group(2);
      List<String> reads = new ArrayList<>();
      Matcher m = NAME.matcher(expression);
      while (m.find()) {
        String v = m.group(1);
        if ((locals.contains(v) || constants.containsKey(v) || columns.containsKey(v) || accumulators.containsKey(v)
            || logProducts.containsKey(v)) && !reads.contains(v)) {
          reads.add(v);
        }
      }
      if (!declares && !locals.contains(target) && !accumulators.containsKey(target) && !logProducts.containsKey(target)) {
        throw new IllegalArgumentException("row statement '" + code + "' assigns " + target + ", which is not declared before it");
      }
      int calls = 0;
      Matcher c = CALL.matcher(expression);
      while (c.find()) {
        calls += c.group().startsWith(".") ? 1 : HELPER_CALLS;
      }
      String copyOf = declares && constants.containsKey(expression.trim()) ? expression.trim() : null;
      locals.add(target);
      out.add(new Statement(code, target, declares, reads, calls, STUB.matcher(expression).find(), copyOf));
    }
    return out;
  }

  /** A segment's statements and what it reads from or leaves for the others. */
  private static final class Segment {
    final List<String> lines = new ArrayList<>();
    final Set<String> columns = new LinkedHashSet<>();
    final Set<String> constants = new LinkedHashSet<>();
    final Set<String> accumulators = new LinkedHashSet<>();
    final Set<String> products = new LinkedHashSet<>();
    final Set<String> loads = new LinkedHashSet<>();
    final Set<String> stores = new LinkedHashSet<>();
    final Set<String> declared = new HashSet<>();
    int calls;
    boolean stub;
  }

  private void plan(List<Statement> statements, int callsPerSegment) {
    // Where each local's current value lives: the segment that last wrote it, or a constant it copies.
    Map<String, Integer> writtenIn = new HashMap<>();
    Map<String, String> copies = new HashMap<>();
    Map<String, int[]> lifetime = new LinkedHashMap<>();
    Segment seg = new Segment();
    segments.add(seg);
    for (Statement s : statements) {
      if (s.copyOf != null) {
        copies.put(s.target, s.copyOf);
        continue;
      }
      // A math stub call alone in its segment: only its operands and result then cross the call,
      // instead of every vector live in a larger segment (spilled before each call, reloaded after).
      if (seg.calls > 0 && (seg.calls + s.calls > callsPerSegment || s.stub || seg.stub)) {
        seg = new Segment();
        segments.add(seg);
      }
      int k = segments.size() - 1;
      seg.calls += s.calls;
      seg.stub |= s.stub;
      String code = s.code;
      List<String> reads = new ArrayList<>(s.reads);
      if (!s.declares && !reads.contains(s.target)) {
        reads.add(s.target);
      }
      for (String v : reads) {
        if (columns.containsKey(v)) {
          seg.columns.add(v);
        } else if (constants.containsKey(v)) {
          seg.constants.add(v);
        } else if (accumulators.containsKey(v)) {
          seg.accumulators.add(v);
        } else if (logProducts.containsKey(v)) {
          products(seg, v);
        } else if (!seg.declared.contains(v)) {
          seg.declared.add(v);
          String constant = copies.get(v);
          if (constant != null) {
            seg.constants.add(constant);
            seg.lines.add("DoubleVector " + v + " = " + constant + ";");
          } else {
            int from = writtenIn.get(v);
            seg.loads.add(v);
            segments.get(from).stores.add(v);
            // Writers only move forward, so the first load's writer starts the lifetime.
            lifetime.computeIfAbsent(v, x -> new int[] {from, k})[1] = k;
          }
        }
      }
      if (accumulators.containsKey(s.target)) {
        seg.accumulators.add(s.target);
      } else if (logProducts.containsKey(s.target)) {
        products(seg, s.target);
      } else {
        seg.declared.add(s.target);
        copies.remove(s.target);
        writtenIn.put(s.target, k);
      }
      seg.lines.add(code);
    }
    assignRows(lifetime);
  }

  /** A log product in seg: it lives in the segment only, and its log needs its accumulator there. */
  private void products(Segment seg, String product) {
    if (seg.products.add(product)) {
      for (Segment other : segments) {
        if (other != seg && other.products.contains(product)) {
          throw new IllegalArgumentException("log product " + product + " is updated in two segments");
        }
      }
    }
    seg.accumulators.add(logProducts.get(product));
  }

  /**
   * Gives each value that crosses segments a tile row. A row is free again in the segment of its
   * last load: loads happen at the top of an iteration and stores at its end, at the same index.
   */
  private void assignRows(Map<String, int[]> lifetime) {
    List<int[]> busyUntil = new ArrayList<>();
    lifetime.entrySet().stream()
        .sorted((x, y) -> Integer.compare(x.getValue()[0], y.getValue()[0]))
        .forEach(e -> {
          int[] life = e.getValue();
          int row = -1;
          for (int r = 0; r < busyUntil.size(); r++) {
            if (busyUntil.get(r)[0] <= life[0]) {
              row = r;
              break;
            }
          }
          if (row < 0) {
            row = busyUntil.size();
            busyUntil.add(new int[1]);
          }
          busyUntil.get(row)[0] = life[1];
          slot.put(e.getKey(), row);
        });
    slots = busyUntil.size();
  }
}
