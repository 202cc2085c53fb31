package dev.dm3relay.node.notification;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dm3relay.node.ens.PublicHttp;
import dev.dm3relay.protocol.json.Json;
import java.math.BigInteger;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * Web push to a browser's push service: the payload encrypted for the subscription (RFC 8291,
 * {@code aes128gcm} of RFC 8188) and the request signed by the relay's VAPID key (RFC 8292).
 *
 * <p>Written on the JDK's P-256, ECDH, AES-GCM and ECDSA and Bouncy Castle's HKDF rather than with
 * {@code nl.martijndwars:web-push}: that library brings a second Bouncy Castle (jdk15on, clashing
 * with our jdk18on) and its own Apache HTTP client, while the request must go through {@link
 * PublicHttp} (public addresses only, one deadline, bounded reply, no redirects), since the
 * endpoint is a URL a stranger chose. What remains is the few steps of the RFCs, checked against
 * RFC 8291's example in the tests and against the {@code web-push} npm package's decryption.
 */
public final class WebPush {

  /** A browser's PushSubscription as the dm3 client stores it (the channel's recipientValue). */
  public record Subscription(URI endpoint, byte[] p256dh, byte[] auth) {

    /**
     * Parses and checks {@code {"endpoint":…,"keys":{"p256dh":…,"auth":…}}}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static Subscription parse(String json) {
      JsonNode node;
      try {
        node = Json.parse(json);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("the push subscription is not JSON");
      }
      String endpoint = node.path("endpoint").textValue();
      String p256dh = node.path("keys").path("p256dh").textValue();
      String auth = node.path("keys").path("auth").textValue();
      if (endpoint == null || endpoint.isEmpty() || p256dh == null || auth == null) {
        throw new IllegalArgumentException("the push subscription needs endpoint, keys.p256dh and keys.auth");
      }
      URI uri;
      try {
        uri = new URI(endpoint);
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException("the push endpoint is not a URL");
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
      if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null || uri.getRawUserInfo() != null) {
        throw new IllegalArgumentException("the push endpoint is not an http(s) URL with a host");
      }
      byte[] key = decode(p256dh, "keys.p256dh");
      byte[] secret = decode(auth, "keys.auth");
      if (key.length != 65 || key[0] != 4) {
        throw new IllegalArgumentException("keys.p256dh is not an uncompressed P-256 point");
      }
      if (secret.length != 16) {
        throw new IllegalArgumentException("keys.auth is not 16 bytes");
      }
      try {
        publicKey(key); // on the curve
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        throw new IllegalArgumentException("keys.p256dh is not a P-256 public key");
      }
      return new Subscription(uri, key, secret);
    }

    private static byte[] decode(String text, String field) {
      try {
        return Base64.getUrlDecoder().decode(text.replace("=", ""));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(field + " is not base64url");
      }
    }
  }

  /** How a push ended. */
  public enum Outcome {
    DELIVERED,
    /** 404 or 410: the subscription is gone; forget it. */
    GONE,
    /** 429, 5xx or a network failure: try again later. */
    TRANSIENT,
    /** Any other refusal, or an endpoint we do not talk to: trying again would not help. */
    REJECTED
  }

  /** The record size we declare: one record holds any notification we send. */
  static final int RECORD_SIZE = 4096;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final NotificationSettings.Push settings;
  private final PublicHttp http;
  private final PrivateKey vapidKey;

  public WebPush(NotificationSettings.Push settings, PublicHttp http) {
    this.settings = settings;
    this.http = http;
    try {
      this.vapidKey = privateKey(settings.privateKey());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("VAPID_PRIVATE_KEY is not a P-256 private key", e);
    }
  }

  /** The image URL of the new-message payload. */
  public String image() {
    return settings.image();
  }

