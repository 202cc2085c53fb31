package dev.dm3relay.protocol.model;

import static dev.dm3relay.protocol.json.Nodes.noOtherFields;
import static dev.dm3relay.protocol.json.Nodes.object;
import static dev.dm3relay.protocol.json.Nodes.requiredString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.protocol.json.Json;
import java.util.Set;

/**
 * What a delivery service publishes in its {@code network.dm3.deliveryService} ENS record. {@code
 * url} is the base URL clients append {@code /rpc}, {@code /auth/…} to.
 */
public record DeliveryServiceProfile(String publicSigningKey, String publicEncryptionKey, String url)
    implements JsonShape {

  private static final Set<String> FIELDS = Set.of("publicSigningKey", "publicEncryptionKey", "url");

  public static DeliveryServiceProfile fromJson(JsonNode node) {
    ObjectNode obj = object(node, "");
    noOtherFields(obj, FIELDS, "");
    return new DeliveryServiceProfile(
        requiredString(obj, "publicSigningKey", ""),
        requiredString(obj, "publicEncryptionKey", ""),
        requiredString(obj, "url", ""));
  }

  /** The value of the ENS text record: {@code data:application/json,} + stringify(profile), not URL-encoded. */
  public String dataUri() {
    return "data:application/json," + canonical();
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode obj = Json.newObject();
    obj.put("publicSigningKey", publicSigningKey);
    obj.put("publicEncryptionKey", publicEncryptionKey);
    obj.put("url", url);
    return obj;
  }
}
