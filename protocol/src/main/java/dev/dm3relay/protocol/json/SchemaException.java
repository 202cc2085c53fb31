package dev.dm3relay.protocol.json;

/**
 * JSON that does not have the shape a dm3 structure requires. The message names the field (as a
 * dotted path from the root of the structure) and says what is wrong with it.
 */
public final class SchemaException extends RuntimeException {
  private final String field;
  private final String reason;

  public SchemaException(String field, String reason) {
    super(field.isEmpty() ? reason : field + ": " + reason, null, false, false);
    this.field = field;
    this.reason = reason;
  }

  /** Dotted path of the offending field; empty for the root. */
  public String field() {
    return field;
  }

  public String reason() {
    return reason;
  }
}
