package dev.dm3relay.protocol.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.protocol.crypto.Hashes;
import dev.dm3relay.protocol.json.CanonicalJson;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.json.SchemaException;
import dev.dm3relay.protocol.testing.Vectors;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class ModelTest {

  private static Stream<DynamicTest> perEnvelope(java.util.function.Consumer<JsonNode> check) {
    return Vectors.list("/envelopes/cases").stream()
        .map(c -> DynamicTest.dynamicTest(c.get("id").asText(), () -> check.accept(c)));
  }

  @TestFactory
  Stream<DynamicTest> envelopesRoundTripInBothLayouts() {
    return perEnvelope(
        c -> {
          EncryptionEnvelope envelope =
              EncryptionEnvelope.fromJson(Json.parse(c.at("/submit/paramJson").asText()));
          assertEquals(c.at("/submit/canonical").asText(), envelope.canonical());
          EnvelopeMetadata metadata = envelope.metadata();
          assertEquals(c.at("/expected/metadataSignedText").asText(), metadata.signedText());
          assertEquals(c.at("/expected/ackMessageHash").asText(), metadata.ackHash());
          String layout = c.get("layout").asText();
          if (layout.equals("lib")) {
            assertNull(metadata.messageHash());
            assertEquals(c.at("/expected/encryptedMessageHash").asText(), metadata.encryptedMessageHash());
          } else {
            assertEquals(c.at("/expected/messageHash").asText(), metadata.messageHash());
            assertNull(metadata.encryptedMessageHash());
          }
          // the 1.7.1 hash is the sha256 of the *quoted* message string
          assertEquals(
              c.at("/expected/encryptedMessageHash").asText(),
              Hashes.sha256Hex(Json.quote(envelope.message())));
          assertNotNull(metadata.encryptedDeliveryInformation());
          EncryptedPayload di =
              EncryptedPayload.parse(metadata.encryptedDeliveryInformation(), "metadata.deliveryInformation");
          assertEquals(c.at("/encryption/deliveryInformation/ephemPublicKey").asText(), di.ephemPublicKey());
          assertEquals(c.at("/encryption/deliveryInformation/nonce").asText(), di.nonce());
          EncryptedPayload msg = EncryptedPayload.parse(envelope.message(), "message");
          assertEquals(c.at("/encryption/message/nonce").asText(), msg.nonce());
          assertEquals(envelope.message(), msg.canonical(), "message strings are stringify'd payloads");
        });
  }

  @TestFactory
  Stream<DynamicTest> deliveredFormMatchesTheReference() {
    return perEnvelope(
        c -> {
          JsonNode delivered = c.at("/expected/delivered");
          if (delivered.isNull()) {
            return;
          }
          EncryptionEnvelope envelope =
              EncryptionEnvelope.fromJson(Json.parse(c.at("/submit/paramJson").asText()));
          DeliveryInformation di =
              DeliveryInformation.fromJson(
                  Json.parse(c.at("/expected/decryptedDeliveryInformation").asText()), "");
          EncryptionEnvelope stored = envelope.delivered(di, delivered.get("postmark").asText());
          assertEquals(CanonicalJson.stringify(delivered), stored.canonical());
          // the relay's splice of the message escaped once gives the same bytes
          assertEquals(stored.canonical(), stored.canonicalWithQuotedMessage(Json.quote(stored.message())));
          // and the stored form parses back to itself
          assertEquals(stored.canonical(), EncryptionEnvelope.fromJson(Json.parse(stored.canonical())).canonical());
        });
  }

  @Test
  void theSplicedCanonicalFormKeepsUnknownMembersInTheirPlace() {
    String ok = Vectors.list("/envelopes/cases").get(1).at("/submit/paramJson").asText();
    for (String member : List.of("aaa", "message0", "messagd", "mz", "zzz", "\u00e9t\u00e9", "")) {
      ObjectNode raw = Json.parseObject(ok);
      raw.put(member, "x");
      EncryptionEnvelope envelope = EncryptionEnvelope.fromJson(raw);
      assertEquals(envelope.canonical(), envelope.canonicalWithQuotedMessage(Json.quote(envelope.message())), member);
    }
    EncryptionEnvelope bare = new EncryptionEnvelope("m\"\n", EncryptionEnvelope.fromJson(Json.parse(ok)).metadata(), null, null);
    assertEquals(bare.canonical(), bare.canonicalWithQuotedMessage(Json.quote(bare.message())));
  }

  @TestFactory
  Stream<DynamicTest> plaintextMessagesHashAndSignAsTheClientDid() {
    return perEnvelope(
        c -> {
          String decrypted = c.at("/expected/decryptedMessage").asText();
          Message message = Message.fromJson(Json.parse(decrypted));
          assertEquals(decrypted, message.canonical());
          assertEquals(c.at("/message/signedText").asText(), message.signedText());
          assertEquals(c.at("/expected/messageHash").asText(), message.messageHash());
        });
  }

  @Test
  void postmarkVectorsFromTheDigestAndTheVectorFile() {
    // §8 TV11
    String hash = "0x802b81bf186c423d5d1a21e624ba27ee620ae6fff640c71469959918a0558d52";
    assertEquals(
        "0x32009d231cd4bc3a6319f3bd17113d8b957d9e3e5ef32226b075ebe669ca512b",
        Postmark.signedText(hash, 1700000001234L));
    for (JsonNode c : Vectors.list("/envelopes/cases")) {
      JsonNode pm = c.at("/expected/postmark");
      if (pm.isNull() || pm.isMissingNode()) {
        continue;
      }
      String messageHash = pm.get("messageHash").asText();
      long ts = pm.get("incommingTimestamp").asLong();
      assertEquals(pm.get("signedObjectCanonical").asText(), Postmark.signedObject(messageHash, ts));
      assertEquals(pm.get("signedText").asText(), Postmark.signedText(messageHash, ts));
      Postmark postmark = Postmark.fromJson(Json.parse(pm.get("plaintext").asText()));
      assertEquals(pm.get("plaintext").asText(), postmark.canonical());
    }
  }

  @Test
  void extraMetadataFieldsAreKeptVerbatim() {
    ObjectNode raw =
        Json.parseObject(Vectors.list("/envelopes/cases").get(1).at("/submit/paramJson").asText());
    ObjectNode meta = (ObjectNode) raw.get("metadata");
    meta.putObject("x-bridge").put("b", 1).put("a", "\u2028");
    raw.put("id", "client-side-id");
    EncryptionEnvelope envelope = EncryptionEnvelope.fromJson(raw);
    assertEquals(CanonicalJson.stringify(raw), envelope.canonical());
    assertTrue(envelope.metadata().signedText().contains("\"x-bridge\":{\"a\":\"\u2028\",\"b\":1}"));
  }

  @Test
  void schemaErrorsNameTheFieldAndTheReason() {
    String ok = Vectors.list("/envelopes/cases").get(1).at("/submit/paramJson").asText();
    assertError("metadata: is required", withoutPath(ok, "metadata"));
    assertError("message: is required", withoutPath(ok, "message"));
    assertError("metadata.deliveryInformation: is required", withoutPath(ok, "metadata", "deliveryInformation"));
    assertError("metadata.signature: is required", withoutPath(ok, "metadata", "signature"));
    assertError("metadata.version: is required", withoutPath(ok, "metadata", "version"));
    assertError(
        "metadata.messageHash: is required (or encryptedMessageHash, the npm 1.7.1 layout)",
        withoutPath(ok, "metadata", "messageHash"));
    ObjectNode wrongType = Json.parseObject(ok);
    wrongType.put("message", 5);
    assertError("message: must be a string, got a number", wrongType);
    ObjectNode diNumber = Json.parseObject(ok);
    ((ObjectNode) diNumber.get("metadata")).put("deliveryInformation", 1);
    assertError("metadata.deliveryInformation: must be a string or an object, got a number", diNumber);
    ObjectNode nullSig = Json.parseObject(ok);
    ((ObjectNode) nullSig.get("metadata")).putNull("signature");
    assertError("metadata.signature: must be a string, got null", nullSig);
    assertThrows(SchemaException.class, () -> EncryptionEnvelope.fromJson(Json.parse("[]")));
  }

  @Test
  void strictStructuresRefuseUnknownFields() {
    SchemaException e =
        assertThrows(
            SchemaException.class,
            () -> Acknowledgement.fromJson(Json.parse("{\"contactAddress\":\"a\",\"messageHash\":\"b\",\"x\":1}"), "acknowledgements[0]"));
    assertEquals("acknowledgements[0].x", e.field());
    SchemaException p =
        assertThrows(
            SchemaException.class,
            () ->
                SignedUserProfile.fromJson(
                    Json.parse(
                        "{\"profile\":{\"publicEncryptionKey\":\"a\",\"publicSigningKey\":\"b\",\"deliveryServices\":[1]},\"signature\":\"0x\"}")));
    assertEquals("profile.deliveryServices[0]", p.field());
    assertThrows(
        SchemaException.class,
        () -> SignedUserProfile.fromJson(Json.parse("{\"profile\":{\"publicEncryptionKey\":\"a\",\"publicSigningKey\":\"b\",\"deliveryServices\":[]},\"signature\":null}")));
  }

  @Test
  void profilesRoundTrip() {
    for (JsonNode c : Vectors.list("/profiles/cases")) {
      SignedUserProfile signed = SignedUserProfile.fromJson(c.get("signedProfile"));
      assertEquals(c.get("signedProfileCanonical").asText(), signed.canonical());
      assertEquals(c.get("profileCanonical").asText(), signed.profile().canonical());
    }
    DeliveryServiceProfile ds = DeliveryServiceProfile.fromJson(Vectors.at("/deliveryService/profile"));
    assertEquals(Vectors.at("/deliveryService/profileCanonical").asText(), ds.canonical());
    assertEquals(Vectors.at("/deliveryService/profileDataUri").asText(), ds.dataUri());
  }

  @Test
  void profileExtensionsParseReferenceShapes() {
    ProfileExtension reference = ProfileExtension.fromJson(Json.parse("{\"notSupportedMessageTypes\":[\"NEW\"]}"));
    assertEquals(List.of(MessageType.NEW), reference.notSupportedMessageTypes());
    assertEquals("{\"notSupportedMessageTypes\":[]}", ProfileExtension.DEFAULT.canonical());
    assertThrows(
        SchemaException.class,
        () -> ProfileExtension.fromJson(Json.parse("{\"notSupportedMessageTypes\":[\"SHOUT\"]}")));
    assertFalse(reference.toJson().has("encryptionAlgorithm"));
  }

  private static ObjectNode withoutPath(String json, String... path) {
    ObjectNode root = Json.parseObject(json);
    ObjectNode node = root;
    for (int i = 0; i < path.length - 1; i++) {
      node = (ObjectNode) node.get(path[i]);
    }
    node.remove(path[path.length - 1]);
    return root;
  }

  private static void assertError(String expected, JsonNode envelope) {
    SchemaException e = assertThrows(SchemaException.class, () -> EncryptionEnvelope.fromJson(envelope));
    assertEquals(expected, e.getMessage());
  }
}
