package dev.dm3relay.protocol.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.protocol.crypto.Hashes;
import dev.dm3relay.protocol.crypto.Hex;
import dev.dm3relay.protocol.testing.RandomText;
import dev.dm3relay.protocol.testing.Vectors;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanonicalJsonTest {

  @TestFactory
  Stream<DynamicTest> reproducesEveryCanonicalJsonVector() {
    return Vectors.list("/canonicalJson/cases").stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.get("id").asText(),
                    () -> {
                      String out = CanonicalJson.stringify(Json.parse(c.get("input").asText()));
                      assertEquals(c.get("expected").asText(), out);
                      byte[] utf8 = out.getBytes(StandardCharsets.UTF_8);
                      assertEquals(c.get("expectedUtf8Length").asInt(), utf8.length);
                      assertEquals(c.get("expectedUtf8Length").asInt(), CanonicalJson.utf8Length(out));
                      assertEquals(c.get("expectedSha256").asText(), Hex.prefixed(Hashes.sha256(utf8)));
                    }));
  }

  @TestFactory
  Stream<DynamicTest> canonicalisesEverySubmittedEnvelopeAsTheClientLibraryDid() {
    return Vectors.list("/envelopes/cases").stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.get("id").asText(),
                    () -> {
                      JsonNode envelope = Json.parse(c.at("/submit/paramJson").asText());
                      String canonical = CanonicalJson.stringify(envelope);
                      assertEquals(c.at("/submit/canonical").asText(), canonical);
                      assertEquals(c.at("/expected/sizeBytes").asInt(), CanonicalJson.size(envelope));
                    }));
  }

  @Test
  void digestWorkedExample() {
    // §1.1: {b:1,a:undefined,c:[1,undefined,"é\u0001\"\\/"],A:2.5,n:null,big:1e21,small:1e-7};
    // undefined has no JSON text, so the object is built with Jackson's missing node for it.
    ObjectNode obj = Json.newObject();
    obj.put("b", 1);
    obj.set("a", com.fasterxml.jackson.databind.node.MissingNode.getInstance());
    ArrayNode c = obj.putArray("c");
    c.add(1);
    c.add(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
    c.add("é\u0001\"\\/");
    obj.put("A", 2.5);
    obj.putNull("n");
    obj.put("big", 1e21);
    obj.put("small", 1e-7);
    assertEquals(
        "{\"A\":2.5,\"b\":1,\"big\":1e+21,\"c\":[1,null,\"é\\u0001\\\"\\\\/\"],\"n\":null,\"small\":1e-7}",
        CanonicalJson.stringify(obj));
  }

  @ParameterizedTest
  @CsvSource({
    "0.1, 0.1",
    "-0.0, 0",
    "100, 100",
    "1e21, 1e+21",
    "1e20, 100000000000000000000",
    "123e-20, 1.23e-18",
    "0.000001, 0.000001",
    "0.0000001, 1e-7",
    "1.5e300, 1.5e+300",
    "5e-324, 5e-324",
    "1.7976931348623157e308, 1.7976931348623157e+308",
    "9007199254740993, 9007199254740992",
    "2e-7, 2e-7",
    "123456.789, 123456.789",
    "-1.25e-8, -1.25e-8",
    // JDK 17's Double.toString prints 2.0E-3 as 0.0020 and 1.0E23 as 1.0E23 but is not always
    // shortest (e.g. 2^-44 below); JS prints the shortest round-trip digits.
    "5.684341886080802e-14, 5.684341886080802e-14",
    "1e23, 1e+23",
  })
  void formatsNumbersAsJavaScriptDoes(double value, String expected) {
    assertEquals(expected, CanonicalJson.jsNumber(value));
  }

  @Test
  void nanAndInfinityBecomeNull() {
    assertEquals("null", CanonicalJson.jsNumber(Double.NaN));
    assertEquals("null", CanonicalJson.jsNumber(Double.POSITIVE_INFINITY));
  }

  @Test
  void shortestDigitsRoundTripForRandomDoubles() {
    Random random = new Random(20261122L);
    for (int i = 0; i < 20_000; i++) {
      double d = Double.longBitsToDouble(random.nextLong());
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        continue;
      }
      String text = CanonicalJson.jsNumber(d);
      assertEquals(d == 0 ? 0.0 : d, Double.parseDouble(text), "round trip of " + text);
      // never more digits than Java's own (possibly non-shortest) rendering needs
      String javaDigits = Double.toString(Math.abs(d)).replaceAll("E.*", "").replace(".", "");
      String ourDigits = text.replace("-", "").replaceAll("e.*", "").replace(".", "").replaceAll("^0+", "");
      javaDigits = javaDigits.replaceAll("^0+", "").replaceAll("0+$", "");
      ourDigits = ourDigits.replaceAll("0+$", "");
      assertEquals(true, ourDigits.length() <= Math.max(1, javaDigits.length()), text + " vs " + d);
    }
  }

  @Test
  void randomDocumentsAreStableAndIdempotent() {
    Random random = new Random(7L);
    for (int i = 0; i < 2_000; i++) {
      JsonNode doc = randomValue(random, 0);
      String once = CanonicalJson.stringify(doc);
      JsonNode reparsed = Json.parse(once);
      assertEquals(once, CanonicalJson.stringify(reparsed), "stringify(parse(stringify(x)))");
      // key order of the source must not matter
      assertEquals(once, CanonicalJson.stringify(shuffled(doc, random)));
    }
  }

  @Test
  void sizeCountedOnTheTreeIsTheUtf8LengthOfTheText() {
    Random random = new Random(11L);
    for (int i = 0; i < 5_000; i++) {
      JsonNode doc = randomValue(random, 0);
      String text = CanonicalJson.stringify(doc);
      assertEquals(text.getBytes(StandardCharsets.UTF_8).length, CanonicalJson.size(doc), text);
    }
    // lone and paired surrogates, controls, numbers JavaScript writes differently, undefined members
    ObjectNode obj = Json.newObject();
    obj.put("lone", "\uD800x\uDC00\uD800\uD800\uDC00\uDC00");
    obj.put("controls", "\b\t\n\f\r\u0000\u001f\"\\");
    obj.put("big", 1e21);
    obj.put("small", 1e-7);
    obj.put("half", 2.5);
    obj.set("undefined", com.fasterxml.jackson.databind.node.MissingNode.getInstance());
    obj.putArray("empty");
    obj.putObject("nothing");
    String text = CanonicalJson.stringify(obj);
    assertEquals(CanonicalJson.utf8Length(text), CanonicalJson.size(obj), text);
  }

  @Test
  void refusesTextThatIsNotOneJsonValue() {
    assertThrows(MalformedJsonException.class, () -> Json.parse("{\"a\":1} x"));
    assertThrows(MalformedJsonException.class, () -> Json.parse(""));
    assertThrows(MalformedJsonException.class, () -> Json.parse("{'a':1}"));
    assertThrows(MalformedJsonException.class, () -> Json.parse("[1,]"));
  }

  @Test
  void duplicateKeysKeepTheLastValueAsJsonParseDoes() {
    assertEquals("{\"a\":2}", CanonicalJson.stringify(Json.parse("{\"a\":1,\"a\":2}")));
  }

  private static final String ALPHABET = "aZ_0 \"\\/\n\u0001\u001f\u007fé日\uD83D\uDE00\u2028\uE000\uFF01";

  private static String randomString(Random random) {
    return RandomText.of(random, ALPHABET, random.nextInt(6));
  }

  private static JsonNode randomValue(Random random, int depth) {
    int kind = random.nextInt(depth > 3 ? 4 : 6);
    return switch (kind) {
      case 0 -> Json.mapper().getNodeFactory().textNode(randomString(random));
      case 1 -> Json.mapper().getNodeFactory().numberNode(random.nextInt(2_000_000) - 1_000_000);
      case 2 -> Json.mapper().getNodeFactory().booleanNode(random.nextBoolean());
      case 3 -> Json.mapper().getNodeFactory().nullNode();
      case 4 -> {
        ArrayNode array = Json.mapper().createArrayNode();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          array.add(randomValue(random, depth + 1));
        }
        yield array;
      }
      default -> {
        ObjectNode obj = Json.newObject();
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
          obj.set(randomString(random), randomValue(random, depth + 1));
        }
        yield obj;
      }
    };
  }

  private static JsonNode shuffled(JsonNode node, Random random) {
    if (node.isObject()) {
      java.util.List<java.util.Map.Entry<String, JsonNode>> members = new java.util.ArrayList<>();
      node.fields().forEachRemaining(members::add);
      java.util.Collections.shuffle(members, random);
      ObjectNode out = Json.newObject();
      members.forEach(m -> out.set(m.getKey(), shuffled(m.getValue(), random)));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = Json.mapper().createArrayNode();
      node.forEach(e -> out.add(shuffled(e, random)));
      return out;
    }
    return node;
  }
}
