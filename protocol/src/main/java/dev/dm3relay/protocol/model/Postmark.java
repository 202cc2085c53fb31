package dev.dm3relay.protocol.model;

import static dev.dm3relay.protocol.json.Nodes.noOtherFields;
import static dev.dm3relay.protocol.json.Nodes.object;
import static dev.dm3relay.protocol.json.Nodes.requiredInteger;
import static dev.dm3relay.protocol.json.Nodes.requiredString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.protocol.crypto.Hashes;
import dev.dm3relay.protocol.json.CanonicalJson;
import dev.dm3relay.protocol.json.Json;
import java.util.Set;

/**
 * The delivery service's receipt, encrypted for the receiver. Field names and what is signed follow
 * the reference code (§2.5): {@code incommingTimestamp} is spelled with a double m, {@code
 * messageHash} is the EIP-191 hash of the quoted envelope message string, and the signature is an
 * Ed25519 signature over the text {@code sha256hex(stringify({incommingTimestamp, messageHash}))}.
 */
public record Postmark(String messageHash, long incommingTimestamp, String signature)
    implements JsonShape {

  private static final Set<String> FIELDS = Set.of("messageHash", "incommingTimestamp", "signature");

  public static Postmark fromJson(JsonNode node) {
    ObjectNode obj = object(node, "");
    noOtherFields(obj, FIELDS, "");
    return new Postmark(
        requiredString(obj, "messageHash", ""),
        requiredInteger(obj, "incommingTimestamp", ""),
        requiredString(obj, "signature", ""));
  }

  /** {@code stringify({incommingTimestamp, messageHash})}. */
  public static String signedObject(String messageHash, long incommingTimestamp) {
    ObjectNode obj = Json.newObject();
    obj.put("incommingTimestamp", incommingTimestamp);
    obj.put("messageHash", messageHash);
    return CanonicalJson.stringify(obj);
  }

  /** The 66-character text the delivery service signs. */
  public static String signedText(String messageHash, long incommingTimestamp) {
    return Hashes.sha256Hex(signedObject(messageHash, incommingTimestamp));
  }

  public String signedText() {
    return signedText(messageHash, incommingTimestamp);
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode obj = Json.newObject();
    obj.put("incommingTimestamp", incommingTimestamp);
    obj.put("messageHash", messageHash);
    obj.put("signature", signature);
    return obj;
  }
}
