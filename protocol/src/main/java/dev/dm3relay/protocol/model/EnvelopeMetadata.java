package dev.dm3relay.protocol.model;

import static dev.dm3relay.protocol.json.Nodes.object;
import static dev.dm3relay.protocol.json.Nodes.optionalString;
import static dev.dm3relay.protocol.json.Nodes.others;
import static dev.dm3relay.protocol.json.Nodes.path;
import static dev.dm3relay.protocol.json.Nodes.requiredString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.json.Nodes;
import dev.dm3relay.protocol.json.SchemaException;
import java.util.Set;

/**
 * Envelope metadata in either layout: dm3 HEAD's {@code messageHash} (sha256 of the plaintext
 * Message) or the npm 1.7.1 clients' {@code encryptedMessageHash} (sha256 of the encrypted message
 * string). At least one is required; both are kept. Unknown members are kept verbatim because the
 * spec allows "any additional metadata" and the sender's signature covers them.
 *
 * <p>{@code deliveryInformation} is the encrypted payload string as submitted, or — once the
 * delivery service opened it — the decrypted object. Exactly one of the two fields is set.
 */
public record EnvelopeMetadata(
    String version,
    String encryptionScheme,
    String encryptedDeliveryInformation,
    DeliveryInformation deliveryInformation,
    String messageHash,
    String encryptedMessageHash,
    String signature,
    ObjectNode extra)
    implements JsonShape {

  private static final Set<String> FIELDS =
      Set.of(
          "version",
          "encryptionScheme",
          "deliveryInformation",
          "messageHash",
          "encryptedMessageHash",
          "signature");

  public EnvelopeMetadata {
    if ((encryptedDeliveryInformation == null) == (deliveryInformation == null)) {
      throw new IllegalArgumentException("exactly one form of deliveryInformation must be given");
    }
    if (messageHash == null && encryptedMessageHash == null) {
      throw new IllegalArgumentException("messageHash or encryptedMessageHash is required");
    }
    extra = extra == null ? Json.newObject() : extra.deepCopy();
  }

  public static EnvelopeMetadata fromJson(JsonNode node, String path) {
    ObjectNode obj = object(node, path);
    String version = requiredString(obj, "version", path);
    String scheme = optionalString(obj, "encryptionScheme", path);
    JsonNode di = obj.get("deliveryInformation");
    String encryptedDi = null;
    DeliveryInformation openDi = null;
    if (di == null) {
      throw new SchemaException(path(path, "deliveryInformation"), "is required");
    } else if (di.isTextual()) {
      encryptedDi = di.textValue();
    } else if (di.isObject()) {
      openDi = DeliveryInformation.fromJson(di, path(path, "deliveryInformation"));
    } else {
      throw new SchemaException(
          path(path, "deliveryInformation"), "must be a string or an object, got " + Nodes.kind(di));
    }
    String messageHash = optionalString(obj, "messageHash", path);
    String encryptedMessageHash = optionalString(obj, "encryptedMessageHash", path);
    if (messageHash == null && encryptedMessageHash == null) {
      throw new SchemaException(
          path(path, "messageHash"), "is required (or encryptedMessageHash, the npm 1.7.1 layout)");
    }
    return new EnvelopeMetadata(
        version,
        scheme,
        encryptedDi,
        openDi,
        messageHash,
        encryptedMessageHash,
        requiredString(obj, "signature", path),
        others(obj, FIELDS));
  }

  /** The hash a receiver acknowledges this envelope with: {@code messageHash}, else the 1.7.1 field. */
  public String ackHash() {
    return messageHash != null ? messageHash : encryptedMessageHash;
  }

  /** Whether an acknowledgement's hash names this envelope, in either layout. */
  public boolean isAcknowledgedBy(String hash) {
    return hash.equals(messageHash) || hash.equals(encryptedMessageHash);
  }

  /** The same metadata with the delivery information replaced by its decrypted object. */
  public EnvelopeMetadata withDeliveryInformation(DeliveryInformation opened) {
    return new EnvelopeMetadata(
        version, encryptionScheme, null, opened, messageHash, encryptedMessageHash, signature, extra);
  }

  @Override
  public ObjectNode extra() {
    return extra.deepCopy();
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode obj = extra.deepCopy();
    obj.put("version", version);
    if (encryptionScheme != null) {
      obj.put("encryptionScheme", encryptionScheme);
    }
    if (encryptedDeliveryInformation != null) {
      obj.put("deliveryInformation", encryptedDeliveryInformation);
    } else {
      obj.set("deliveryInformation", deliveryInformation.toJson());
    }
    if (messageHash != null) {
      obj.put("messageHash", messageHash);
    }
    if (encryptedMessageHash != null) {
      obj.put("encryptedMessageHash", encryptedMessageHash);
    }
    obj.put("signature", signature);
    return obj;
  }

  /** {@code stringify(metadata without signature)}: the text the sender signed. */
  public String signedText() {
    ObjectNode obj = toJson();
    obj.remove("signature");
    return dev.dm3relay.protocol.json.CanonicalJson.stringify(obj);
  }
}
