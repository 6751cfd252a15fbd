package dev.flowvi.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonWriterTest {

  @Test
  void nestedDocumentParsesBackToTheSameValues() {
    String doc = new JsonWriter().beginObject()
        .field("elbo", -123.456789012345)
        .field("steps", 300L)
        .field("ok", true)
        .field("text", "quote \" backslash \\ newline \n tab \t bell \u0007 é")
        .name("empty").beginObject().endObject()
        .name("list").beginArray().value(1.5).value("x").beginArray().endArray().beginObject().field("k", 0L).endObject().endArray()
        .endObject().toString();
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) MiniJson.parse(doc);
    assertEquals(-123.456789012345, (Double) m.get("elbo"), 0.0, "doubles round-trip exactly");
    assertEquals(300.0, m.get("steps"));
    assertEquals(Boolean.TRUE, m.get("ok"));
    assertEquals("quote \" backslash \\ newline \n tab \t bell \u0007 é", m.get("text"));
    assertEquals(Map.of(), m.get("empty"));
    List<?> list = (List<?>) m.get("list");
    assertEquals(4, list.size());
    assertEquals(1.5, list.get(0));
    assertEquals(List.of(), list.get(2));
    assertEquals(Map.of("k", 0.0), list.get(3));
  }

  @Test
  void nonFiniteNumbersBecomeNull() {
    String doc = new JsonWriter().beginArray().value(Double.NaN).value(Double.POSITIVE_INFINITY).value(-0.0).endArray().toString();
    List<?> list = (List<?>) MiniJson.parse(doc);
    assertNull(list.get(0));
    assertNull(list.get(1));
    assertEquals(-0.0, (Double) list.get(2), 0.0);
  }

  @Test
  void misuseIsRejected() {
    assertThrows(IllegalStateException.class, () -> new JsonWriter().beginObject().value(1.0));
    assertThrows(IllegalStateException.class, () -> new JsonWriter().beginArray().name("k"));
    assertThrows(IllegalStateException.class, () -> new JsonWriter().beginObject().endArray());
    assertThrows(IllegalStateException.class, () -> new JsonWriter().beginObject().toString());
    assertThrows(IllegalStateException.class, () -> new JsonWriter().value(1.0).value(2.0));
    assertThrows(IllegalStateException.class, () -> new JsonWriter().beginObject().name("a").endObject());
  }

  @Test
  void testParserRejectsMalformedJson() {
    // The parser is the oracle for the writer, so it must itself be strict.
    assertThrows(IllegalArgumentException.class, () -> MiniJson.parse("{\"a\": 1,}"));
    assertThrows(IllegalArgumentException.class, () -> MiniJson.parse("{\"a\": NaN}"));
    assertThrows(IllegalArgumentException.class, () -> MiniJson.parse("[1 2]"));
    assertThrows(IllegalArgumentException.class, () -> MiniJson.parse("{\"a\": 1, \"a\": 2}"));
  }
}
