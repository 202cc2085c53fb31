package dev.dm3relay.protocol.model;

import static dev.dm3relay.protocol.json.Nodes.noOtherFields;
import static dev.dm3relay.protocol.json.Nodes.object;
import static dev.dm3relay.protocol.json.Nodes.requiredString;
import static dev.dm3relay.protocol.json.Nodes.requiredStringArray;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.protocol.json.Json;
import java.util.List;
import java.util.Set;

/** A user's public keys and delivery services (index 0 is the primary one). */
public record UserProfile(String publicEncryptionKey, String publicSigningKey, List<String> deliveryServices)
    implements JsonShape {

  private static final Set<String> FIELDS =
      Set.of("publicEncryptionKey", "publicSigningKey", "deliveryServices");

  public UserProfile {
    deliveryServices = List.copyOf(deliveryServices);
  }

  public static UserProfile fromJson(JsonNode node, String path) {
    ObjectNode obj = object(node, path);
    noOtherFields(obj, FIELDS, path);
    return new UserProfile(
        requiredString(obj, "publicEncryptionKey", path),
        requiredString(obj, "publicSigningKey", path),
        requiredStringArray(obj, "deliveryServices", path));
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode obj = Json.newObject();
    obj.put("publicEncryptionKey", publicEncryptionKey);
    obj.put("publicSigningKey", publicSigningKey);
    ArrayNode services = obj.putArray("deliveryServices");
    deliveryServices.forEach(services::add);
    return obj;
  }
}