  /** Encrypts {@code payload} for the subscription and posts it to its endpoint. */
  public CompletionStage<Outcome> send(Subscription subscription, byte[] payload, long nowSeconds) {
    byte[] body;
    String jwt;
    try {
      body = encrypt(subscription.p256dh(), subscription.auth(), payload, newKeyPair(), randomSalt());
      jwt = vapidToken(audience(subscription.endpoint()), nowSeconds + 12 * 3600, settings.subject(), vapidKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("P-256 and AES-GCM are in every Java 17 runtime", e);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "vapid t=" + jwt + ", k=" + Base64.getUrlEncoder().withoutPadding().encodeToString(settings.publicKey()));
    headers.put("Content-Encoding", "aes128gcm");
    headers.put("TTL", Long.toString(settings.ttl().toSeconds()));
    headers.put("Urgency", "normal");
    return http.post(
            subscription.endpoint(),
            headers,
            body,
            "application/octet-stream",
            settings.timeout(),
            (int) Math.min(Integer.MAX_VALUE, settings.maxResponseBytes()))
        .handle(
            (reply, failure) -> {
              if (failure != null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : failure;
                return cause instanceof PublicHttp.RefusedTargetException ? Outcome.REJECTED : Outcome.TRANSIENT;
              }
              int status = reply.status();
              if (status >= 200 && status < 300) {
                return Outcome.DELIVERED;
              }
              if (status == 404 || status == 410) {
                return Outcome.GONE;
              }
              return status == 429 || status >= 500 ? Outcome.TRANSIENT : Outcome.REJECTED;
            });
  }

  /** The origin of the endpoint: the {@code aud} claim (RFC 8292 §2). */
  static String audience(URI endpoint) {
    String scheme = endpoint.getScheme().toLowerCase(java.util.Locale.ROOT);
    int port = endpoint.getPort();
    boolean defaultPort = port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
    return scheme + "://" + endpoint.getHost().toLowerCase(java.util.Locale.ROOT) + (defaultPort ? "" : ":" + port);
  }

  /** An ES256 JWT {@code {"aud","exp","sub"}}: the VAPID token (RFC 8292 §2). */
  static String vapidToken(String audience, long expiresAtSeconds, String subject, PrivateKey key) throws GeneralSecurityException {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    var claims = Json.newObject();
    claims.put("aud", audience);
    claims.put("exp", expiresAtSeconds);
    claims.put("sub", subject);
    String input =
        b64.encodeToString("{\"typ\":\"JWT\",\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
    Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
    ecdsa.initSign(key);
    ecdsa.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + b64.encodeToString(ecdsa.sign());
  }

  /**
   * The {@code aes128gcm} body of RFC 8291 §3.4: header (salt, record size, the sender's public
   * key) and one record of the payload with its delimiter, encrypted.
   */
  static byte[] encrypt(byte[] uaPublic, byte[] authSecret, byte[] payload, KeyPair sender, byte[] salt)
      throws GeneralSecurityException {
    if (payload.length + 1 + 16 > RECORD_SIZE) {
      throw new IllegalArgumentException("a push payload is at most " + (RECORD_SIZE - 17) + " bytes");
    }
    byte[] asPublic = encode((ECPublicKey) sender.getPublic());
    KeyAgreement ecdh = KeyAgreement.getInstance("ECDH");
    ecdh.init(sender.getPrivate());
    ecdh.doPhase(publicKey(uaPublic), true);
    byte[] sharedSecret = ecdh.generateSecret();
    // RFC 8291 §3.3: IKM from the ECDH secret, keyed by the auth secret, bound to both public keys
    byte[] keyInfo = concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), uaPublic, asPublic);
    byte[] ikm = hkdf(authSecret, sharedSecret, keyInfo, 32);
    byte[] cek = hkdf(salt, ikm, "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII), 16);
    byte[] nonce = hkdf(salt, ikm, "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII), 12);
    Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
    aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
    byte[] record = aes.doFinal(concat(payload, new byte[] {2})); // 0x02: the last record, no padding
    return ByteBuffer.allocate(16 + 4 + 1 + asPublic.length + record.length)
        .put(salt)
        .putInt(RECORD_SIZE)
        .put((byte) asPublic.length)
        .put(asPublic)
        .put(record)
        .array();
  }

  private static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(ikm, salt, info));
    byte[] out = new byte[length];
    hkdf.generateBytes(out, 0, length);
    return out;
  }

  static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static byte[] randomSalt() {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return salt;
  }

  static ECParameterSpec p256() throws GeneralSecurityException {
    AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
    parameters.init(new ECGenParameterSpec("secp256r1"));
    return parameters.getParameterSpec(ECParameterSpec.class);
  }

  /** An uncompressed point (0x04 ‖ x ‖ y) as a key; the JDK refuses a point not on the curve. */
  static PublicKey publicKey(byte[] uncompressed) throws GeneralSecurityException {
    if (uncompressed.length != 65 || uncompressed[0] != 4) {
      throw new IllegalArgumentException("not an uncompressed P-256 point");
    }
    ECPoint w =
        new ECPoint(
            new BigInteger(1, Arrays.copyOfRange(uncompressed, 1, 33)), new BigInteger(1, Arrays.copyOfRange(uncompressed, 33, 65)));
    return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, p256()));
  }

  static PrivateKey privateKey(byte[] scalar) throws GeneralSecurityException {
    return KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(new BigInteger(1, scalar), p256()));
  }

  static byte[] encode(ECPublicKey key) {
    byte[] out = new byte[65];
    out[0] = 4;
    copyFixed(key.getW().getAffineX().toByteArray(), out, 1);
    copyFixed(key.getW().getAffineY().toByteArray(), out, 33);
    return out;
  }

  private static void copyFixed(byte[] unsigned, byte[] out, int offset) {
    int skip = Math.max(0, unsigned.length - 32);
    int length = unsigned.length - skip;
    System.arraycopy(unsigned, skip, out, offset + 32 - length, length);
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] p : parts) {
      length += p.length;
    }
    ByteBuffer out = ByteBuffer.allocate(length);
    for (byte[] p : parts) {
      out.put(p);
    }
    return out.array();
  }
}
