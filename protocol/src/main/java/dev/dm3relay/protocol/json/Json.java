package dev.dm3relay.protocol.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonFactory;
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

  /**
   * What any parser of ours that reads another party's JSON (clients, CCIP-read gateways) takes
   * at most: nesting, one string, one number, one field name, and the whole document. Every bound
   * is far above what a dm3 message needs (an envelope is at most SIZE_LIMIT bytes; the largest
   * body any route takes is 8 MiB) and far below what would make one request costly: Jackson's
   * number parsing is superlinear in the digits, and deep nesting costs stack.
   */
  public static final StreamReadConstraints INPUT_LIMITS =
      StreamReadConstraints.builder()
          .maxNestingDepth(256)
          .maxStringLength(10 * 1024 * 1024)
          .maxNumberLength(1000)
          .maxNameLength(10_000)
          .maxDocumentLength(12L * 1024 * 1024)
          .build();

  private static final ObjectMapper MAPPER =
      JsonMapper.builder(JsonFactory.builder().streamReadConstraints(INPUT_LIMITS).build())
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .build();

  /** A plain mapper (doubles, no exact numbers) under {@link #INPUT_LIMITS}, for foreign JSON. */
  public static ObjectMapper boundedMapper() {
    return JsonMapper.builder(JsonFactory.builder().streamReadConstraints(INPUT_LIMITS).build()).build();
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
