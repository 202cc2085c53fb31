package dev.dm3relay.node.mailbox;

import dev.dm3relay.node.core.CborSerializable;
import dev.dm3relay.protocol.json.CanonicalJson;

/**
 * An envelope to buffer, opaque to the mailbox: the stored JSON (with its postmark already in it)
 * plus the fields the mailbox indexes. The submit pipeline extracts them; in the npm 1.7.1 layout
 * the message hash is {@code metadata.encryptedMessageHash}, at dm3 HEAD {@code metadata.messageHash}.
 *
 * @param senderName nameprep'd {@code deliveryInformation.from}; acks name it as contactAddress
 * @param messageHash the envelope's message hash: with the sender, the dedup and ack key
 * @param json the envelope as stored and returned to the receiver
 */
public record IncomingEnvelope(String senderName, String messageHash, String json)
    implements CborSerializable {

  public IncomingEnvelope {
    require(senderName, "senderName");
    require(messageHash, "messageHash");
    require(json, "json");
  }

  /**
   * Bytes counted against the mailbox quota: the UTF-8 size of the stored JSON, counted without
   * encoding it (encoding was a 6 KB copy per submit, 3 % of the relay's allocation). Stored JSON
   * is canonical, so it has no lone surrogate, where counting and encoding would differ.
   */
  public int sizeInBytes() {
    return CanonicalJson.utf8Length(json);
  }

  private static void require(String value, String name) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(name + " is required");
    }
  }
}
