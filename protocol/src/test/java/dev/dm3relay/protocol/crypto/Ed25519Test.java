package dev.dm3relay.protocol.crypto;

import static dev.dm3relay.protocol.crypto.Vectors.b64;
import static dev.dm3relay.protocol.crypto.Vectors.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Ed25519 signatures exactly as the dm3 clients and the reference DS make them (§3.4). */
class Ed25519Test {

  private static final byte[] TV1_PRIVATE =
      b64("fxIyJnMWNyzEma5dTFIgFEHbMhOcUZ1iq6pQN12r4cnuetAM8Rj+7io58EmfWSmV/KCWVfZW/UB9SjYAy4Ljkw==");
  private static final byte[] TV1_PUBLIC = b64("7nrQDPEY/u4qOfBJn1kplfygllX2Vv1AfUo2AMuC45M=");
  private static final String TV1_SIGNATURE =
      "9x18lnf1Dp65hseNuL8M9LL8x4kYy3ci2uMF3ncScD93jwdExjBBSPM0s3b4+2+6LEeLZECX1+bUE/usUqakAA==";

  @Test
  void signTv1() {
    assertEquals(TV1_SIGNATURE, base64(Ed25519.sign(TV1_PRIVATE, utf8("test"))));
    assertTrue(Ed25519.verify(TV1_PUBLIC, utf8("test"), b64(TV1_SIGNATURE)));
    assertFalse(Ed25519.verify(TV1_PUBLIC, utf8("test1"), b64(TV1_SIGNATURE)));
  }

  @Test
  void postmarkSignaturesOfEveryEnvelope() {
    byte[] dsSigningKey = b64(Vectors.ROOT.path("deliveryService").required("env"), "SIGNING_PRIVATE_KEY");
    int checked = 0;
    for (JsonNode c : Vectors.envelopeCases()) {
      JsonNode postmark = c.path("expected").path("postmark");
      if (postmark.isMissingNode() || postmark.isNull()) {
        continue;
      }
      String signedText = text(postmark, "signedText");
      assertEquals(signedText, Hashes.sha256Hex(text(postmark, "signedObjectCanonical")), c.get("id").asText());
      assertEquals(text(postmark, "signature"), base64(Ed25519.sign(dsSigningKey, utf8(signedText))), c.get("id").asText());
      assertTrue(Ed25519.verify(b64(postmark, "signerPublicSigningKey"), utf8(signedText), b64(postmark, "signature")));
      checked++;
    }
    assertTrue(checked >= 6, "only " + checked + " postmarks in the vectors");
  }

  @Test
  void senderSignaturesOfEveryEnvelope() {
    for (JsonNode c : Vectors.envelopeCases()) {
      String id = c.get("id").asText();
      JsonNode message = c.required("message");
      byte[] alice = b64(message, "signerPublicSigningKey");
      assertEquals(c.path("expected").path("messageSignatureValid").asBoolean(),
          Ed25519.verify(alice, utf8(text(message, "signedText")), b64(message, "signature")), id);
      String metadataSignature = metadataSignature(c);
      assertEquals(c.path("expected").path("metadataSignatureValid").asBoolean(),
          Ed25519.verify(alice, utf8(text(c.required("expected"), "metadataSignedText")), b64(metadataSignature)), id);
    }
  }

  @Test
  void postmarkTv11AndChallengeTv12() {
    byte[] tv2 = b64("+DpeBjCzICFoi743/466yJunsHR55Bhr3GnqcS4cuJX62QNBZl+/2LEGY5ux/y2BMdNlqPAAT2a5O0UBSPZ70g==");
    assertEquals("C8feqkhW/DK1z4x3RjPvnwUv+xoB4VYKZ6cg0awMtTC9tlTw1p5Sl+Co80GRPma5h/8pFr9Am3r3F2AMziV9Cw==",
        base64(Ed25519.sign(tv2, utf8("0x32009d231cd4bc3a6319f3bd17113d8b957d9e3e5ef32226b075ebe669ca512b"))));
    String challenge = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhY2NvdW50IjoiYWxpY2UuZXRoIiwiY2hhbGxlbmdlIjoiM2YxZDJjNGUtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAwIiwiaWF0IjoxNzAwMDAwMDAwLCJuYmYiOjE3MDAwMDAwMDAsImV4cCI6MTcwMDAwMDkwMH0.6hTey_v4b4xG4BWpDcz4xJAWkqG0VV8mhRqUHXmQSZw";
    assertEquals("spLZww6ppyiNC82li+Q1ERnYv1xkc1dBJ7Wfkzfc6kDyCv7Ax2Yhb67wq8c5l3vB2qwCrU4PiFEsAJSFNXXqDw==",
        base64(Ed25519.sign(tv2, utf8(challenge))));
  }

  @Test
  void verifyIsFalseNeverAnExceptionForMalformedInput() {
    byte[] sig = b64(TV1_SIGNATURE);
    byte[] msg = utf8("test");
    assertFalse(Ed25519.verify(null, msg, sig));
    assertFalse(Ed25519.verify(TV1_PUBLIC, null, sig));
    assertFalse(Ed25519.verify(TV1_PUBLIC, msg, null));
    assertFalse(Ed25519.verify(new byte[31], msg, sig));
    assertFalse(Ed25519.verify(TV1_PUBLIC, msg, new byte[63]));
    assertFalse(Ed25519.verify(TV1_PUBLIC, msg, new byte[65]));
    assertFalse(Ed25519.verify(TV1_PUBLIC, msg, new byte[64]));
    byte[] notAPoint = new byte[32];
    java.util.Arrays.fill(notAPoint, (byte) 0xff);
    assertFalse(Ed25519.verify(notAPoint, msg, sig));
    for (int i = 0; i < 64; i += 9) {
      byte[] flipped = sig.clone();
      flipped[i] ^= 0x01;
      assertFalse(Ed25519.verify(TV1_PUBLIC, msg, flipped), "flipped byte " + i);
    }
  }

  @Test
  void signRejectsAKeyOfTheWrongSize() {
    assertThrows(IllegalArgumentException.class, () -> Ed25519.sign(new byte[32], utf8("x")));
    assertThrows(IllegalArgumentException.class, () -> Ed25519.sign(null, utf8("x")));
  }

  private static String metadataSignature(JsonNode c) {
    try {
      JsonNode envelope = new com.fasterxml.jackson.databind.ObjectMapper().readTree(text(c.required("submit"), "canonical"));
      return envelope.path("metadata").required("signature").asText();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
