package dev.dm3relay.protocol.model;

import static dev.dm3relay.protocol.json.Nodes.noOtherFields;
import static dev.dm3relay.protocol.json.Nodes.object;
import static dev.dm3relay.protocol.json.Nodes.optionalString;
import static dev.dm3relay.protocol.json.Nodes.path;
import static dev.dm3relay.protocol.json.Nodes.requiredInteger;
import static dev.dm3relay.protocol.json.Nodes.requiredString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.protocol.crypto.Hashes;
import dev.dm3relay.protocol.json.CanonicalJson;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.json.SchemaException;
import java.util.Set;

/**
 * The plaintext message a sender encrypts for the receiver. The relay never sees it; the model is
 * here for clients built on this library (load generators, tests) and follows the reference schema
 * ({@code additionalProperties:false} at every level).
 *
 * <p>{@code attachments} is kept as JSON because the reference ({name?, data} objects) and the spec
 * (plain URI strings) disagree; both forms are accepted.
 */
public record Message(String message, Metadata metadata, ArrayNode attachments, String signature)
    implements JsonShape {

  private static final Set<String> FIELDS = Set.of("message", "metadata", "attachments", "signature");

  /** Who, to whom, when and what kind. */
  public record Metadata(
      String to,
      String from,
      long timestamp,
      MessageType type,
      String referenceMessageHash,
      String replyDeliveryInstruction)
      implements JsonShape {

    private static final Set<String> FIELDS =
        Set.of("to", "from", "timestamp", "type", "referenceMessageHash", "replyDeliveryInstruction");

    static Metadata fromJson(JsonNode node, String path) {
      ObjectNode obj = object(node, path);
      noOtherFields(obj, FIELDS, path);
      return new Metadata(
          requiredString(obj, "to", path),
          requiredString(obj, "from", path),
          requiredInteger(obj, "timestamp", path),
          MessageType.parse(requiredString(obj, "type", path), path(path, "type")),
          optionalString(obj, "referenceMessageHash", path),
          optionalString(obj, "replyDeliveryInstruction", path));
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode obj = Json.newObject();
      obj.put("to", to);
      obj.put("from", from);
      obj.put("timestamp", timestamp);
      obj.put("type", type.name());
      if (referenceMessageHash != null) {
        obj.put("referenceMessageHash", referenceMessageHash);
      }
      if (replyDeliveryInstruction != null) {
        obj.put("replyDeliveryInstruction", replyDeliveryInstruction);
      }
      return obj;
    }
  }

  public Message {
    attachments = attachments == null ? null : attachments.deepCopy();
  }

  public static Message fromJson(JsonNode node) {
    ObjectNode obj = object(node, "");
    noOtherFields(obj, FIELDS, "");
    JsonNode metadata = obj.get("metadata");
    if (metadata == null) {
      throw new SchemaException("metadata", "is required");
    }
    JsonNode attachments = obj.get("attachments");
    if (attachments != null) {
      checkAttachments(attachments);
    }
    return new Message(
        optionalString(obj, "message", ""),
        Metadata.fromJson(metadata, "metadata"),
        attachments == null ? null : (ArrayNode) attachments,
        requiredString(obj, "signature", ""));
  }

  private static void checkAttachments(JsonNode attachments) {
    if (!attachments.isArray()) {
      throw new SchemaException("attachments", "must be an array");
    }
    for (int i = 0; i < attachments.size(); i++) {
      JsonNode a = attachments.get(i);
      String p = "attachments[" + i + "]";
      if (a.isTextual()) {
        continue;
      }
      ObjectNode obj = object(a, p);
      noOtherFields(obj, Set.of("name", "data"), p);
      optionalString(obj, "name", p);
      requiredString(obj, "data", p);
    }
  }

  @Override
  public ArrayNode attachments() {
    return attachments == null ? null : attachments.deepCopy();
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode obj = unsignedJson();
    obj.put("signature", signature);
    return obj;
  }

  private ObjectNode unsignedJson() {
    ObjectNode obj = Json.newObject();
    if (message != null) {
      obj.put("message", message);
    }
    obj.set("metadata", metadata.toJson());
    if (attachments != null) {
      obj.set("attachments", attachments.deepCopy());
    }
    return obj;
  }

  /** {@code stringify(message without signature)}: the text the sender signs with Ed25519. */
  public String signedText() {
    return CanonicalJson.stringify(unsignedJson());
  }

  /** dm3 HEAD's {@code metadata.messageHash}: sha256hex(stringify(signed message)). */
  public String messageHash() {
    return Hashes.sha256Hex(canonical());
  }

  public Message withSignature(String newSignature) {
    return new Message(message, metadata, attachments, newSignature);
  }
}
