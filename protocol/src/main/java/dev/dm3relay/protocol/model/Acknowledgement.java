package dev.dm3relay.protocol.model;

import static dev.dm3relay.protocol.json.Nodes.noOtherFields;
import static dev.dm3relay.protocol.json.Nodes.object;
import static dev.dm3relay.protocol.json.Nodes.requiredString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.protocol.json.Json;
import java.util.Set;

/**
 * A receiver's "fetched and stored, delete it" for one envelope. Despite its name {@code
 * contactAddress} carries the sender's name as the message's {@code metadata.from} gave it; {@code
 * messageHash} is the envelope metadata's hash in whichever layout the envelope used.
 */
public record Acknowledgement(String contactAddress, String messageHash) implements JsonShape {

  private static final Set<String> FIELDS = Set.of("contactAddress", "messageHash");

  public static Acknowledgement fromJson(JsonNode node, String path) {
    ObjectNode obj = object(node, path);
    noOtherFields(obj, FIELDS, path);
    return new Acknowledgement(
        requiredString(obj, "contactAddress", path), requiredString(obj, "messageHash", path));
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode obj = Json.newObject();
    obj.put("contactAddress", contactAddress);
    obj.put("messageHash", messageHash);
    return obj;
  }
}
