package dev.dm3relay.protocol.auth;

/** A JWT that must not be honoured; the message says why (for logs, not for clients). */
public final class InvalidTokenException extends RuntimeException {
  public InvalidTokenException(String reason) {
    super(reason, null, false, false);
  }
}
