package dev.dm3relay.protocol.crypto;

import java.util.Arrays;
import java.util.Base64;

/**
 * The raw bytes of a dm3 EncryptedPayload (§2.2): ciphertext ‖ tag, the sender's ephemeral X25519
 * public key and the 12-byte nonce. The arrays are not copied.
 */
public record SealedPayload(byte[] ciphertext, byte[] ephemPublicKey, byte[] nonce) {

  /**
   * Reads the JSON fields of an EncryptedPayload: {@code ciphertext} (base64), {@code ephemPublicKey}
   * (base64) and {@code nonce} ({@code 0x} hex).
   *
   * @throws DecryptionException when a field is missing or not valid base64/hex: such a payload can
   *     never be opened, and callers treat it like any other undecryptable one
   */
  public static SealedPayload fromEncoded(String ciphertextBase64, String ephemPublicKeyBase64, String nonceHex) {
    if (ciphertextBase64 == null || ephemPublicKeyBase64 == null || nonceHex == null) {
      throw new DecryptionException("encrypted payload lacks its ciphertext, ephemPublicKey or nonce");
    }
    try {
      Base64.Decoder decoder = Base64.getDecoder();
      return new SealedPayload(
          decoder.decode(ciphertextBase64), decoder.decode(ephemPublicKeyBase64), Hex.decode(nonceHex));
    } catch (IllegalArgumentException e) {
      throw new DecryptionException("encrypted payload is not valid base64/hex: " + e.getMessage(), e);
    }
  }

  public String ciphertextBase64() {
    return Base64.getEncoder().encodeToString(ciphertext);
  }

  public String ephemPublicKeyBase64() {
    return Base64.getEncoder().encodeToString(ephemPublicKey);
  }

  /** {@code 0x} + lower-case hex, as the dm3 clients write the nonce. */
  public String nonceHex() {
    return Hex.prefixed(nonce);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SealedPayload that
        && Arrays.equals(ciphertext, that.ciphertext)
        && Arrays.equals(ephemPublicKey, that.ephemPublicKey)
        && Arrays.equals(nonce, that.nonce);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(ciphertext) * 961 + Arrays.hashCode(ephemPublicKey) * 31 + Arrays.hashCode(nonce);
  }

  @Override
  public String toString() {
    return "SealedPayload[ciphertext=<" + length(ciphertext) + " bytes>, ephemPublicKey="
        + (ephemPublicKey == null ? "null" : ephemPublicKeyBase64()) + ", nonce="
        + (nonce == null ? "null" : nonceHex()) + "]";
  }

  private static String length(byte[] bytes) {
    return bytes == null ? "null" : Integer.toString(bytes.length);
  }
}
