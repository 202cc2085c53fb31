package dev.dm3relay.node.mailbox;

import dev.dm3relay.node.core.CborSerializable;

/**
 * Which buffered envelope: its sender's (normalised) name and its message hash. Acknowledgements
 * name an envelope by both; the hash alone is whatever the sender wrote.
 */
public record MessageKey(String senderName, String messageHash) implements CborSerializable {

  static MessageKey of(StoredMessage message) {
    return new MessageKey(message.senderName(), message.messageHash());
  }
}
