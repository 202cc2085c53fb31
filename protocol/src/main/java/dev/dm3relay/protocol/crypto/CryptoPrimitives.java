package dev.dm3relay.protocol.crypto;

/**
 * The curve and cipher operations dm3 is built from, behind one seam so that the relay can run on
 * native libsodium where it loads and on pure Java where it does not, byte for byte the same.
 * {@link #active()} is the implementation the rest of this package uses.
 *
 * <p>Implementations are stateless or keep only per-thread scratch state, and are thread-safe.
 */
public interface CryptoPrimitives {

  /** A short name for logs and benchmarks, e.g. {@code "sodium"}. */
  String name();

  /**
   * X25519(privateKey, publicKey) into {@code out32}.
   *
   * @return false when the result is all zero (a low-order public key); libsodium refuses those
   */
  boolean x25519(byte[] privateKey32, byte[] publicKey32, byte[] out32);

  /** X25519(privateKey, 9): the public key of a private key. */
  byte[] x25519PublicKey(byte[] privateKey32);

  /** Unkeyed BLAKE2b with a 32- or 64-byte output over {@code input}. */
  byte[] blake2b(int outputLength, byte[] input);

  /** ChaCha20-Poly1305-IETF without associated data: ciphertext ‖ 16-byte tag. */
  byte[] chachaEncrypt(byte[] key32, byte[] nonce12, byte[] plaintext);

  /**
   * The reverse of {@link #chachaEncrypt}.
   *
   * @return the plaintext, or null when the tag does not verify
   */
  byte[] chachaDecrypt(byte[] key32, byte[] nonce12, byte[] ciphertext);

  /** The Ed25519 public key of a 32-byte seed (RFC 8032). */
  byte[] ed25519PublicKey(byte[] seed32);

  /** A detached Ed25519 signature with a libsodium private key (seed ‖ public key, 64 bytes). */
  byte[] ed25519Sign(byte[] privateKey64, byte[] message);

  /** Whether {@code signature} is a valid Ed25519 signature; never throws for well-sized input. */
  boolean ed25519Verify(byte[] publicKey32, byte[] message, byte[] signature64);

  /** The implementation this package uses: see {@link ActivePrimitives} for how it is chosen. */
  static CryptoPrimitives active() {
    return ActivePrimitives.INSTANCE;
  }

  /** Pure Java ({@link PureJavaPrimitives}: Bouncy Castle, SunJCE for ChaCha20-Poly1305): always available. */
  static CryptoPrimitives pureJava() {
    return ActivePrimitives.PURE_JAVA;
  }
}
