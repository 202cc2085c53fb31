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
