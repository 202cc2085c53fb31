package dev.dm3relay.protocol.crypto;

/**
 * dm3's symmetric {@code encrypt}/{@code decrypt} (§3.3, TV5): ChaCha20-Poly1305-IETF over the
 * 2048-padded plaintext with a 32-byte key and a 12-byte nonce. Clients use it for their own
 * storage; the relay only needs it for interop tests.
 */
public final class SymmetricEncryption {

  private SymmetricEncryption() {}

  /**
   * Pads and encrypts; the result is ciphertext ‖ 16-byte tag.
   *
   * @throws IllegalArgumentException for a key that is not 32 bytes or a nonce that is not 12
   */
  public static byte[] encrypt(byte[] key32, byte[] nonce12, byte[] plaintext) {
    requireSizes(key32, nonce12);
    return CryptoPrimitives.active().chachaEncrypt(key32, nonce12, Padding.pad2048(plaintext));
  }

  /**
   * Decrypts and unpads.
   *
   * @throws DecryptionException for a wrong key or nonce, damaged bytes, bad padding, or a key or
   *     nonce of the wrong size
   */
  public static byte[] decrypt(byte[] key32, byte[] nonce12, byte[] ciphertext) {
    try {
      requireSizes(key32, nonce12);
    } catch (IllegalArgumentException e) {
      throw new DecryptionException(e.getMessage(), e);
    }
    if (ciphertext == null) {
      throw new DecryptionException("no ciphertext");
    }
    byte[] padded = CryptoPrimitives.active().chachaDecrypt(key32, nonce12, ciphertext);
    if (padded == null) {
      throw new DecryptionException("authentication failed: wrong key or nonce, or damaged ciphertext");
    }
    try {
      return Padding.unpad2048(padded);
    } catch (IllegalArgumentException badPadding) {
      throw new DecryptionException(badPadding.getMessage(), badPadding);
    }
  }

  private static void requireSizes(byte[] key32, byte[] nonce12) {
    if (key32 == null || key32.length != 32) {
      throw new IllegalArgumentException("key must be 32 bytes");
    }
    if (nonce12 == null || nonce12.length != 12) {
      throw new IllegalArgumentException("nonce must be 12 bytes");
    }
  }
}
