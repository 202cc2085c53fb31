package dev.dm3relay.protocol.crypto;

import java.security.SecureRandom;

/** X25519 key exchange as libsodium's {@code crypto_kx} does it (§3.1, §3.2). */
public final class X25519Kx {

  public static final int KEY_LENGTH = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private X25519Kx() {}

  /** {@code crypto_kx_seed_keypair}: private key = BLAKE2b-256(seed), public key = X25519(private, 9). */
  public static KeyPair seedKeyPair(byte[] seed32) {
    requireLength(seed32, "seed");
    CryptoPrimitives primitives = CryptoPrimitives.active();
    byte[] privateKey = primitives.blake2b(32, seed32);
    return new KeyPair(primitives.x25519PublicKey(privateKey), privateKey);
  }

  /** {@code crypto_kx_keypair}: 32 random bytes as the private key (clamping happens in X25519). */
  public static KeyPair generate() {
    byte[] privateKey = new byte[KEY_LENGTH];
    RANDOM.nextBytes(privateKey);
    return new KeyPair(CryptoPrimitives.active().x25519PublicKey(privateKey), privateKey);
  }

  /**
   * X25519(priv, pub).
   *
   * @throws IllegalArgumentException for keys that are not 32 bytes, and for a low-order public key
   *     (all-zero result), which libsodium refuses too
   */
  public static byte[] sharedSecret(byte[] privateKey32, byte[] publicKey32) {
    requireLength(privateKey32, "private key");
    requireLength(publicKey32, "public key");
    byte[] shared = new byte[KEY_LENGTH];
    if (!CryptoPrimitives.active().x25519(privateKey32, publicKey32, shared)) {
      throw new IllegalArgumentException("X25519 public key has low order: the shared secret is zero");
    }
    return shared;
  }

  private static void requireLength(byte[] key, String what) {
    if (key == null || key.length != KEY_LENGTH) {
      throw new IllegalArgumentException(
          "X25519 " + what + " must be 32 bytes, not " + (key == null ? "missing" : key.length));
    }
  }
}
