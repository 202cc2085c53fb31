package dev.dm3relay.protocol.model;

/**
 * Message types: the eight of the reference code plus the spec's {@code READ_RECEIPT}. The relay
 * never sees them in clear text; clients use them, and the profile extension lists them.
 */
public enum MessageType {
  NEW,
  DELETE_REQUEST,
  EDIT,
  REPLY,
  REACTION,
  READ_OPENED,
  READ_RECEIVED,
  RESEND_REQUEST,
  READ_RECEIPT;

  static MessageType parse(String text, String path) {
    for (MessageType type : values()) {
      if (type.name().equals(text)) {
        return type;
      }
    }
    throw new dev.dm3relay.protocol.json.SchemaException(path, "is not a dm3 message type: " + text);
  }
}
