package dev.dm3relay.protocol.crypto;

import java.util.Arrays;
import java.util.Base64;

/**
 * A raw key pair as dm3 stores it: X25519 (32 + 32 bytes) or Ed25519 (32-byte public key, 64-byte
 * private key = seed ‖ public key). The arrays are not copied: do not modify them after handing
 * them over.
 */
public record KeyPair(byte[] publicKey, byte[] privateKey) {

  public KeyPair {
    if (publicKey == null || privateKey == null) {
      throw new IllegalArgumentException("a key pair needs both keys");
    }
  }

  /** Reads the standard-base64 encoding dm3 profiles and env files use. */
  public static KeyPair fromBase64(String publicKeyBase64, String privateKeyBase64) {
    Base64.Decoder decoder = Base64.getDecoder();
    return new KeyPair(decoder.decode(publicKeyBase64), decoder.decode(privateKeyBase64));
  }

  public String publicKeyBase64() {
    return Base64.getEncoder().encodeToString(publicKey);
  }

  public String privateKeyBase64() {
    return Base64.getEncoder().encodeToString(privateKey);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof KeyPair that
        && Arrays.equals(publicKey, that.publicKey)
        && Arrays.equals(privateKey, that.privateKey);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(publicKey) + Arrays.hashCode(privateKey);
  }

  /** Shows the public key only, so that a logged key pair never leaks its private half. */
  @Override
  public String toString() {
    return "KeyPair[publicKey=" + publicKeyBase64() + ", privateKey=<" + privateKey.length + " bytes>]";
  }
}
