package dev.dm3relay.protocol.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.crypto.digests.KeccakDigest;

/** The hash functions dm3 uses, with the text renderings of the reference code. */
public final class Hashes {

  // One digest per thread: MessageDigest.getInstance walks the provider list on every call, which
  // costs more than hashing a short text.
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Hashes::newSha256);
  private static final ThreadLocal<KeccakDigest> KECCAK256 = ThreadLocal.withInitial(() -> new KeccakDigest(256));

  private Hashes() {}

  /** SHA-256 through the JDK provider: its intrinsics make it several times faster than BC's. */
  public static byte[] sha256(byte[] data) {
    return SHA256.get().digest(data);
  }

  /** {@code sha256hex(s)}: SHA-256 of the UTF-8 bytes of {@code text}, as {@code 0x} + lower-case hex. */
  public static String sha256Hex(String text) {
    return Hex.prefixed(sha256(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Ethereum's Keccak-256 (the pre-standard padding, not SHA3-256). */
  public static byte[] keccak256(byte[] data) {
    return keccak256(data, null);
  }

  /** Keccak-256 of {@code first} ‖ {@code second} without concatenating them; {@code second} may be null. */
  static byte[] keccak256(byte[] first, byte[] second) {
    KeccakDigest digest = KECCAK256.get();
    digest.update(first, 0, first.length);
    if (second != null) {
      digest.update(second, 0, second.length);
    }
    byte[] out = new byte[32];
    digest.doFinal(out, 0);
    return out;
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java 17 runtime has SHA-256", e);
    }
  }
}
