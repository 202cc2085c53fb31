package dev.dm3relay.protocol.crypto;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * dm3's {@code encryptAsymmetric}/{@code decryptAsymmetric} (§3.2): an ephemeral X25519 key, the
 * libsodium {@code crypto_kx} session key, and ChaCha20-Poly1305-IETF over the 2048-padded text.
 */
public final class AsymmetricEncryption {

  public static final int NONCE_LENGTH = 12;

  private static final int TAG_LENGTH = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private AsymmetricEncryption() {}

  /** Encrypts for {@code recipientPublicKey} with a fresh ephemeral key and a random nonce. */
  public static SealedPayload encrypt(byte[] recipientPublicKey, byte[] plaintext) {
    return encrypt(recipientPublicKey, plaintext, X25519Kx.generate(), randomNonce());
  }

  /** Encrypts with an ephemeral key from {@code pool} (generated ahead, off the request path). */
  public static SealedPayload encrypt(byte[] recipientPublicKey, byte[] plaintext, EphemeralKeyPool pool) {
    return encrypt(recipientPublicKey, plaintext, pool.take(), randomNonce());
  }

  /**
   * Encrypts with the given ephemeral key pair and nonce. Each ephemeral key must be used once
   * only; reproducing a vector is the one reason to pass a fixed one.
   *
   * @throws IllegalArgumentException for keys or a nonce of the wrong size, or a low-order
   *     recipient key
   */
  public static SealedPayload encrypt(
      byte[] recipientPublicKey, byte[] plaintext, KeyPair ephemeral, byte[] nonce) {
    if (nonce == null || nonce.length != NONCE_LENGTH) {
      throw new IllegalArgumentException("nonce must be 12 bytes");
    }
    byte[] shared = X25519Kx.sharedSecret(ephemeral.privateKey(), recipientPublicKey);
    byte[] key = messageKey(shared, ephemeral.publicKey(), recipientPublicKey);
    byte[] ciphertext = CryptoPrimitives.active().chachaEncrypt(key, nonce, Padding.pad2048(plaintext));
    return new SealedPayload(ciphertext, ephemeral.publicKey(), nonce);
  }

  /**
   * Opens a payload sent to {@code recipient} and strips the padding.
   *
   * @throws DecryptionException for every failure: wrong key, damaged bytes, bad padding, or a
   *     missing or wrong-sized ephemeral key or nonce
   */
  public static byte[] decrypt(KeyPair recipient, SealedPayload payload) {
    if (payload == null || payload.ciphertext() == null) {
      throw new DecryptionException("no ciphertext");
    }
    if (payload.ephemPublicKey() == null || payload.ephemPublicKey().length != X25519Kx.KEY_LENGTH) {
      throw new DecryptionException("ephemPublicKey is missing or not 32 bytes");
    }
    if (payload.nonce() == null || payload.nonce().length != NONCE_LENGTH) {
      throw new DecryptionException("nonce is missing or not 12 bytes");
    }
    if (payload.ciphertext().length < Padding.BLOCK_SIZE + TAG_LENGTH) {
      throw new DecryptionException(
          "ciphertext is " + payload.ciphertext().length + " bytes; a padded one has at least 2064");
    }
    if (recipient.privateKey().length != X25519Kx.KEY_LENGTH || recipient.publicKey().length != X25519Kx.KEY_LENGTH) {
      throw new IllegalArgumentException("recipient must be an X25519 key pair (32-byte keys)");
    }
    byte[] shared = new byte[X25519Kx.KEY_LENGTH];
    CryptoPrimitives primitives = CryptoPrimitives.active();
    if (!primitives.x25519(recipient.privateKey(), payload.ephemPublicKey(), shared)) {
      throw new DecryptionException("ephemPublicKey has low order");
    }
    byte[] key = messageKey(shared, payload.ephemPublicKey(), recipient.publicKey());
    byte[] padded = primitives.chachaDecrypt(key, payload.nonce(), payload.ciphertext());
    if (padded == null) {
      throw new DecryptionException("authentication failed: wrong key or damaged ciphertext, nonce or ephemeral key");
    }
    try {
      return Padding.unpad2048(padded);
    } catch (IllegalArgumentException badPadding) {
      throw new DecryptionException(badPadding.getMessage(), badPadding);
    }
  }

  /** 12 random bytes from a {@link SecureRandom}. */
  public static byte[] randomNonce() {
    byte[] nonce = new byte[NONCE_LENGTH];
    RANDOM.nextBytes(nonce);
    return nonce;
  }

  /**
   * The sender's {@code crypto_kx} "tx" key, which is the receiver's "rx" key:
   * BLAKE2b-512(shared ‖ ephemeral public ‖ recipient public)[32..64).
   */
  static byte[] messageKey(byte[] shared, byte[] ephemeralPublicKey, byte[] recipientPublicKey) {
    return Arrays.copyOfRange(sessionKeys(shared, ephemeralPublicKey, recipientPublicKey), 32, 64);
  }

  /** Both {@code crypto_kx} session keys: client rx = [0..32), client tx = [32..64). */
  static byte[] sessionKeys(byte[] shared, byte[] clientPublicKey, byte[] serverPublicKey) {
    byte[] input = new byte[96];
    System.arraycopy(shared, 0, input, 0, 32);
    System.arraycopy(clientPublicKey, 0, input, 32, 32);
    System.arraycopy(serverPublicKey, 0, input, 64, 32);
    return CryptoPrimitives.active().blake2b(64, input);
  }
}
