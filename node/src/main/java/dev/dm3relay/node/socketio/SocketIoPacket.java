package dev.dm3relay.node.socketio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.json.MalformedJsonException;
import java.util.Set;

/**
 * One Socket.IO (protocol 5) packet, as carried in the data of an Engine.IO message packet: {@code
 * <type>[<attachments>-][<namespace>,][<ack id>][<JSON data>]}.
 *
 * @param namespace {@code "/"} unless the packet names another
 * @param ackId the acknowledgement id, or -1 when there is none
 * @param data the JSON data, or {@code null} when the packet has none
 */
record SocketIoPacket(int type, String namespace, long ackId, JsonNode data) {

  static final int CONNECT = 0;
  static final int DISCONNECT = 1;
  static final int EVENT = 2;
  static final int ACK = 3;
  static final int CONNECT_ERROR = 4;
  static final int BINARY_EVENT = 5;
  static final int BINARY_ACK = 6;

  static final String DEFAULT_NAMESPACE = "/";

  /** Event names a Socket.IO client reserves for itself; a packet carrying one is invalid. */
  private static final Set<String> RESERVED_EVENTS =
      Set.of(
          "connect",
          "connect_error",
          "disconnect",
          "disconnecting",
          "newListener",
          "removeListener");

  /** Namespaces are short paths; a longer one is garbage and is not echoed back. */
  private static final int MAX_NAMESPACE_LENGTH = 128;

  /** JavaScript numbers are exact up to 2^53, which has 16 digits; ids are small counters. */
  private static final int MAX_ACK_ID_DIGITS = 15;

  /** Thrown for anything that is not a well-formed packet this server can act on. */
  static final class MalformedPacketException extends Exception {
    MalformedPacketException(String message) {
      super(message, null, false, false);
    }
  }

  /** The event name of an EVENT packet. */
  String eventName() {
    return data.get(0).asText();
  }

  /** The first argument after the event name, or {@code null} when there is none. */
  JsonNode firstArgument() {
    return data.size() > 1 ? data.get(1) : null;
  }

  boolean wantsAck() {
    return ackId >= 0;
  }

  static SocketIoPacket decode(String text) throws MalformedPacketException {
    if (text.isEmpty()) {
      throw new MalformedPacketException("empty packet");
    }
    int type = text.charAt(0) - '0';
    if (type < CONNECT || type > BINARY_ACK) {
      throw new MalformedPacketException("unknown packet type");
    }
    if (type == BINARY_EVENT || type == BINARY_ACK) {
      // dm3 clients send JSON only; binary attachments would arrive as separate frames that this
      // server does not reassemble.
      throw new MalformedPacketException("binary packets are not supported");
    }
    int i = 1;
    String namespace = DEFAULT_NAMESPACE;
    if (i < text.length() && text.charAt(i) == '/') {
      int comma = text.indexOf(',', i);
      int end = comma < 0 ? text.length() : comma;
      if (end - i > MAX_NAMESPACE_LENGTH) {
        throw new MalformedPacketException("namespace too long");
      }
      namespace = text.substring(i, end);
      i = comma < 0 ? end : comma + 1;
    }
    long ackId = -1;
    int digitsStart = i;
    while (i < text.length() && Character.isDigit(text.charAt(i)) && text.charAt(i) < 128) {
      i++;
    }
    if (i > digitsStart) {
      if (i - digitsStart > MAX_ACK_ID_DIGITS) {
        throw new MalformedPacketException("ack id too long");
      }
      ackId = Long.parseLong(text, digitsStart, i, 10);
    }
    JsonNode data = null;
    if (i < text.length()) {
      try {
        data = Json.parse(text.substring(i));
      } catch (MalformedJsonException e) {
        throw new MalformedPacketException("packet data is not JSON");
      }
    }
    SocketIoPacket packet = new SocketIoPacket(type, namespace, ackId, data);
    packet.validate();
    return packet;
  }

  /** Applies the payload rules a Socket.IO decoder applies, for the packets a client may send. */
  private void validate() throws MalformedPacketException {
    switch (type) {
      case CONNECT -> {
        if (data != null && !data.isObject()) {
          throw new MalformedPacketException("CONNECT data must be an object");
        }
      }
      case DISCONNECT -> {
        if (data != null) {
          throw new MalformedPacketException("DISCONNECT carries no data");
        }
      }
      case EVENT -> {
        if (data == null
            || !data.isArray()
            || data.isEmpty()
            || !data.get(0).isTextual()
            || RESERVED_EVENTS.contains(data.get(0).asText())) {
          throw new MalformedPacketException("EVENT data must be [name, ...args]");
        }
      }
      case ACK -> {
        if (data == null || !data.isArray() || ackId < 0) {
          throw new MalformedPacketException("ACK needs an id and an array");
        }
      }
      default -> throw new MalformedPacketException("clients do not send packet type " + type);
    }
  }

  // --- encoding of what the server sends -------------------------------------------------------

  /** CONNECT reply for the default namespace. */
  static String connectReply(String socketId) {
    return CONNECT + "{\"sid\":" + Json.quote(socketId) + "}";
  }

  static String connectError(String namespace, String message) {
    return CONNECT_ERROR + namespacePrefix(namespace) + "{\"message\":" + Json.quote(message) + "}";
  }

  static String disconnect() {
    return Integer.toString(DISCONNECT);
  }

  /** EVENT on the default namespace; {@code payload} null means an event without arguments. */
  static String event(String name, JsonNode payload) {
    ArrayNode array = Json.mapper().createArrayNode();
    array.add(name);
    if (payload != null && !payload.isMissingNode()) {
      array.add(payload);
    }
    return EVENT + write(array);
  }

  /**
   * EVENT on the default namespace with one argument given as JSON text, which must be one valid
   * JSON value (a stored envelope's canonical JSON is).
   */
  static String eventWithJson(String name, String payloadJson) {
    return EVENT + "[" + Json.quote(name) + "," + payloadJson + "]";
  }

  /** ACK on the default namespace; a missing value acknowledges without arguments. */
  static String ack(long ackId, JsonNode value) {
    ArrayNode array = Json.mapper().createArrayNode();
    if (value != null && !value.isMissingNode()) {
      array.add(value);
    }
    return ACK + Long.toString(ackId) + write(array);
  }

  private static String namespacePrefix(String namespace) {
    return DEFAULT_NAMESPACE.equals(namespace) ? "" : namespace + ",";
  }

  private static String write(JsonNode node) {
    try {
      return Json.mapper().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      // A JsonNode tree always serialises; this would be a bug in Jackson, not bad input.
      throw new IllegalStateException(e);
    }
  }
}
