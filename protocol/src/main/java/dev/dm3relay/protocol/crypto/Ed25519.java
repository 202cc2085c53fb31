package dev.dm3relay.protocol.crypto;

/**
 * Ed25519 with libsodium's key layout (§3.1): the private key is 64 bytes, seed ‖ public key.
 * Signatures are detached, 64 bytes.
 */
public final class Ed25519 {

  public static final int SIGNATURE_LENGTH = 64;

  private Ed25519() {}

  /** {@code crypto_sign_seed_keypair}: the RFC 8032 key of the seed, private key = seed ‖ public. */
  public static KeyPair seedKeyPair(byte[] seed32) {
    if (seed32 == null || seed32.length != 32) {
      throw new IllegalArgumentException("Ed25519 seed must be 32 bytes");
    }
    byte[] publicKey = CryptoPrimitives.active().ed25519PublicKey(seed32);
    byte[] privateKey = new byte[64];
    System.arraycopy(seed32, 0, privateKey, 0, 32);
    System.arraycopy(publicKey, 0, privateKey, 32, 32);
    return new KeyPair(publicKey, privateKey);
  }

  /**
   * Signs {@code message} with a 64-byte libsodium private key.
   *
   * @throws IllegalArgumentException when the key is not 64 bytes
   */
  public static byte[] sign(byte[] privateKey64, byte[] message) {
    if (privateKey64 == null || privateKey64.length != 64) {
      throw new IllegalArgumentException("Ed25519 private key must be 64 bytes (seed ‖ public key)");
    }
    return CryptoPrimitives.active().ed25519Sign(privateKey64, message);
  }

  /** Whether {@code signature} signs {@code message} under {@code publicKey32}; false for any malformed input. */
  public static boolean verify(byte[] publicKey32, byte[] message, byte[] signature) {
    if (publicKey32 == null || publicKey32.length != 32 || message == null
        || signature == null || signature.length != SIGNATURE_LENGTH) {
      return false;
    }
    try {
      return CryptoPrimitives.active().ed25519Verify(publicKey32, message, signature);
    } catch (RuntimeException malformed) {
      return false;
    }
  }
}
