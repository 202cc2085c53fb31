package dev.dm3relay.node.submit;

import dev.dm3relay.node.core.ErrorCode;

/** How a submission ended: durably accepted, or refused for a reason that says how to answer. */
public sealed interface SubmitResult {

  /** Buffered (or found already buffered) in the receiver's mailbox. */
  record Accepted(String receiverAddress, String storedEnvelopeJson, int sizeBytes, boolean duplicate) implements SubmitResult {}

  /** @param retryAfterSeconds for {@link Refusal#RATE_LIMITED}: when to try again; else 0 */
  record Rejected(Refusal refusal, String message, long retryAfterSeconds) implements SubmitResult {

    public Rejected(Refusal refusal, String message) {
      this(refusal, message, 0);
    }

    /**
     * What the reference itself says for it, where dm3 clients read it: {@code "invalid schema"}
     * (the HTTP body's {@code error} and the socket ack's), else our message.
     */
    public String referenceError() {
      return refusal == Refusal.INVALID_SCHEMA ? "invalid schema" : message;
    }
  }

  /** Every way a submission is refused, with its dm3 error code. */
  enum Refusal {
    MALFORMED_JSON(ErrorCode.PARSE_ERROR),
    INVALID_SCHEMA(ErrorCode.INVALID_PARAMS),
    TOO_LARGE(ErrorCode.TOO_BIG),
    CANNOT_DECRYPT(ErrorCode.INVALID_INPUT),
    INVALID_DELIVERY_INFORMATION(ErrorCode.INVALID_INPUT),
    MESSAGE_HASH_MISMATCH(ErrorCode.INVALID_INPUT),
    UNRESOLVABLE_RECEIVER(ErrorCode.RESOURCE_NOT_FOUND),
    UNKNOWN_ACCOUNT(ErrorCode.RESOURCE_NOT_FOUND),
    SPAM(ErrorCode.SPAM),
    RECEIVER_KEY_INVALID(ErrorCode.INVALID_INPUT),
    MAILBOX_FULL(ErrorCode.LIMIT_EXCEEDED),
    SENDER_SHARE_FULL(ErrorCode.LIMIT_EXCEEDED),
    /** The operator blocked the sender's address (admin API); HTTP 403. */
    BLOCKED_SENDER(ErrorCode.SPAM),
    /** The sender's or the receiver's rate limit (RATE_LIMIT_SENDER, RATE_LIMIT_RECIPIENT); HTTP 429. */
    RATE_LIMITED(ErrorCode.LIMIT_EXCEEDED);

    private final ErrorCode code;

    Refusal(ErrorCode code) {
      this.code = code;
    }

    public ErrorCode code() {
      return code;
    }
  }
}
