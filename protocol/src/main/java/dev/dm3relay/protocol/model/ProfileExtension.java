package dev.dm3relay.protocol.model;

import static dev.dm3relay.protocol.json.Nodes.noOtherFields;
import static dev.dm3relay.protocol.json.Nodes.object;
import static dev.dm3relay.protocol.json.Nodes.optionalStringArray;
import static dev.dm3relay.protocol.json.Nodes.path;
import static dev.dm3relay.protocol.json.Nodes.requiredStringArray;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.protocol.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Per-receiver capabilities the delivery service serves (reference shape, §2.8). */
public record ProfileExtension(List<String> encryptionAlgorithm, List<MessageType> notSupportedMessageTypes)
    implements JsonShape {

  private static final Set<String> FIELDS = Set.of("encryptionAlgorithm", "notSupportedMessageTypes");

  /** Our default for a new account: every message type is supported (see README, protocol choices). */
  public static final ProfileExtension DEFAULT = new ProfileExtension(null, List.of());

  public ProfileExtension {
    encryptionAlgorithm = encryptionAlgorithm == null ? null : List.copyOf(encryptionAlgorithm);
    notSupportedMessageTypes = List.copyOf(notSupportedMessageTypes);
  }

  public static ProfileExtension fromJson(JsonNode node) {
    ObjectNode obj = object(node, "");
    noOtherFields(obj, FIELDS, "");
    List<String> names = requiredStringArray(obj, "notSupportedMessageTypes", "");
    List<MessageType> types = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      types.add(MessageType.parse(names.get(i), path("", "notSupportedMessageTypes[" + i + "]")));
    }
    return new ProfileExtension(optionalStringArray(obj, "encryptionAlgorithm", ""), types);
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode obj = Json.newObject();
    if (encryptionAlgorithm != null) {
      ArrayNode algorithms = obj.putArray("encryptionAlgorithm");
      encryptionAlgorithm.forEach(algorithms::add);
    }
    ArrayNode types = obj.putArray("notSupportedMessageTypes");
    notSupportedMessageTypes.forEach(t -> types.add(t.name()));
    return obj;
  }
}
