package dev.dm3relay.protocol.delivery;

/** Why a submitted envelope cannot be accepted. The API maps {@link Reason} to status and error code. */
public final class SubmitRejectedException extends RuntimeException {

  /** Distinct failure kinds, in the order the submit pipeline meets them (§5.1). */
  public enum Reason {
    /** params[0] is not JSON text. */
    MALFORMED_JSON,
    /** JSON, but not an envelope (a field missing or of the wrong type). */
    INVALID_SCHEMA,
    /** stringify(envelope) is longer than the size limit. */
    TOO_LARGE,
    /** metadata.deliveryInformation does not decrypt with this service's key. */
    CANNOT_DECRYPT,
    /** It decrypts, but not to a DeliveryInformation. */
    INVALID_DELIVERY_INFORMATION,
    /** {@code metadata.encryptedMessageHash} is not the hash of {@code message}. */
    MESSAGE_HASH_MISMATCH
  }

  private final Reason reason;

  public SubmitRejectedException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
