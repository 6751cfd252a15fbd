package dev.flowvi.codegen.flow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lets layers whose generated code differs only in where their parameters, scratch rows and row
 * tables live share one set of pass methods. The JIT compiles every method on its own, so eight
 * identical masked autoregressive layers cost eight C2 compilations of each pass (and as many
 * on-stack-replacement ones) before the flow runs at full speed; shared, they cost one.
 *
 * <p>A layer's text is made relocatable before it is compared: parameter reads {@code o + N} become
 * relative to the layer's first parameter (the caller passes {@code o + base}), and its own scratch
 * rows {@code b[N]} and {@code f[N]} become {@code b[bb + i]} and {@code f[fb + i]}. Two layers share
 * when their relocatable texts are equal once the layer number in method names is ignored and each
 * constant table the layer declared is replaced by its content, and their scratch rows have the same
 * sizes. A text that reads {@code o}, {@code b} or {@code f} any other way is kept as it is and never
 * shared.
 */
final class LayerSharing {
  private static final Pattern PARAM = Pattern.compile("(?<![\\w.])o \\+ (\\d+)");
  private static final Pattern BARE_OFFSET = Pattern.compile("(?<![\\w.])(?<!int )o(?![\\w])");
  private static final Pattern SCRATCH = Pattern.compile("(?<![\\w.])([bf])\\[(\\d+)\\]");
  private static final Pattern COMPUTED_SCRATCH = Pattern.compile("(?<![\\w.])[bf]\\[(?!\\d+\\])");
  /** The end of a pass method's parameter list, which only pass methods have. */
  static final String PASS_PARAMETERS = "int bb, int fb)";
  private static final Pattern FIELD = Pattern.compile("static final (\\S+) (\\w+) = (.*);");

  /**
   * What one layer emitted: its methods' text, the constant tables it declared (whole
   * declarations), and the ranges of batch and fixed scratch slots it allocated.
   */
  record LayerCode(int layer, String text, List<String> fields, int batchFrom, int batchTo, int fixedFrom, int fixedTo) {}

  /**
   * Where a layer's passes run: the methods of layer {@code methods} (the layer itself, or an earlier
   * one with the same code), called with these bases. {@code text} is the layer's own text to emit,
   * or null when it shares another layer's.
   */
  record Placement(int methods, int paramBase, int batchBase, int fixedBase, String text) {
    boolean shared(int layer) {
      return methods != layer;
    }
  }

  private final Map<String, Integer> contentIds = new HashMap<>();
  private final Map<String, Integer> layerByCode = new HashMap<>();

  /**
   * Places one layer. {@code batchRows} and {@code fixedSizes} are the generator's slot sizes;
   * {@code sharedSlots} the batch slots every layer may use (gather buffers), which stay absolute.
   */
  Placement place(LayerCode code, List<Integer> batchRows, List<Integer> fixedSizes, Set<Integer> sharedSlots) {
    String text = code.text();
    if (!relocatable(text, code, sharedSlots)) {
      return new Placement(code.layer(), 0, 0, 0, text);
    }
    int base = Integer.MAX_VALUE;
    for (Matcher m = PARAM.matcher(text); m.find(); ) {
      base = Math.min(base, Integer.parseInt(m.group(1)));
    }
    base = base == Integer.MAX_VALUE ? 0 : base;
    String relocated = relocate(text, base, code, sharedSlots);

    String canonical = relocated.replaceAll("(?<![\\w.])l" + code.layer() + "(?=[A-Z])", "l#");
    List<String> fieldNames = new ArrayList<>();
    List<String> fieldIds = new ArrayList<>();
    for (String declaration : code.fields()) {
      Matcher m = FIELD.matcher(declaration);
      if (!m.matches()) {
        return new Placement(code.layer(), 0, 0, 0, text);
      }
      String content = m.group(1) + " " + renamed(m.group(3), fieldNames, fieldIds);
      Integer id = contentIds.computeIfAbsent(content, c -> contentIds.size());
      fieldNames.add(m.group(2));
      fieldIds.add("#T" + id);
    }
    StringBuilder key = new StringBuilder(renamed(canonical, fieldNames, fieldIds)).append("\n#batch");
    for (int s = code.batchFrom(); s < code.batchTo(); s++) {
      key.append(' ').append(sharedSlots.contains(s) ? "shared" : batchRows.get(s));
    }
    key.append("\n#fixed");
    for (int s = code.fixedFrom(); s < code.fixedTo(); s++) {
      key.append(' ').append(fixedSizes.get(s));
    }
    Integer earlier = layerByCode.putIfAbsent(key.toString(), code.layer());
    if (earlier != null) {
      return new Placement(earlier, base, code.batchFrom(), code.fixedFrom(), null);
    }
    return new Placement(code.layer(), base, code.batchFrom(), code.fixedFrom(), relocated);
  }

  /**
   * Every read of {@code o} is {@code o + N}, every scratch slot is a literal index, and only the
   * pass methods (which receive {@code bb} and {@code fb}) read parameters or the layer's own slots;
   * a helper method gets what it needs from its caller.
   */
  private static boolean relocatable(String text, LayerCode code, Set<Integer> sharedSlots) {
    if (count(BARE_OFFSET, text) != count(PARAM, text) || COMPUTED_SCRATCH.matcher(text).find()) {
      return false;
    }
    for (String method : text.split("\n(?=  \\S)(?!  \\})")) {
      if (!method.contains(PASS_PARAMETERS) && (PARAM.matcher(method).find() || readsOwnSlot(method, code, sharedSlots))) {
        return false;
      }
    }
    return true;
  }

  private static boolean readsOwnSlot(String method, LayerCode code, Set<Integer> sharedSlots) {
    for (Matcher m = SCRATCH.matcher(method); m.find(); ) {
      int s = Integer.parseInt(m.group(2));
      if (m.group(1).equals("b") ? s >= code.batchFrom() && s < code.batchTo() && !sharedSlots.contains(s)
          : s >= code.fixedFrom() && s < code.fixedTo()) {
        return true;
      }
    }
    return false;
  }

  private static int count(Pattern p, String text) {
    int c = 0;
    for (Matcher m = p.matcher(text); m.find(); ) {
      c++;
    }
    return c;
  }

  private static String relocate(String text, int base, LayerCode code, Set<Integer> sharedSlots) {
    Matcher param = PARAM.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (param.find()) {
      param.appendReplacement(out, "o + " + (Integer.parseInt(param.group(1)) - base));
    }
    param.appendTail(out);
    Matcher slot = SCRATCH.matcher(out.toString());
    StringBuilder done = new StringBuilder(out.length());
    while (slot.find()) {
      boolean batch = slot.group(1).equals("b");
      int s = Integer.parseInt(slot.group(2));
      String replacement = slot.group();
      if (batch && s >= code.batchFrom() && s < code.batchTo() && !sharedSlots.contains(s)) {
        replacement = "b[bb + " + (s - code.batchFrom()) + "]";
      } else if (!batch && s >= code.fixedFrom() && s < code.fixedTo()) {
        replacement = "f[fb + " + (s - code.fixedFrom()) + "]";
      }
      slot.appendReplacement(done, Matcher.quoteReplacement(replacement));
    }
    slot.appendTail(done);
    return done.toString();
  }

  private static String renamed(String text, List<String> names, List<String> ids) {
    String out = text;
    for (int i = 0; i < names.size(); i++) {
      out = out.replaceAll("(?<![\\w.])" + Pattern.quote(names.get(i)) + "(?![\\w])", Matcher.quoteReplacement(ids.get(i)));
    }
    return out;
  }
}
