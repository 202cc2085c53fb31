package dev.dm3relay.protocol.delivery;

import dev.dm3relay.protocol.model.DeliveryInformation;
import dev.dm3relay.protocol.model.EncryptionEnvelope;

/**
 * A submitted envelope whose routing data this service has opened.
 *
 * @param envelope the envelope as submitted (deliveryInformation still encrypted)
 * @param deliveryInformation the decrypted routing data
 * @param sizeBytes dm3's size of the envelope: UTF-8 bytes of stringify(envelope)
 * @param quotedMessage stringify(envelope.message): hashed for encryptedMessageHash and the
 *     postmark and spliced into the stored envelope's text, so the 6 KB string is escaped once
 */
public record OpenedEnvelope(EncryptionEnvelope envelope, DeliveryInformation deliveryInformation, int sizeBytes, String quotedMessage) {

  /** The envelope as stored: {@link EncryptionEnvelope#canonical()} with the message's text at hand. */
  public String canonicalOf(EncryptionEnvelope stamped) {
    return stamped.canonicalWithQuotedMessage(quotedMessage);
  }
}
