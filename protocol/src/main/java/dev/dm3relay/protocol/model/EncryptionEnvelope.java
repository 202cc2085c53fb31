package dev.dm3relay.protocol.model;

import static dev.dm3relay.protocol.json.Nodes.object;
import static dev.dm3relay.protocol.json.Nodes.optionalString;
import static dev.dm3relay.protocol.json.Nodes.others;
import static dev.dm3relay.protocol.json.Nodes.path;
import static dev.dm3relay.protocol.json.Nodes.requiredString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.json.SchemaException;
import java.util.Set;

/**
 * What a sender submits and what a receiver fetches (the reference spells the type {@code
 * EncryptionEnvelop}). {@code message} is the JSON text of an {@link EncryptedPayload} for the
 * receiver; {@code postmark} is set by the delivery service. Unknown members are kept verbatim.
 */
public record EncryptionEnvelope(
    String message, EnvelopeMetadata metadata, String postmark, ObjectNode extra)
    implements JsonShape {

  private static final Set<String> FIELDS = Set.of("message", "metadata", "postmark");

  public EncryptionEnvelope {
    extra = extra == null ? Json.newObject() : extra.deepCopy();
  }

  public static EncryptionEnvelope fromJson(JsonNode node) {
    ObjectNode obj = object(node, "");
    JsonNode metadata = obj.get("metadata");
    if (metadata == null) {
      throw new SchemaException("metadata", "is required");
    }
    return new EncryptionEnvelope(
        requiredString(obj, "message", ""),
        EnvelopeMetadata.fromJson(metadata, path("", "metadata")),
        optionalString(obj, "postmark", ""),
        others(obj, FIELDS));
  }

  /** The same envelope as the delivery service stores it: opened routing data and its postmark. */
  public EncryptionEnvelope delivered(DeliveryInformation opened, String postmarkPayload) {
    return new EncryptionEnvelope(
        message, metadata.withDeliveryInformation(opened), postmarkPayload, extra);
  }

  @Override
  public ObjectNode extra() {
    return extra.deepCopy();
  }

  /**
   * {@link #canonical()} given {@code quotedMessage} = stringify(message): the message, most of an
   * envelope's bytes, is not escaped again. Members sort by key, and "message" comes before
   * "metadata" and "postmark", so its member leads unless an unknown member sorts before it.
   */
  public String canonicalWithQuotedMessage(String quotedMessage) {
    for (java.util.Iterator<String> keys = extra.fieldNames(); keys.hasNext(); ) {
      if (keys.next().compareTo("message") <= 0) {
        return canonical();
      }
    }
    ObjectNode rest = toJson();
    rest.remove("message");
    String tail = dev.dm3relay.protocol.json.CanonicalJson.stringify(rest);
    StringBuilder out = new StringBuilder(quotedMessage.length() + tail.length() + 12);
    out.append("{\"message\":").append(quotedMessage);
    if (tail.length() > 2) {
      out.append(',').append(tail.substring(1)); // a String append copies at once
    } else {
      out.append('}');
    }
    return out.toString();
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode obj = extra.deepCopy();
    obj.put("message", message);
    obj.set("metadata", metadata.toJson());
    if (postmark != null) {
      obj.put("postmark", postmark);
    }
    return obj;
  }
}
