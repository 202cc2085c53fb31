package dev.dm3relay.load;

/**
 * One ready-to-post {@code dm3_submitMessage} request.
 *
 * @param body the JSON-RPC body, UTF-8 (kept as bytes: ~60 % of the memory of a String of it)
 * @param messageHash metadata.messageHash, how the relay and the receiver identify the message
 * @param envelopeBytes the dm3 size of the envelope (UTF-8 bytes of its canonical JSON)
 * @param sender index into the sender list
 * @param recipient index into the recipient list
 */
public record PreparedEnvelope(byte[] body, String messageHash, int envelopeBytes, int sender, int recipient) {}
