package dev.dm3relay.protocol.json;

/** The input is not JSON at all (as opposed to JSON of the wrong shape, see {@link SchemaException}). */
public final class MalformedJsonException extends RuntimeException {
  public MalformedJsonException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
