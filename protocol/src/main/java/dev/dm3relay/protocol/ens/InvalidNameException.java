package dev.dm3relay.protocol.ens;

/**
 * A name that ethers v5 would refuse: nameprep rejected it, or it cannot be hashed or DNS-encoded.
 * Unchecked because callers (request handlers) turn it into a client error rather than recover.
 */
public final class InvalidNameException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Why the name was refused. */
  public enum Reason {
    /** A code point in RFC 3454 tables C.1.2, C.2.2, C.3-C.9 (ethers: STRINGPREP_CONTAINS_PROHIBITED). */
    PROHIBITED,
    /** A code point unassigned in Unicode 3.2, table A.1 (ethers: STRINGPREP_CONTAINS_UNASSIGNED). */
    UNASSIGNED,
    /** IDNA hyphen rule on the whole string (ethers: "invalid hyphen"). */
    HYPHEN,
    /** A lone UTF-16 surrogate, which ethers cannot encode as UTF-8 (ethers: "invalid utf-8 string"). */
    MALFORMED,
    /** An empty label, e.g. {@code a..eth} or a trailing dot (ethers: "invalid ENS name; empty component"). */
    EMPTY_LABEL,
    /** A label over 63 UTF-8 bytes in a DNS encoding (ethers: "invalid DNS encoded entry"). */
    LABEL_TOO_LONG
  }

  private final Reason reason;
  private final int codePoint;

  InvalidNameException(Reason reason, int codePoint, String message) {
    super(message);
    this.reason = reason;
    this.codePoint = codePoint;
  }

  public Reason reason() {
    return reason;
  }

  /** The offending code point, or -1 when the reason is not about a single code point. */
  public int codePoint() {
    return codePoint;
  }
}
