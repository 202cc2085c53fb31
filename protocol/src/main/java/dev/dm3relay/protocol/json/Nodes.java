package dev.dm3relay.protocol.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Strict field access for the dm3 schemas. Every failure is a {@link SchemaException} naming the
 * field by its dotted path and saying why.
 */
public final class Nodes {

  private Nodes() {}

  /** Words for a node's JSON type, for error messages. */
  public static String kind(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    return switch (node.getNodeType()) {
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> "an unsupported value";
    };
  }

  public static String path(String parent, String field) {
    return parent.isEmpty() ? field : parent + "." + field;
  }

  public static ObjectNode object(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw new SchemaException(path, "must be an object, got " + kind(node));
    }
    return (ObjectNode) node;
  }

  public static String requiredString(ObjectNode obj, String field, String parent) {
    JsonNode value = obj.get(field);
    if (value == null) {
      throw new SchemaException(path(parent, field), "is required");
    }
    if (!value.isTextual()) {
      throw new SchemaException(path(parent, field), "must be a string, got " + kind(value));
    }
    return value.textValue();
  }

  /** Returns null when absent; a present field must be a string (null is refused as JS schemas do). */
  public static String optionalString(ObjectNode obj, String field, String parent) {
    JsonNode value = obj.get(field);
    if (value == null) {
      return null;
    }
    if (!value.isTextual()) {
      throw new SchemaException(path(parent, field), "must be a string, got " + kind(value));
    }
    return value.textValue();
  }

  /** A JSON number that is a whole number of milliseconds (or seconds) within JS's safe range. */
  public static long requiredInteger(ObjectNode obj, String field, String parent) {
    JsonNode value = obj.get(field);
    if (value == null) {
      throw new SchemaException(path(parent, field), "is required");
    }
    if (!value.isNumber()) {
      throw new SchemaException(path(parent, field), "must be a number, got " + kind(value));
    }
    if (!value.isIntegralNumber() && value.decimalValue().stripTrailingZeros().scale() > 0) {
      throw new SchemaException(path(parent, field), "must be a whole number");
    }
    if (!value.canConvertToLong() || Math.abs(value.longValue()) > 9007199254740991L) {
      throw new SchemaException(path(parent, field), "is outside the safe integer range");
    }
    return value.longValue();
  }

  public static List<String> requiredStringArray(ObjectNode obj, String field, String parent) {
    JsonNode value = obj.get(field);
    if (value == null) {
      throw new SchemaException(path(parent, field), "is required");
    }
    return stringArray(value, path(parent, field));
  }

  public static List<String> optionalStringArray(ObjectNode obj, String field, String parent) {
    JsonNode value = obj.get(field);
    return value == null ? null : stringArray(value, path(parent, field));
  }

  private static List<String> stringArray(JsonNode value, String path) {
    if (!value.isArray()) {
      throw new SchemaException(path, "must be an array, got " + kind(value));
    }
    List<String> out = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      JsonNode element = value.get(i);
      if (!element.isTextual()) {
        throw new SchemaException(path + "[" + i + "]", "must be a string, got " + kind(element));
      }
      out.add(element.textValue());
    }
    return List.copyOf(out);
  }

  /** Refuses members outside {@code allowed}: the reference schemas say additionalProperties:false. */
  public static void noOtherFields(ObjectNode obj, Set<String> allowed, String parent) {
    for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw new SchemaException(path(parent, name), "is not an allowed field");
      }
    }
  }

  /** The members of {@code obj} outside {@code known}, in their original order. */
  public static ObjectNode others(ObjectNode obj, Set<String> known) {
    ObjectNode extra = Json.newObject();
    obj.fields()
        .forEachRemaining(
            member -> {
              if (!known.contains(member.getKey())) {
                extra.set(member.getKey(), member.getValue().deepCopy());
              }
            });
    return extra;
  }
}
