package dev.dm3relay.protocol.delivery;

import dev.dm3relay.protocol.auth.Jwt;
import dev.dm3relay.protocol.crypto.Ed25519;
import dev.dm3relay.protocol.crypto.KeyPair;
import dev.dm3relay.protocol.crypto.X25519Kx;
import dev.dm3relay.protocol.model.DeliveryServiceProfile;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * A delivery service's keys, in the reference's environment formats (§3.1): Ed25519 signing key
 * (private = 64 bytes seed ‖ public) and X25519 encryption key, each base64. The JWT server secret
 * is derived from the signing key, so two services with the same keys accept each other's tokens.
 */
public record DeliveryServiceIdentity(KeyPair signing, KeyPair encryption) {

  private static final byte[] X25519_BASE_POINT = basePoint();

  /**
   * Keys from the four base64 settings {@code SIGNING_PUBLIC_KEY}, {@code SIGNING_PRIVATE_KEY},
   * {@code ENCRYPTION_PUBLIC_KEY}, {@code ENCRYPTION_PRIVATE_KEY}.
   *
   * @throws IllegalArgumentException naming the setting that is malformed or does not match its pair
   */
  public static DeliveryServiceIdentity fromBase64(
      String signingPublicKey, String signingPrivateKey, String encryptionPublicKey, String encryptionPrivateKey) {
    byte[] signPub = decode("SIGNING_PUBLIC_KEY", signingPublicKey, 32);
    byte[] signPriv = decode("SIGNING_PRIVATE_KEY", signingPrivateKey, 64);
    byte[] encPub = decode("ENCRYPTION_PUBLIC_KEY", encryptionPublicKey, 32);
    byte[] encPriv = decode("ENCRYPTION_PRIVATE_KEY", encryptionPrivateKey, 32);
    KeyPair derived = Ed25519.seedKeyPair(Arrays.copyOf(signPriv, 32));
    if (!MessageDigest.isEqual(derived.publicKey(), signPub)
        || !MessageDigest.isEqual(Arrays.copyOfRange(signPriv, 32, 64), signPub)) {
      throw new IllegalArgumentException("SIGNING_PUBLIC_KEY does not belong to SIGNING_PRIVATE_KEY");
    }
    if (!MessageDigest.isEqual(X25519Kx.sharedSecret(encPriv, X25519_BASE_POINT), encPub)) {
      throw new IllegalArgumentException("ENCRYPTION_PUBLIC_KEY does not belong to ENCRYPTION_PRIVATE_KEY");
    }
    return new DeliveryServiceIdentity(new KeyPair(signPub, signPriv), new KeyPair(encPub, encPriv));
  }

  /** Fresh random keys, for a relay started without configured keys. */
  public static DeliveryServiceIdentity generate(SecureRandom random) {
    byte[] signSeed = new byte[32];
    random.nextBytes(signSeed);
    byte[] encSeed = new byte[32];
    random.nextBytes(encSeed);
    return new DeliveryServiceIdentity(Ed25519.seedKeyPair(signSeed), X25519Kx.seedKeyPair(encSeed));
  }

  public String signingPublicKeyBase64() {
    return b64(signing.publicKey());
  }

  public String signingPrivateKeyBase64() {
    return b64(signing.privateKey());
  }

  public String encryptionPublicKeyBase64() {
    return b64(encryption.publicKey());
  }

  public String encryptionPrivateKeyBase64() {
    return b64(encryption.privateKey());
  }

  /** The token service keyed by this identity's server secret (§3.7). */
  public Jwt jwt() {
    return Jwt.forSigningPrivateKey(signing.privateKey());
  }

  /** The profile to publish in ENS ({@code network.dm3.deliveryService}) for a service at {@code url}. */
  public DeliveryServiceProfile profile(String url) {
    return new DeliveryServiceProfile(signingPublicKeyBase64(), encryptionPublicKeyBase64(), url);
  }

  /** Never prints private keys (records print their components by default). */
  @Override
  public String toString() {
    return "DeliveryServiceIdentity[signing=" + signingPublicKeyBase64() + ", encryption=" + encryptionPublicKeyBase64() + "]";
  }

  private static byte[] decode(String setting, String base64, int length) {
    if (base64 == null || base64.isBlank()) {
      throw new IllegalArgumentException(setting + " is not set");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(setting + " is not base64");
    }
    if (bytes.length != length) {
      throw new IllegalArgumentException(setting + " must be " + length + " bytes, is " + bytes.length);
    }
    return bytes;
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static byte[] basePoint() {
    byte[] u = new byte[32];
    u[0] = 9;
    return u;
  }
}
