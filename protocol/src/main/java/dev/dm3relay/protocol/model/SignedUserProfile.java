package dev.dm3relay.protocol.model;

import static dev.dm3relay.protocol.json.Nodes.noOtherFields;
import static dev.dm3relay.protocol.json.Nodes.object;
import static dev.dm3relay.protocol.json.Nodes.requiredString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.json.SchemaException;
import java.util.Set;

/** A profile with the account's EIP-191 signature over it (§3.6); what ENS records and the relay hold. */
public record SignedUserProfile(UserProfile profile, String signature) implements JsonShape {

  private static final Set<String> FIELDS = Set.of("profile", "signature");

  public static SignedUserProfile fromJson(JsonNode node) {
    ObjectNode obj = object(node, "");
    noOtherFields(obj, FIELDS, "");
    JsonNode profile = obj.get("profile");
    if (profile == null) {
      throw new SchemaException("profile", "is required");
    }
    return new SignedUserProfile(
        UserProfile.fromJson(profile, "profile"), requiredString(obj, "signature", ""));
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode obj = Json.newObject();
    obj.set("profile", profile.toJson());
    obj.put("signature", signature);
    return obj;
  }
}
