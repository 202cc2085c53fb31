package dev.dm3relay.protocol.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.protocol.crypto.Hashes;
import dev.dm3relay.protocol.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The reference delivery service's HS256 tokens (§3.7, §4.4), byte-compatible so that tokens issued
 * by either service interoperate when both run with the same signing key.
 *
 * <p>The HMAC key is the UTF-8 text {@code 0x…} of sha256(signing private key), not the 32 raw
 * bytes. Verification pins the algorithm to HS256 (a token that names another algorithm, {@code
 * none} included, is refused before its signature is looked at) and requires exactly the claims the
 * token kind has.
 */
public final class Jwt {

  /** Auth tokens live one hour, challenges 15 minutes, as in the reference. */
  public static final long AUTH_LIFETIME_SECONDS = 3600;

  public static final long CHALLENGE_LIFETIME_SECONDS = 900;

  private static final String HEADER_JSON = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();
  private static final String HEADER = B64URL.encodeToString(HEADER_JSON.getBytes(StandardCharsets.UTF_8));
  private static final Set<String> AUTH_CLAIMS = Set.of("account", "iat", "nbf", "exp");
  private static final Set<String> CHALLENGE_CLAIMS = Set.of("account", "challenge", "iat", "nbf", "exp");

  private final SecretKeySpec key;

  private Jwt(String serverSecret) {
    this.key = new SecretKeySpec(serverSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  /**
   * What a session token is bound to besides its name: the account's address and the signing key
   * of its profile when the challenge was signed. A token stops working when either changes.
   */
  public record AccountKey(String checksummedAddress, String publicSigningKeyBase64) {}

  private static final String SESSION_PURPOSE = "dm3-relay session token v1";
  private static final String RECEIPT_PURPOSE = "dm3-relay profile receipt v1";

  /** A token service keyed like the reference: by sha256hex of the 64-byte signing private key. */
  public static Jwt forSigningPrivateKey(byte[] signingPrivateKey) {
    return new Jwt(serverSecret(signingPrivateKey));
  }

  /** {@code serverSecret} = sha256hex(signing private key bytes), the 66-character text. */
  public static String serverSecret(byte[] signingPrivateKey) {
    return dev.dm3relay.protocol.crypto.Hex.prefixed(Hashes.sha256(signingPrivateKey));
  }

  /** Claims of a verified token. */
  public record Claims(String account, String challenge, long iat, long nbf, long exp) {}

  /** {@code {"account","iat","nbf","exp"}} with exp = iat + 1 h, in the reference's claim order. */
  public String issueAuthToken(String account, long iatSeconds) {
    return sign(authPayload(account, iatSeconds), key);
  }

  private static String authPayload(String account, long iatSeconds) {
    return "{\"account\":" + Json.quote(account)
        + ",\"iat\":" + iatSeconds
        + ",\"nbf\":" + iatSeconds
        + ",\"exp\":" + (iatSeconds + AUTH_LIFETIME_SECONDS) + "}";
  }

  /**
   * A session token: the reference's auth token in every visible byte (header, the claims
   * account/iat/nbf/exp in its order, one hour), signed with a key derived from the server secret
   * and {@code key}, so that it opens the account only while the account keeps that signing key.
   * The relay issues these only after a challenge signed with that key, never for a posted profile.
   */
  public String issueSessionToken(String account, AccountKey key, long iatSeconds) {
    return sign(authPayload(account, iatSeconds), derivedKey(SESSION_PURPOSE, key));
  }

  /** {@link #verifyAuthToken}'s checks, with the key of {@link #issueSessionToken}. */
  public Claims verifySessionToken(String token, String expectedAccount, AccountKey key, long nowSeconds) {
    Claims claims = verify(token, AUTH_CLAIMS, nowSeconds, derivedKey(SESSION_PURPOSE, key));
    if (!claims.account().equals(expectedAccount)) {
      throw new InvalidTokenException("token is for another account");
    }
    return claims;
  }

  /**
   * What {@code POST /profile} answers: shaped like the reference's token (the account claim is
   * the lower-case address) so that clients that store it keep working, but signed with a key no
   * verifier of this relay accepts. A profile is public; posting one proves nothing about who
   * holds its keys, so it must not open the mailbox. Clients log in with a challenge on the 401.
   */
  public String issueRegistrationReceipt(String account, long iatSeconds) {
    return sign(authPayload(account, iatSeconds), derivedKey(RECEIPT_PURPOSE, null));
  }

  /** {@code {"account","challenge","iat","nbf","exp"}} with exp = iat + 15 min. */
  public String issueChallenge(String account, String challenge, long iatSeconds) {
    return sign(
        "{\"account\":" + Json.quote(account)
            + ",\"challenge\":" + Json.quote(challenge)
            + ",\"iat\":" + iatSeconds
            + ",\"nbf\":" + iatSeconds
            + ",\"exp\":" + (iatSeconds + CHALLENGE_LIFETIME_SECONDS) + "}",
        key);
  }

  /**
   * The reference's {@code checkToken} minus the account lookup: a valid HS256 signature, exactly
   * the claims account/iat/nbf/exp, {@code nbf <= now < exp}, {@code iat <= now}, and {@code account}
   * equal to the (normalised) name of the route.
   */
  public Claims verifyAuthToken(String token, String expectedAccount, long nowSeconds) {
    Claims claims = verify(token, AUTH_CLAIMS, nowSeconds, key);
    if (!claims.account().equals(expectedAccount)) {
      throw new InvalidTokenException("token is for another account");
    }
    return claims;
  }

  /** A challenge issued by this service and still inside its lifetime. */
  public Claims verifyChallenge(String token, long nowSeconds) {
    return verify(token, CHALLENGE_CLAIMS, nowSeconds, key);
  }

  /**
   * HMAC-SHA256(server secret, purpose ‖ 0 ‖ address ‖ 0 ‖ signing key): one key per purpose and
   * account key, so that a token of one kind or for one key never verifies as another.
   */
  private SecretKeySpec derivedKey(String purpose, AccountKey account) {
    StringBuilder input = new StringBuilder(purpose);
    if (account != null) {
      input.append('\0').append(account.checksummedAddress()).append('\0').append(account.publicSigningKeyBase64());
    }
    return new SecretKeySpec(hmac(input.toString().getBytes(StandardCharsets.UTF_8), key), "HmacSHA256");
  }

  private static String sign(String payloadJson, SecretKeySpec signingKey) {
    String signingInput = HEADER + "." + B64URL.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
    return signingInput + "." + B64URL.encodeToString(hmac(signingInput.getBytes(StandardCharsets.US_ASCII), signingKey));
  }

  private static byte[] hmac(byte[] input, SecretKeySpec signingKey) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(signingKey);
      return mac.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java 17 runtime has HmacSHA256", e);
    }
  }

