package dev.dm3relay.protocol.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.protocol.crypto.AsymmetricEncryption;
import dev.dm3relay.protocol.crypto.Ed25519;
import dev.dm3relay.protocol.crypto.EphemeralKeyPool;
import dev.dm3relay.protocol.crypto.Hex;
import dev.dm3relay.protocol.crypto.KeyPair;
import dev.dm3relay.protocol.crypto.X25519Kx;
import dev.dm3relay.protocol.json.CanonicalJson;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.model.DeliveryInformation;
import dev.dm3relay.protocol.model.EncryptionEnvelope;
import dev.dm3relay.protocol.model.Postmark;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Random;
import java.util.stream.Stream;
import dev.dm3relay.protocol.testing.RandomText;
import dev.dm3relay.protocol.testing.Vectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class DeliveryServiceTest {

  private static final JsonNode ENV = Vectors.at("/deliveryService/env");
  private static final DeliveryServiceIdentity IDENTITY =
      DeliveryServiceIdentity.fromBase64(
          ENV.get("SIGNING_PUBLIC_KEY").asText(),
          ENV.get("SIGNING_PRIVATE_KEY").asText(),
          ENV.get("ENCRYPTION_PUBLIC_KEY").asText(),
          ENV.get("ENCRYPTION_PRIVATE_KEY").asText());
  private static final EphemeralKeyPool POOL = new EphemeralKeyPool(16);
  private static final DeliveryService SERVICE = new DeliveryService(IDENTITY, POOL);
  private static final long SIZE_LIMIT = Vectors.at("/envelopes/sizeLimit").asLong();
  private static final KeyPair BOB =
      KeyPair.fromBase64(
          Vectors.at("/keys/wallets/bob/encryptionKeyPair/publicKey").asText(),
          Vectors.at("/keys/wallets/bob/encryptionKeyPair/privateKey").asText());

  @AfterAll
  static void closePool() {
    POOL.close();
  }

  @TestFactory
  Stream<DynamicTest> acceptsAndRejectsEveryVectorEnvelopeAsTheReference() {
    return Vectors.list("/envelopes/cases").stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.get("id").asText(),
                    () -> {
                      JsonNode expected = c.get("expected");
                      String param = c.at("/submit/paramJson").asText();
                      if (expected.get("dsOutcome").asText().equals("accept")) {
                        OpenedEnvelope opened = SERVICE.open(param, SIZE_LIMIT);
                        assertEquals(expected.get("sizeBytes").asInt(), opened.sizeBytes());
                        assertEquals(expected.get("decryptedDeliveryInformation").asText(), opened.deliveryInformation().canonical());
                        checkPostmark(c, opened);
                      } else {
                        SubmitRejectedException e =
                            assertThrows(SubmitRejectedException.class, () -> SERVICE.open(param, SIZE_LIMIT));
                        SubmitRejectedException.Reason reason =
                            expected.get("withinSizeLimit").asBoolean()
                                ? SubmitRejectedException.Reason.CANNOT_DECRYPT
                                : SubmitRejectedException.Reason.TOO_LARGE;
                        assertEquals(reason, e.reason(), expected.get("dsRejectReason").asText());
                      }
                    }));
  }

  private static void checkPostmark(JsonNode c, OpenedEnvelope opened) {
    JsonNode pm = c.at("/expected/postmark");
    long ts = pm.get("incommingTimestamp").asLong();
    Postmark postmark = SERVICE.postmark(opened.envelope().message(), ts);
    assertEquals(pm.get("messageHash").asText(), postmark.messageHash());
    assertEquals(pm.get("signedText").asText(), postmark.signedText());
    assertEquals(pm.get("signature").asText(), postmark.signature(), "Ed25519 is deterministic");
    assertEquals(pm.get("plaintext").asText(), postmark.canonical());
    assertTrue(
        Ed25519.verify(
            Base64.getDecoder().decode(pm.get("signerPublicSigningKey").asText()),
            postmark.signedText().getBytes(StandardCharsets.US_ASCII),
            Base64.getDecoder().decode(postmark.signature())));
    // the vector's fixed ephemeral seed and nonce give its exact payload
    JsonNode enc = pm.get("encrypted");
    KeyPair ephemeral = X25519Kx.seedKeyPair(Hex.decode(enc.get("ephemeralSeed").asText()));
    String sealed =
        DeliveryService.fromSealed(
                AsymmetricEncryption.encrypt(
                    BOB.publicKey(),
                    postmark.canonical().getBytes(StandardCharsets.UTF_8),
                    ephemeral,
                    Hex.decode(enc.get("nonce").asText())))
            .canonical();
    assertEquals(enc.get("payloadCanonical").asText(), sealed);
    // a real stamp uses a fresh key: compare after decryption, and the rest of the stored envelope exactly
    EncryptionEnvelope stored = SERVICE.stamp(opened, ts, BOB.publicKey());
    assertEquals(pm.get("plaintext").asText(), DeliveryService.decryptToText(BOB, stored.postmark()));
    ObjectNode expectedDelivered = (ObjectNode) c.at("/expected/delivered").deepCopy();
    ObjectNode actual = stored.toJson();
    expectedDelivered.remove("postmark");
    actual.remove("postmark");
    assertEquals(CanonicalJson.stringify(expectedDelivered), CanonicalJson.stringify(actual));
  }

  @Test
  void digestVectorTv11Postmark() {
    DeliveryServiceIdentity tv2 =
        new DeliveryServiceIdentity(
            Ed25519.seedKeyPair(Base64.getDecoder().decode("+DpeBjCzICFoi743/466yJunsHR55Bhr3GnqcS4cuJU=")),
            X25519Kx.seedKeyPair(Base64.getDecoder().decode("+DpeBjCzICFoi743/466yJunsHR55Bhr3GnqcS4cuJU=")));
    DeliveryService service = new DeliveryService(tv2, POOL);
    assertEquals(
        "0x367d9d9c36d2f5d7062e32a72b7d013ee43cb2079c28335dc9cef786a3d807b1",
        DeliveryService.postmarkMessageHash(
            "{\"ciphertext\":\"AAAA\",\"ephemPublicKey\":\"BBBB\",\"nonce\":\"0x000000000000000000000000\"}"));
    // TV11 needs the TV10 message string, of which the digest gives only its hash; the signature
    // over a known postmark hash is checked instead.
    String hash = "0x802b81bf186c423d5d1a21e624ba27ee620ae6fff640c71469959918a0558d52";
    String text = Postmark.signedText(hash, 1700000001234L);
    assertEquals(
        "C8feqkhW/DK1z4x3RjPvnwUv+xoB4VYKZ6cg0awMtTC9tlTw1p5Sl+Co80GRPma5h/8pFr9Am3r3F2AMziV9Cw==",
        Base64.getEncoder().encodeToString(Ed25519.sign(tv2.signing().privateKey(), text.getBytes(StandardCharsets.US_ASCII))));
    assertEquals(hash.length(), service.postmark("x", 1).messageHash().length());
  }

  @Test
  void sizeLimitIsInclusive() {
    JsonNode c = Vectors.list("/envelopes/cases").get(0);
    String param = c.at("/submit/paramJson").asText();
    int size = c.at("/expected/sizeBytes").asInt();
    assertEquals(size, SERVICE.open(param, size).sizeBytes());
    SubmitRejectedException e = assertThrows(SubmitRejectedException.class, () -> SERVICE.open(param, size - 1));
    assertEquals(SubmitRejectedException.Reason.TOO_LARGE, e.reason());
  }

  @Test
  void everyFailureHasItsOwnReason() {
    String param = Vectors.list("/envelopes/cases").get(0).at("/submit/paramJson").asText();
    assertReason(SubmitRejectedException.Reason.MALFORMED_JSON, "{not json");
    assertReason(SubmitRejectedException.Reason.MALFORMED_JSON, "");
    assertReason(SubmitRejectedException.Reason.INVALID_SCHEMA, "{}");
    assertReason(SubmitRejectedException.Reason.INVALID_SCHEMA, "\"a string\"");
    ObjectNode openDi = Json.parseObject(param);
    ((ObjectNode) openDi.get("metadata")).putObject("deliveryInformation").put("to", "bob.eth").put("from", "alice.eth");
    assertReason(SubmitRejectedException.Reason.INVALID_SCHEMA, openDi.toString());
    ObjectNode notPayload = Json.parseObject(param);
    ((ObjectNode) notPayload.get("metadata")).put("deliveryInformation", "not a payload");
    assertReason(SubmitRejectedException.Reason.CANNOT_DECRYPT, notPayload.toString());
    assertReason(SubmitRejectedException.Reason.INVALID_DELIVERY_INFORMATION, withDeliveryInformation(param, "hello"));
    assertReason(SubmitRejectedException.Reason.INVALID_DELIVERY_INFORMATION, withDeliveryInformation(param, "{\"to\":\"bob.eth\"}"));
  }

  @Test
  void aFlippedBitAnywhereInTheDeliveryInformationIsRefused() {
    String param = Vectors.list("/envelopes/cases").get(1).at("/submit/paramJson").asText();
    ObjectNode envelope = Json.parseObject(param);
    ObjectNode di = Json.parseObject(envelope.at("/metadata/deliveryInformation").asText());
    for (String field : new String[] {"ciphertext", "ephemPublicKey", "nonce"}) {
      String value = di.get(field).asText();
      for (int i = field.equals("nonce") ? 2 : 0; i < value.length(); i += 97) {
        char[] chars = value.toCharArray();
        chars[i] = chars[i] == 'A' || chars[i] == '1' ? (field.equals("nonce") ? '2' : 'B') : (field.equals("nonce") ? '1' : 'A');
        ObjectNode tampered = di.deepCopy();
        tampered.put(field, new String(chars));
        ObjectNode copy = envelope.deepCopy();
        ((ObjectNode) copy.get("metadata")).put("deliveryInformation", CanonicalJson.stringify(tampered));
        assertReason(SubmitRejectedException.Reason.CANNOT_DECRYPT, copy.toString());
      }
    }
  }

  @Test
  void randomizedRoutingDataRoundTrips() {
    Random random = new Random(42);
    String param = Vectors.list("/envelopes/cases").get(1).at("/submit/paramJson").asText();
    for (int i = 0; i < 200; i++) {
      DeliveryInformation di =
          new DeliveryInformation(
              randomName(random), randomName(random), random.nextBoolean() ? randomName(random) : null, null);
      OpenedEnvelope opened = SERVICE.open(withDeliveryInformation(param, di.canonical()), 1_000_000);
      assertEquals(di, new DeliveryInformation(opened.deliveryInformation().to(), opened.deliveryInformation().from(), opened.deliveryInformation().deliveryInstruction(), null));
    }
  }

  @Test
  void identityFromTheReferenceEnvironmentFormats() {
    assertEquals(Vectors.at("/deliveryService/profileCanonical").asText(), IDENTITY.profile(Vectors.at("/deliveryService/url").asText()).canonical());
    assertEquals(Vectors.at("/deliveryService/profileDataUri").asText(), IDENTITY.profile(Vectors.at("/deliveryService/url").asText()).dataUri());
    assertEquals(ENV.get("SIGNING_PRIVATE_KEY").asText(), IDENTITY.signingPrivateKeyBase64());
    assertFalse(IDENTITY.toString().contains(ENV.get("SIGNING_PRIVATE_KEY").asText()));
    assertFalse(IDENTITY.toString().contains(ENV.get("ENCRYPTION_PRIVATE_KEY").asText()));
    DeliveryServiceIdentity other = DeliveryServiceIdentity.generate(new SecureRandom());
    IllegalArgumentException mismatch =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                DeliveryServiceIdentity.fromBase64(
                    ENV.get("SIGNING_PUBLIC_KEY").asText(),
                    ENV.get("SIGNING_PRIVATE_KEY").asText(),
                    other.encryptionPublicKeyBase64(),
                    ENV.get("ENCRYPTION_PRIVATE_KEY").asText()));
    assertTrue(mismatch.getMessage().startsWith("ENCRYPTION_PUBLIC_KEY"));
    IllegalArgumentException shortKey =
        assertThrows(
            IllegalArgumentException.class,
            () -> DeliveryServiceIdentity.fromBase64("AAAA", ENV.get("SIGNING_PRIVATE_KEY").asText(), ENV.get("ENCRYPTION_PUBLIC_KEY").asText(), ENV.get("ENCRYPTION_PRIVATE_KEY").asText()));
    assertEquals("SIGNING_PUBLIC_KEY must be 32 bytes, is 3", shortKey.getMessage());
    DeliveryServiceIdentity regenerated =
        DeliveryServiceIdentity.fromBase64(
            other.signingPublicKeyBase64(), other.signingPrivateKeyBase64(), other.encryptionPublicKeyBase64(), other.encryptionPrivateKeyBase64());
    assertEquals(other.signingPublicKeyBase64(), regenerated.signingPublicKeyBase64());
  }

  private static String randomName(Random random) {
    return RandomText.of(random, "abcxyz019-.é日\uD83D\uDE00\"\\\n", 1 + random.nextInt(20));
  }

  private static String withDeliveryInformation(String param, String plaintext) {
    ObjectNode envelope = Json.parseObject(param);
    String payload =
        DeliveryService.fromSealed(AsymmetricEncryption.encrypt(IDENTITY.encryption().publicKey(), plaintext.getBytes(StandardCharsets.UTF_8)))
            .canonical();
    ((ObjectNode) envelope.get("metadata")).put("deliveryInformation", payload);
    return envelope.toString();
  }

  private static void assertReason(SubmitRejectedException.Reason reason, String param) {
    SubmitRejectedException e = assertThrows(SubmitRejectedException.class, () -> SERVICE.open(param, SIZE_LIMIT));
    assertEquals(reason, e.reason(), e.getMessage());
  }
}
