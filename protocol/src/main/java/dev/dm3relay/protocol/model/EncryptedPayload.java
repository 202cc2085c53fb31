package dev.dm3relay.protocol.model;

import static dev.dm3relay.protocol.json.Nodes.noOtherFields;
import static dev.dm3relay.protocol.json.Nodes.object;
import static dev.dm3relay.protocol.json.Nodes.optionalString;
import static dev.dm3relay.protocol.json.Nodes.requiredString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.json.MalformedJsonException;
import dev.dm3relay.protocol.json.SchemaException;
import java.util.Set;

/**
 * An encrypted payload as it travels inside string fields: {@code ciphertext} and {@code
 * ephemPublicKey} in standard base64, {@code nonce} as {@code 0x} + 24 hex digits. A symmetric
 * payload has no ephemeral key.
 */
public record EncryptedPayload(String ciphertext, String ephemPublicKey, String nonce)
    implements JsonShape {

  private static final Set<String> FIELDS = Set.of("ciphertext", "ephemPublicKey", "nonce");

  public static EncryptedPayload fromJson(JsonNode node, String path) {
    ObjectNode obj = object(node, path);
    noOtherFields(obj, FIELDS, path);
    return new EncryptedPayload(
        requiredString(obj, "ciphertext", path),
        optionalString(obj, "ephemPublicKey", path),
        requiredString(obj, "nonce", path));
  }

  /** Parses the JSON text held in a string field such as {@code envelope.message}. */
  public static EncryptedPayload parse(String text, String path) {
    try {
      return fromJson(Json.parse(text), path);
    } catch (MalformedJsonException e) {
      throw new SchemaException(path, "does not hold JSON: " + e.getMessage());
    }
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode obj = Json.newObject();
    obj.put("ciphertext", ciphertext);
    if (ephemPublicKey != null) {
      obj.put("ephemPublicKey", ephemPublicKey);
    }
    obj.put("nonce", nonce);
    return obj;
  }
}
