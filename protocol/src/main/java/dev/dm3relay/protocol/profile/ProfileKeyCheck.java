package dev.dm3relay.protocol.profile;

import dev.dm3relay.protocol.crypto.X25519Kx;
import dev.dm3relay.protocol.model.UserProfile;
import java.util.Base64;
import java.util.Optional;

/**
 * Whether a profile's public keys can be used at all. The profile signature proves who published
 * a profile, not that its keys work: a zero or low-order encryption key makes every postmark sealed
 * for it readable by anyone (X25519 with such a point yields a fixed shared secret), and a key that
 * is not 32 bytes of base64 fails every later operation. Such a profile is refused where it enters.
 */
public final class ProfileKeyCheck {

  /** Any scalar detects a low-order point: the clamped scalar is a multiple of the cofactor 8. */
  private static final byte[] PROBE_SCALAR = new byte[32];

  static {
    PROBE_SCALAR[0] = 0x5a;
    PROBE_SCALAR[31] = 0x41;
  }

  private ProfileKeyCheck() {}

  /** Why the profile's keys are unusable, or empty when both are fine. */
  public static Optional<String> problem(UserProfile profile) {
    byte[] encryption = decode32(profile.publicEncryptionKey());
    if (encryption == null) {
      return Optional.of("publicEncryptionKey must be the base64 of 32 bytes");
    }
    try {
      X25519Kx.sharedSecret(PROBE_SCALAR, encryption);
    } catch (IllegalArgumentException lowOrder) {
      return Optional.of("publicEncryptionKey is a low-order X25519 point");
    }
    byte[] signing = decode32(profile.publicSigningKey());
    if (signing == null) {
      return Optional.of("publicSigningKey must be the base64 of 32 bytes");
    }
    if (!org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyFull(signing, 0)) {
      return Optional.of("publicSigningKey is not a valid Ed25519 public key");
    }
    return Optional.empty();
  }

  private static byte[] decode32(String base64) {
    if (base64 == null) {
      return null;
    }
    try {
      byte[] bytes = Base64.getDecoder().decode(base64);
      return bytes.length == 32 ? bytes : null;
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
  }
}
