package dev.dm3relay.node.mailbox;

import dev.dm3relay.node.core.CborSerializable;

/**
 * One buffered message as the mailbox entity remembers it: an index entry of a few dozen bytes.
 * The envelope itself lives in the envelope_bodies table under (mailbox, bodyKey).
 *
 * @param storedAt the relay's store time in epoch milliseconds (the postmark's incommingTimestamp)
 * @param size UTF-8 bytes of the stored envelope, counted against the quota
 */
public record StoredMessage(
    String conversationId,
    String senderName,
    String messageHash,
    long storedAt,
    int size,
    String bodyKey)
    implements CborSerializable {}
