package dev.dm3relay.protocol.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Every bound of {@link Json#INPUT_LIMITS}, crossed by one: at the bound parses, past it is bad input. */
class InputLimitsTest {

  private static String nested(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  @Test
  void nestingDepth() {
    assertTrue(Json.parse(nested(256)).isArray());
    MalformedJsonException e = assertThrows(MalformedJsonException.class, () -> Json.parse(nested(257)));
    assertTrue(e.getMessage().contains("depth"), e.getMessage());
  }

  @Test
  void numberLength() {
    assertEquals(1000, Json.parse("1" + "0".repeat(999)).bigIntegerValue().toString().length());
    assertThrows(MalformedJsonException.class, () -> Json.parse("1" + "0".repeat(1000)));
    assertThrows(MalformedJsonException.class, () -> Json.parse("[0." + "1".repeat(1100) + "]"));
  }

  @Test
  void stringAndNameLength() {
    assertEquals(10 * 1024 * 1024, Json.parse("\"" + "a".repeat(10 * 1024 * 1024) + "\"").textValue().length());
    assertThrows(MalformedJsonException.class, () -> Json.parse("\"" + "a".repeat(10 * 1024 * 1024 + 1) + "\""));
    assertTrue(Json.parse("{\"" + "k".repeat(10_000) + "\":1}").isObject());
    assertThrows(MalformedJsonException.class, () -> Json.parse("{\"" + "k".repeat(10_001) + "\":1}"));
  }

  @Test
  void documentLength() {
    String padded = "[" + " ".repeat(12 * 1024 * 1024) + "1]";
    assertThrows(MalformedJsonException.class, () -> Json.parse(padded));
  }

  @Test
  void theForeignMapperHasTheSameBounds() {
    assertThrows(Exception.class, () -> Json.boundedMapper().readTree(nested(257)));
    assertThrows(Exception.class, () -> Json.boundedMapper().readTree("1" + "0".repeat(1000)));
  }
}
