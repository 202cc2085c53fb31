package dev.dm3relay.protocol.crypto;

import com.goterl.lazysodium.Sodium;
import com.goterl.lazysodium.SodiumJava;
import com.goterl.lazysodium.utils.LibraryLoader;

/**
 * libsodium, the library the dm3 clients themselves use, through lazysodium's JNA binding. The
 * library comes from the lazysodium jar (a fixed build for each platform), never from the system,
 * so every machine runs the same code.
 */
public final class SodiumPrimitives implements CryptoPrimitives {

  private static final int TAG_LENGTH = 16;

  private final Sodium sodium;

  private SodiumPrimitives(Sodium sodium) {
    this.sodium = sodium;
  }

  /**
   * Loads the bundled libsodium.
   *
   * @throws UnsatisfiedLinkError or another {@link Throwable} when it cannot be loaded here
   */
  public static SodiumPrimitives load() {
    Sodium sodium = new SodiumJava(LibraryLoader.Mode.BUNDLED_ONLY);
    // 0 = initialised now, 1 = already initialised; -1 = the library cannot run.
    if (sodium.sodium_init() < 0) {
      throw new IllegalStateException("sodium_init failed");
    }
    return new SodiumPrimitives(sodium);
  }

  @Override
  public String name() {
    return "sodium";
  }

  @Override
  public boolean x25519(byte[] privateKey32, byte[] publicKey32, byte[] out32) {
    requireLength(privateKey32, 32, "X25519 private key");
    requireLength(publicKey32, 32, "X25519 public key");
    requireLength(out32, 32, "X25519 output");
    return sodium.crypto_scalarmult(out32, privateKey32, publicKey32) == 0;
  }

  @Override
  public byte[] x25519PublicKey(byte[] privateKey32) {
    requireLength(privateKey32, 32, "X25519 private key");
    byte[] publicKey = new byte[32];
    if (sodium.crypto_scalarmult_base(publicKey, privateKey32) != 0) {
      throw new IllegalArgumentException("X25519 private key gives the zero point");
    }
    return publicKey;
  }

  @Override
  public byte[] blake2b(int outputLength, byte[] input) {
    if (outputLength != 32 && outputLength != 64) {
      throw new IllegalArgumentException("BLAKE2b output must be 32 or 64 bytes");
    }
    byte[] out = new byte[outputLength];
    sodium.crypto_generichash(out, outputLength, input, input.length, null, 0);
    return out;
  }

  @Override
  public byte[] chachaEncrypt(byte[] key32, byte[] nonce12, byte[] plaintext) {
    requireLength(key32, 32, "ChaCha20 key");
    requireLength(nonce12, 12, "ChaCha20 nonce");
    byte[] out = new byte[plaintext.length + TAG_LENGTH];
    sodium.crypto_aead_chacha20poly1305_ietf_encrypt(
        out, null, plaintext, plaintext.length, null, 0, null, nonce12, key32);
    return out;
  }

  @Override
  public byte[] chachaDecrypt(byte[] key32, byte[] nonce12, byte[] ciphertext) {
    requireLength(key32, 32, "ChaCha20 key");
    requireLength(nonce12, 12, "ChaCha20 nonce");
    if (ciphertext.length < TAG_LENGTH) {
      return null;
    }
    byte[] out = new byte[ciphertext.length - TAG_LENGTH];
    int status = sodium.crypto_aead_chacha20poly1305_ietf_decrypt(
        out, null, null, ciphertext, ciphertext.length, null, 0, nonce12, key32);
    return status == 0 ? out : null;
  }

  @Override
  public byte[] ed25519PublicKey(byte[] seed32) {
    requireLength(seed32, 32, "Ed25519 seed");
    byte[] publicKey = new byte[32];
    byte[] privateKey = new byte[64];
    sodium.crypto_sign_seed_keypair(publicKey, privateKey, seed32);
    return publicKey;
  }

  @Override
  public byte[] ed25519Sign(byte[] privateKey64, byte[] message) {
    // The native code reads 64 bytes whatever the array holds: check, or it reads past the end.
    requireLength(privateKey64, 64, "Ed25519 private key");
    byte[] signature = new byte[64];
    sodium.crypto_sign_detached(signature, null, message, message.length, privateKey64);
    return signature;
  }

  @Override
  public boolean ed25519Verify(byte[] publicKey32, byte[] message, byte[] signature64) {
    if (publicKey32.length != 32 || signature64.length != 64) {
      return false;
    }
    return sodium.crypto_sign_verify_detached(signature64, message, message.length, publicKey32) == 0;
  }

  /** libsodium trusts every length it is given; Java arrays of the wrong size must never reach it. */
  private static void requireLength(byte[] bytes, int length, String what) {
    if (bytes.length != length) {
      throw new IllegalArgumentException(what + " must be " + length + " bytes, not " + bytes.length);
    }
  }
}
