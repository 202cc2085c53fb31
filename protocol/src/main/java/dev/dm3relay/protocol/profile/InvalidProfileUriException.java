package dev.dm3relay.protocol.profile;

/** A profile record that is not a URI we can use, or whose content fails its integrity check. */
public final class InvalidProfileUriException extends RuntimeException {
  public InvalidProfileUriException(String message) {
    super(message, null, false, false);
  }
}
