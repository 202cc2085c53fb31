package dev.dm3relay.protocol.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Parsing and writing JSON the way the dm3 reference (JavaScript) does.
 *
 * <p>Parsing keeps numbers exact ({@code BigDecimal}/{@code BigInteger}) so that {@link
 * CanonicalJson} can apply JavaScript's double semantics itself; a duplicated key keeps its last
 * value, as {@code JSON.parse} does.
 */
public final class Json {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .build();

  static {
    // Envelopes are bounded by the relay's size limit long before these limits matter; the
    // string limit is raised so that a large but legal attachment is not refused by the parser.
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxStringLength(64 * 1024 * 1024)
                .maxNestingDepth(256)
                .build());
  }

  private Json() {}

  /** The shared mapper; configured once, safe to use from many threads. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Parses JSON text.
   *
   * @throws MalformedJsonException when the text is not one complete JSON value
   */
  public static JsonNode parse(String text) {
    if (text == null) {
      throw new MalformedJsonException("no JSON text", null);
    }
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw new MalformedJsonException("empty JSON text", null);
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new MalformedJsonException(e.getOriginalMessage(), e);
    } catch (MalformedJsonException e) {
      throw e;
    } catch (RuntimeException e) {
      // Jackson lets some number errors through unwrapped: a BigDecimal whose exponent does not
      // fit an int ("1e9999999999") throws NumberFormatException. Any of them is bad input.
      throw new MalformedJsonException("unreadable JSON: " + e.getClass().getSimpleName(), e);
    }
  }

  /** Parses JSON text that must be an object. */
  public static ObjectNode parseObject(String text) {
    JsonNode node = parse(text);
    if (!node.isObject()) {
      throw new MalformedJsonException("expected a JSON object, got " + Nodes.kind(node), null);
    }
    return (ObjectNode) node;
  }

  public static ObjectNode newObject() {
    return MAPPER.createObjectNode();
  }

  /** The JSON text of a string, quoted and escaped exactly as {@code stringify} does. */
  public static String quote(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2);
    CanonicalJson.writeString(value, out);
    return out.toString();
  }
}