  private static Claims verify(String token, Set<String> claimNames, long nowSeconds, SecretKeySpec signingKey) {
    if (token == null) {
      throw new InvalidTokenException("no token");
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw new InvalidTokenException("not a compact JWS");
    }
    JsonNode header = decodeJson(parts[0], "header");
    if (!header.isObject() || !"HS256".equals(header.path("alg").textValue())) {
      throw new InvalidTokenException("algorithm is not HS256");
    }
    // Compare the encoded text, as node-jws does: a signature whose unused trailing bits differ
    // decodes to the same bytes but is not the token we issued.
    byte[] expected =
        B64URL.encodeToString(hmac((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII), signingKey))
            .getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, parts[2].getBytes(StandardCharsets.UTF_8))) {
      throw new InvalidTokenException("bad signature");
    }
    JsonNode payload = decodeJson(parts[1], "payload");
    if (!payload.isObject()) {
      throw new InvalidTokenException("payload is not an object");
    }
    Set<String> present = new TreeSet<>();
    for (Iterator<String> it = payload.fieldNames(); it.hasNext(); ) {
      present.add(it.next());
    }
    if (!present.equals(new TreeSet<>(claimNames))) {
      throw new InvalidTokenException("claims are " + present + ", expected " + new TreeSet<>(claimNames));
    }
    long exp = seconds(payload, "exp");
    long nbf = seconds(payload, "nbf");
    long iat = seconds(payload, "iat");
    if (nowSeconds >= exp) {
      throw new InvalidTokenException("expired");
    }
    if (nowSeconds < nbf) {
      throw new InvalidTokenException("not valid yet");
    }
    if (iat > nowSeconds) {
      throw new InvalidTokenException("issued in the future");
    }
    JsonNode account = payload.get("account");
    if (!account.isTextual()) {
      throw new InvalidTokenException("account is not a string");
    }
    JsonNode challenge = payload.get("challenge");
    if (challenge != null && !challenge.isTextual()) {
      throw new InvalidTokenException("challenge is not a string");
    }
    return new Claims(account.textValue(), challenge == null ? null : challenge.textValue(), iat, nbf, exp);
  }

  private static long seconds(JsonNode payload, String claim) {
    JsonNode value = payload.get(claim);
    if (!value.isNumber() || !value.canConvertToLong()) {
      throw new InvalidTokenException(claim + " is not a number of seconds");
    }
    // jsonwebtoken compares fractional seconds too; a fraction only moves the edge down to the
    // whole second, which is what we compare against.
    return (long) Math.floor(value.doubleValue());
  }

  private static JsonNode decodeJson(String part, String what) {
    try {
      return Json.parse(new String(B64URL_DECODER.decode(part), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new InvalidTokenException(what + " is not base64url JSON");
    }
  }

  /** The payload of a token without verifying it (for tests and diagnostics only). */
  static ObjectNode unverifiedPayload(String token) {
    return (ObjectNode) decodeJson(token.split("\\.")[1], "payload");
  }
}
