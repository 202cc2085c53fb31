package dev.dm3relay.protocol.model;

import static dev.dm3relay.protocol.json.Nodes.object;
import static dev.dm3relay.protocol.json.Nodes.optionalString;
import static dev.dm3relay.protocol.json.Nodes.others;
import static dev.dm3relay.protocol.json.Nodes.requiredString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.protocol.json.Json;
import java.util.Set;

/**
 * The routing data a sender encrypts for the receiver's delivery service. {@code
 * deliveryInstruction} is opaque bridging data the relay must neither evaluate nor alter; other
 * members a sender adds are kept as they came.
 */
public record DeliveryInformation(String to, String from, String deliveryInstruction, ObjectNode extra)
    implements JsonShape {

  private static final Set<String> FIELDS = Set.of("to", "from", "deliveryInstruction");

  public DeliveryInformation {
    extra = extra == null ? Json.newObject() : extra.deepCopy();
  }

  public DeliveryInformation(String to, String from) {
    this(to, from, null, null);
  }

  public static DeliveryInformation fromJson(JsonNode node, String path) {
    ObjectNode obj = object(node, path);
    return new DeliveryInformation(
        requiredString(obj, "to", path),
        requiredString(obj, "from", path),
        optionalString(obj, "deliveryInstruction", path),
        others(obj, FIELDS));
  }

  @Override
  public ObjectNode extra() {
    return extra.deepCopy();
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode obj = extra.deepCopy();
    obj.put("to", to);
    obj.put("from", from);
    if (deliveryInstruction != null) {
      obj.put("deliveryInstruction", deliveryInstruction);
    }
    return obj;
  }
}
