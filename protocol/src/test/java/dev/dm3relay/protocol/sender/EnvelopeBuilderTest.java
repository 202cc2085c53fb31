package dev.dm3relay.protocol.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dm3relay.protocol.crypto.AsymmetricEncryption;
import dev.dm3relay.protocol.crypto.Ed25519;
import dev.dm3relay.protocol.crypto.EphemeralKeyPool;
import dev.dm3relay.protocol.crypto.Hashes;
import dev.dm3relay.protocol.crypto.Hex;
import dev.dm3relay.protocol.crypto.KeyPair;
import dev.dm3relay.protocol.crypto.X25519Kx;
import dev.dm3relay.protocol.delivery.DeliveryService;
import dev.dm3relay.protocol.delivery.DeliveryServiceIdentity;
import dev.dm3relay.protocol.delivery.OpenedEnvelope;
import dev.dm3relay.protocol.json.CanonicalJson;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.model.EncryptedPayload;
import dev.dm3relay.protocol.model.EncryptionEnvelope;
import dev.dm3relay.protocol.model.EnvelopeMetadata;
import dev.dm3relay.protocol.model.Message;
import dev.dm3relay.protocol.model.MessageType;
import dev.dm3relay.protocol.model.Postmark;
import dev.dm3relay.protocol.profile.ProfileKeys;
import dev.dm3relay.protocol.sender.EnvelopeBuilder.Layout;
import dev.dm3relay.protocol.sender.EnvelopeBuilder.Sealer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import dev.dm3relay.protocol.testing.Vectors;
import org.junit.jupiter.api.Test;

/** The digest's TV8, TV10 and TV11: a whole envelope and its postmark, every byte fixed. */
class EnvelopeBuilderTest {

  private static final byte[] TV7_WALLET = Hex.decode("0xac58f2f021d6f148fd621b355edbd0ebadcf9682019015ef1219cf9c0c2ddc8b");
  private static final byte[] TV2_SEED = Base64.getDecoder().decode("+DpeBjCzICFoi743/466yJunsHR55Bhr3GnqcS4cuJU=");

