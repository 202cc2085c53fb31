package dev.dm3relay.protocol.crypto;

/**
 * The one failure of opening an encrypted dm3 payload: wrong key, damaged ciphertext or tag, bad
 * padding, or a missing or malformed ephemeral key or nonce. Callers need not tell these apart
 * (a relay rejects the envelope either way), and an attacker should not be able to either.
 */
public final class DecryptionException extends RuntimeException {
  public DecryptionException(String message) {
    super(message);
  }

  public DecryptionException(String message, Throwable cause) {
    super(message, cause);
  }
}
