package dev.dm3relay.node.notification;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dm3relay.protocol.json.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The push crypto against published values: RFC 8291 Appendix A (the same keys and salt must give
 * its exact bytes, header and record), and the VAPID token of RFC 8292 checked with the JDK's own
 * verifier. {@code WebPushTest} proves the same against a real endpoint that decrypts with http_ece.
 */
class WebPushCryptoTest {

  private static byte[] b64(String text) {
    return Base64.getUrlDecoder().decode(text);
  }

  // RFC 8291 Appendix A, line breaks removed.
  private static final String PLAINTEXT = "When I grow up, I want to be a watermelon";
  private static final String AS_PUBLIC =
      "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
  private static final String AS_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
  private static final String UA_PUBLIC =
      "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
  private static final String SALT = "DGv6ra1nlYgDCS1FRnbzlw";
  private static final String AUTH_SECRET = "BTBZMqHH6r4Tts7J_aSIgg";
  private static final String BODY =
      "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_"
          + "yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

  @Test
  void encryptReproducesRfc8291AppendixA() throws Exception {
    KeyPair sender = new KeyPair(WebPush.publicKey(b64(AS_PUBLIC)), WebPush.privateKey(b64(AS_PRIVATE)));
    assertArrayEquals(b64(AS_PUBLIC), WebPush.encode((ECPublicKey) sender.getPublic()), "the point round-trips");
    byte[] body =
        WebPush.encrypt(b64(UA_PUBLIC), b64(AUTH_SECRET), PLAINTEXT.getBytes(StandardCharsets.UTF_8), sender, b64(SALT));
    assertEquals(BODY, Base64.getUrlEncoder().withoutPadding().encodeToString(body));
  }

  @Test
  void aPayloadThatDoesNotFitOneRecordIsRefused() throws Exception {
    KeyPair sender = WebPush.newKeyPair();
    byte[] tooBig = new byte[WebPush.RECORD_SIZE - 16];
    assertThrows(IllegalArgumentException.class, () -> WebPush.encrypt(b64(UA_PUBLIC), b64(AUTH_SECRET), tooBig, sender, b64(SALT)));
  }

  @Test
  void theVapidTokenIsAnEs256JwtOfAudienceExpiryAndSubject() throws Exception {
    KeyPair vapid = WebPush.newKeyPair();
    String audience = WebPush.audience(URI.create("https://Push.Example:443/wpush/v2/abc?x=1"));
    assertEquals("https://push.example", audience, "origin only, default port dropped");
    assertEquals("https://push.example:8443", WebPush.audience(URI.create("https://push.example:8443/x")));
    String token = WebPush.vapidToken(audience, 1_800_000_000L, "mailto:ops@relay.example", vapid.getPrivate());
    String[] parts = token.split("\\.");
    assertEquals(3, parts.length);
    JsonNode header = Json.parse(new String(b64(parts[0]), StandardCharsets.UTF_8));
    assertEquals("ES256", header.path("alg").asText());
    JsonNode claims = Json.parse(new String(b64(parts[1]), StandardCharsets.UTF_8));
    assertEquals(audience, claims.path("aud").asText());
    assertEquals(1_800_000_000L, claims.path("exp").asLong());
    assertEquals("mailto:ops@relay.example", claims.path("sub").asText());
    byte[] signature = b64(parts[2]);
    assertEquals(64, signature.length, "JOSE r||s, not DER");
    Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
    verifier.initVerify(vapid.getPublic());
    verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertTrue(verifier.verify(signature));
    verifier.initVerify(WebPush.newKeyPair().getPublic());
    verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertTrue(!verifier.verify(signature), "another key does not verify it");
  }
}