  private static byte[] filled(int length, int value) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }

  private static Sealer fixed(int seedByte, int nonceByte) {
    return (pub, plaintext) ->
        AsymmetricEncryption.encrypt(pub, plaintext, X25519Kx.seedKeyPair(filled(32, seedByte)), filled(12, nonceByte));
  }

  private static String sha256OfCiphertext(String payloadJson) {
    EncryptedPayload payload = EncryptedPayload.parse(payloadJson, "");
    return Hex.prefixed(Hashes.sha256(Base64.getDecoder().decode(payload.ciphertext())));
  }

  @Test
  void tv10AndTv11() {
    ProfileKeys sender = ProfileKeys.forWallet(TV7_WALLET, ProfileKeys.DEFAULT_NONCE);
    ProfileKeys receiver = ProfileKeys.forWallet(TV7_WALLET, "0");
    assertEquals("rxMiPdfRtVi3/1C6OBfhjQ3P5jmmNAfOodqItoggOhE=", Base64.getEncoder().encodeToString(receiver.encryption().publicKey()));
    DeliveryServiceIdentity ds = new DeliveryServiceIdentity(Ed25519.seedKeyPair(TV2_SEED), X25519Kx.seedKeyPair(TV2_SEED));
    assertEquals("eHmMq29FeiPKfNPkSctPuZGXvV0sKeO/KZkX2nXvMgw=", ds.encryptionPublicKeyBase64());

    Message unsigned =
        new Message("hello dm3", new Message.Metadata("bob.eth", "alice.eth", 1700000000000L, MessageType.NEW, null, null), null, "");
    assertEquals(
        "{\"message\":\"hello dm3\",\"metadata\":{\"from\":\"alice.eth\",\"timestamp\":1700000000000,\"to\":\"bob.eth\",\"type\":\"NEW\"}}",
        unsigned.signedText());
    Message signed = EnvelopeBuilder.sign(unsigned, sender.signing().privateKey());
    assertEquals("biJq1yCrDiXEleG6y8vSdAEMPZxiHUtt2lrdGXfI7xHeJswTnSP76L0F5Uwge/oAD2NgX858di5TztfhsNokBw==", signed.signature());
    assertEquals("0x831a37fbce326096a45b9ca445a9e50a0bb94713838bd0f4d1dd0a6266eb7d48", signed.messageHash());

    EncryptionEnvelope envelope =
        EnvelopeBuilder.build(
            signed, Layout.HEAD, sender.signing(), receiver.encryption().publicKey(), ds.encryption().publicKey(), fixed(0x11, 0x22), fixed(0x33, 0x44));
    EncryptedPayload message = EncryptedPayload.parse(envelope.message(), "message");
    assertEquals("y4QD2eCFe1XEf/IztrQ3lYjJZEqrq7JYgCe/cYi5ghc=", message.ephemPublicKey());
    assertEquals("0x222222222222222222222222", message.nonce());
    assertTrue(message.ciphertext().startsWith("ATIU3RCV52nf2x8m7c5vFJ3M"));
    assertEquals("0x035a5e57fc644b6e44f478c53b11d578ef859edb43681e3d9e03ecf97e894400", sha256OfCiphertext(envelope.message()));
    assertEquals(2870, envelope.message().length());
    assertEquals("0xe283ad2611e840c08e079e25231e231cc9df92e46e41df5d011f94fdc0adeda3", Hashes.sha256Hex(envelope.message()));

    EnvelopeMetadata metadata = envelope.metadata();
    EncryptedPayload routing = EncryptedPayload.parse(metadata.encryptedDeliveryInformation(), "di");
    assertEquals("zejcO0D193NUtduWxznAa3Ap7cfRt0XNEY4wYDzQanE=", routing.ephemPublicKey());
    assertEquals("0x49fc6d2ec3da3e6cd9bad49b8712cdfc1d6439378455dfbae272cdfa92cf870e", sha256OfCiphertext(metadata.encryptedDeliveryInformation()));
    assertEquals("0x5719651a46c2c5b6651ed52429107fe92f2930af83db88a978e087779fe4eac3", Hashes.sha256Hex(metadata.signedText()));
    assertEquals("9oA5uDpI7A4bAVCqYiIkbUJAb8nhYfBK889jl2SzauzoWlSVW7LU1YiXJyjbhd2TFl0OjVNRTOSMb47m0gXsDQ==", metadata.signature());
    assertEquals(6063, CanonicalJson.size(envelope.toJson()));

    try (EphemeralKeyPool pool = new EphemeralKeyPool(4)) {
      DeliveryService service = new DeliveryService(ds, pool);
      String submitted = envelope.canonical();
      OpenedEnvelope opened = service.open(submitted, 16384);
      assertEquals("{\"from\":\"alice.eth\",\"to\":\"bob.eth\"}", opened.deliveryInformation().canonical());
      assertEquals(dev.dm3relay.protocol.delivery.SubmitRejectedException.Reason.TOO_LARGE,
          org.junit.jupiter.api.Assertions.assertThrows(
              dev.dm3relay.protocol.delivery.SubmitRejectedException.class, () -> service.open(submitted, 1)).reason());

      Postmark postmark = service.postmark(envelope.message(), 1700000001234L);
      assertEquals("0x802b81bf186c423d5d1a21e624ba27ee620ae6fff640c71469959918a0558d52", postmark.messageHash());
      assertEquals("0x32009d231cd4bc3a6319f3bd17113d8b957d9e3e5ef32226b075ebe669ca512b", postmark.signedText());
      assertEquals("C8feqkhW/DK1z4x3RjPvnwUv+xoB4VYKZ6cg0awMtTC9tlTw1p5Sl+Co80GRPma5h/8pFr9Am3r3F2AMziV9Cw==", postmark.signature());
      assertEquals(
          "{\"incommingTimestamp\":1700000001234,\"messageHash\":\"0x802b81bf186c423d5d1a21e624ba27ee620ae6fff640c71469959918a0558d52\",\"signature\":\"C8feqkhW/DK1z4x3RjPvnwUv+xoB4VYKZ6cg0awMtTC9tlTw1p5Sl+Co80GRPma5h/8pFr9Am3r3F2AMziV9Cw==\"}",
          postmark.canonical());
      String sealed = EnvelopeBuilder.seal(fixed(0x55, 0x66), receiver.encryption().publicKey(), postmark.canonical());
      assertEquals("pHhmUao9g/1HwftHWAj8MfB8lTXpKfFWGZSLKHhcZjk=", EncryptedPayload.parse(sealed, "").ephemPublicKey());
      assertEquals("0x697ad30052aec57e5b7f749f630ec1e823f0c9af0a8efac12979ed1e27f9d372", sha256OfCiphertext(sealed));

      // the receiver opens everything: message, signature, postmark
      EncryptionEnvelope stored = service.stamp(opened, 1700000001234L, receiver.encryption().publicKey());
      Message received = Message.fromJson(Json.parse(DeliveryService.decryptToText(receiver.encryption(), stored.message())));
      assertEquals(signed, received);
      assertTrue(Ed25519.verify(sender.signing().publicKey(), received.signedText().getBytes(StandardCharsets.UTF_8), Base64.getDecoder().decode(received.signature())));
      assertEquals(postmark.canonical(), DeliveryService.decryptToText(receiver.encryption(), stored.postmark()));
    }
  }

  @Test
  void tv8EnvelopeMetadataSignature() {
    ProfileKeys keys = ProfileKeys.forWallet(TV7_WALLET, "0");
    Message message =
        new Message("", new Message.Metadata("", "0x25A643B6e52864d0eD816F1E43c0CF49C83B8292", 123, MessageType.NEW, null, null), null, "");
    assertEquals("0xf2f8e4e1301481b3d7f11127adc11f5f4cf5faa8261296501d7726206ba35a85", message.messageHash());
    // the reference test's "encryption" is an identity stub: the payload holds the plaintext
    String routing = new EncryptedPayload("{\"from\":\"\",\"to\":\"\"}", "", "").canonical();
    EnvelopeMetadata metadata =
        new EnvelopeMetadata("v1", EnvelopeBuilder.ENCRYPTION_SCHEME, routing, null, message.messageHash(), null, "", null);
    assertEquals(
        "{\"deliveryInformation\":\"{\\\"ciphertext\\\":\\\"{\\\\\\\"from\\\\\\\":\\\\\\\"\\\\\\\",\\\\\\\"to\\\\\\\":\\\\\\\"\\\\\\\"}\\\",\\\"ephemPublicKey\\\":\\\"\\\",\\\"nonce\\\":\\\"\\\"}\",\"encryptionScheme\":\"x25519-chacha20-poly1305\",\"messageHash\":\"0xf2f8e4e1301481b3d7f11127adc11f5f4cf5faa8261296501d7726206ba35a85\",\"version\":\"v1\"}",
        metadata.signedText());
    assertEquals(
        "sHQCkcuocwB7E9iy2hzyvl45020vFNgDfEV/dAKaMal98svGl7Gk8h0vcXxmhNwZt+rJ0j+Bc6sgpoeiIBjBCQ==",
        Base64.getEncoder().encodeToString(Ed25519.sign(keys.signing().privateKey(), metadata.signedText().getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void npmLayoutHashesTheQuotedMessageString() {
    JsonNode c = Vectors.list("/envelopes/cases").get(0);
    ProfileKeys alice = ProfileKeys.forWallet(Hex.decode(Vectors.at("/keys/wallets/alice/privateKey").asText()), ProfileKeys.DEFAULT_NONCE);
    Message signed = Message.fromJson(Json.parse(c.at("/expected/decryptedMessage").asText()));
    byte[] bob = Base64.getDecoder().decode(Vectors.at("/keys/wallets/bob/encryptionKeyPair/publicKey").asText());
    byte[] ds = Base64.getDecoder().decode(Vectors.at("/deliveryService/profile/publicEncryptionKey").asText());
    EncryptionEnvelope envelope = EnvelopeBuilder.build(signed, Layout.NPM_1_7_1, alice.signing(), bob, ds, Sealer.random(), Sealer.random());
    assertEquals(Hashes.sha256Hex(Json.quote(envelope.message())), envelope.metadata().encryptedMessageHash());
    assertEquals(null, envelope.metadata().messageHash());
    assertTrue(
        Ed25519.verify(alice.signing().publicKey(), envelope.metadata().signedText().getBytes(StandardCharsets.UTF_8), Base64.getDecoder().decode(envelope.metadata().signature())));
    // the layout's field set matches the library's envelope
    JsonNode libMetadata = Json.parse(c.at("/submit/paramJson").asText()).get("metadata");
    java.util.Set<String> expected = new java.util.TreeSet<>();
    libMetadata.fieldNames().forEachRemaining(expected::add);
    java.util.Set<String> actual = new java.util.TreeSet<>();
    envelope.metadata().toJson().fieldNames().forEachRemaining(actual::add);
    assertEquals(expected, actual);
  }

  @Test
  void randomizedEndToEndRoundTrip() {
    Random random = new Random(99);
    DeliveryServiceIdentity ds = DeliveryServiceIdentity.generate(new java.security.SecureRandom());
    try (EphemeralKeyPool pool = new EphemeralKeyPool(8)) {
      DeliveryService service = new DeliveryService(ds, pool);
      for (int i = 0; i < 50; i++) {
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        ProfileKeys sender = ProfileKeys.fromSeed(seed);
        random.nextBytes(seed);
        ProfileKeys receiver = ProfileKeys.fromSeed(seed);
        char[] text = new char[random.nextInt(5000)];
        for (int j = 0; j < text.length; j++) {
          text[j] = (char) (0x20 + random.nextInt(0x2000));
        }
        Message signed =
            EnvelopeBuilder.sign(
                new Message(new String(text), new Message.Metadata("r" + i + ".eth", "s" + i + ".eth", random.nextInt(1 << 30), MessageType.NEW, null, null), null, ""),
                sender.signing().privateKey());
        Layout layout = random.nextBoolean() ? Layout.HEAD : Layout.NPM_1_7_1;
        EncryptionEnvelope envelope =
            EnvelopeBuilder.build(signed, layout, sender.signing(), receiver.encryption().publicKey(), ds.encryption().publicKey(), Sealer.random(), Sealer.random());
        OpenedEnvelope opened = service.open(envelope.canonical(), 1_000_000);
        assertEquals("r" + i + ".eth", opened.deliveryInformation().to());
        EncryptionEnvelope stored = service.stamp(opened, 5, receiver.encryption().publicKey());
        assertEquals(signed, Message.fromJson(Json.parse(DeliveryService.decryptToText(receiver.encryption(), stored.message()))));
        Postmark postmark = Postmark.fromJson(Json.parse(DeliveryService.decryptToText(receiver.encryption(), stored.postmark())));
        assertTrue(Ed25519.verify(ds.signing().publicKey(), postmark.signedText().getBytes(StandardCharsets.US_ASCII), Base64.getDecoder().decode(postmark.signature())));
        assertEquals(DeliveryService.postmarkMessageHash(envelope.message()), postmark.messageHash());
      }
    }
  }
}
