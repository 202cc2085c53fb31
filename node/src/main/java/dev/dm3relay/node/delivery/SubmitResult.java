package dev.dm3relay.node.delivery;

/** How a submission ended: durably accepted, or refused for a reason the API maps to a status. */
public sealed interface SubmitResult {

  /** Buffered (or found already buffered) in the receiver's mailbox. */
  record Accepted(String receiverAddress, String storedEnvelopeJson, int sizeBytes, boolean duplicate) implements SubmitResult {}

  record Rejected(Refusal refusal, String message) implements SubmitResult {}

  /** Every way a submission is refused, in pipeline order (§5.1). */
  enum Refusal {
    MALFORMED_JSON,
    INVALID_SCHEMA,
    TOO_LARGE,
    CANNOT_DECRYPT,
    INVALID_DELIVERY_INFORMATION,
    MESSAGE_HASH_MISMATCH,
    UNRESOLVABLE_RECEIVER,
    UNKNOWN_ACCOUNT,
    SPAM,
    RECEIVER_KEY_INVALID,
    MAILBOX_FULL,
    SENDER_SHARE_FULL
  }
}
