package dev.dm3relay.protocol.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Chooses the {@link CryptoPrimitives} once per JVM: native libsodium when it loads and reproduces
 * a set of known answers, otherwise pure Java. The system property {@code dm3.crypto.primitives}
 * ({@code auto}, {@code sodium}, {@code java}, {@code bc}, {@code jdk}) overrides the choice;
 * {@code sodium} then fails loudly instead of falling back.
 */
final class ActivePrimitives {

  static final String PROPERTY = "dm3.crypto.primitives";

  private static final Logger LOG = Logger.getLogger(ActivePrimitives.class.getName());

  static final CryptoPrimitives PURE_JAVA = new PureJavaPrimitives();

  static final CryptoPrimitives INSTANCE = choose(System.getProperty(PROPERTY, "auto"));

  private ActivePrimitives() {}

  static CryptoPrimitives choose(String wanted) {
    switch (wanted) {
      case "java":
        return PURE_JAVA;
      case "bc":
        return new BouncyCastlePrimitives();
      case "jdk":
        return new JdkPrimitives();
      case "sodium":
        return selfTested(SodiumPrimitives.load());
      case "auto":
        return nativeOrPureJava(SodiumPrimitives::load);
      default:
        throw new IllegalArgumentException(PROPERTY + " must be auto, sodium, java, bc or jdk, not " + wanted);
    }
  }

  /** The native implementation if it loads and passes {@link #selfTested}, else pure Java. */
  static CryptoPrimitives nativeOrPureJava(Supplier<CryptoPrimitives> loadNative) {
    try {
      return selfTested(loadNative.get());
    } catch (Throwable nativeUnavailable) { // UnsatisfiedLinkError and other Errors included: any of them means "no native"
      LOG.log(Level.WARNING, "libsodium unavailable, using pure-Java crypto: " + nativeUnavailable);
      return PURE_JAVA;
    }
  }

  /**
   * Runs the dm3 known-answer vectors (§8 TV1–TV3, TV5) through {@code candidate}: a native library
   * that loads but computes something else must never be used.
   */
  static CryptoPrimitives selfTested(CryptoPrimitives candidate) {
    Base64.Decoder b64 = Base64.getDecoder();
    byte[] seed = b64.decode("+DpeBjCzICFoi743/466yJunsHR55Bhr3GnqcS4cuJU=");
    check(candidate, "BLAKE2b-256", candidate.blake2b(32, seed),
        b64.decode("pMI77F2w3GK+omZCB4A61WDqISOOnWGXR2f/MTLbqbY="));
    check(candidate, "X25519 base", candidate.x25519PublicKey(b64.decode("pMI77F2w3GK+omZCB4A61WDqISOOnWGXR2f/MTLbqbY=")),
        b64.decode("eHmMq29FeiPKfNPkSctPuZGXvV0sKeO/KZkX2nXvMgw="));
    byte[] shared = new byte[32];
    candidate.x25519(b64.decode("OBtMkSUhJwVjdte6xz96+kXsQxV/S4qHJoMf5/EG1dM="),
        b64.decode("C5hCU3FnHD7Laz0t8O33pF6cdkNm6jDE6LOlrhJEUHc="), shared);
    check(candidate, "X25519", shared, Hex.decode("6bef6c51045f676294af3f9303c7d6b2d340257856ded77e558eb3a76b1de639"));
    byte[] signingKey = b64.decode(
        "fxIyJnMWNyzEma5dTFIgFEHbMhOcUZ1iq6pQN12r4cnuetAM8Rj+7io58EmfWSmV/KCWVfZW/UB9SjYAy4Ljkw==");
    byte[] message = "test".getBytes(StandardCharsets.UTF_8);
    byte[] signature = candidate.ed25519Sign(signingKey, message);
    check(candidate, "Ed25519 sign", signature, b64.decode(
        "9x18lnf1Dp65hseNuL8M9LL8x4kYy3ci2uMF3ncScD93jwdExjBBSPM0s3b4+2+6LEeLZECX1+bUE/usUqakAA=="));
    if (!candidate.ed25519Verify(Arrays.copyOfRange(signingKey, 32, 64), message, signature)) {
      throw new IllegalStateException(candidate.name() + " rejects a valid Ed25519 signature");
    }
    byte[] nonce = Hex.decode("0xb1aa67ea26d152dfdc60c0ce");
    byte[] ciphertext = candidate.chachaEncrypt(seed, nonce, Padding.pad2048(message));
    check(candidate, "ChaCha20-Poly1305", Hashes.sha256(ciphertext),
        Hex.decode("0x9edacef66f7973af2a2bd31a650edb7e7043d6a855b769682b0d4100aa33ebe3"));
    if (!Arrays.equals(candidate.chachaDecrypt(seed, nonce, ciphertext), Padding.pad2048(message))) {
      throw new IllegalStateException(candidate.name() + " does not decrypt its own ChaCha20-Poly1305");
    }
    return candidate;
  }

  private static void check(CryptoPrimitives candidate, String step, byte[] actual, byte[] expected) {
    if (!Arrays.equals(actual, expected)) {
      throw new IllegalStateException(candidate.name() + " computes a wrong " + step);
    }
  }
}
