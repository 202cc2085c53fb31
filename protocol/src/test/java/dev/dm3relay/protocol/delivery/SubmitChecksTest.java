package dev.dm3relay.protocol.delivery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dm3relay.protocol.crypto.EphemeralKeyPool;
import dev.dm3relay.protocol.crypto.Hashes;
import dev.dm3relay.protocol.crypto.Hex;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.json.MalformedJsonException;
import dev.dm3relay.protocol.model.EncryptionEnvelope;
import dev.dm3relay.protocol.model.EnvelopeMetadata;
import dev.dm3relay.protocol.sender.EnvelopeBuilder;
import dev.dm3relay.protocol.sender.WalletUser;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** What the submit pipeline refuses before anything is stored: hashes not in their form or not true. */
class SubmitChecksTest {

  private static final DeliveryServiceIdentity IDENTITY = DeliveryServiceIdentity.generate(new SecureRandom());
  private static final EphemeralKeyPool POOL = new EphemeralKeyPool(4);
  private static final DeliveryService SERVICE = new DeliveryService(IDENTITY, POOL);
  private static final WalletUser ALICE = WalletUser.create();
  private static final WalletUser BOB = WalletUser.create();

  @AfterAll
  static void close() {
    POOL.close();
  }

  private static EncryptionEnvelope envelope() {
    return EnvelopeBuilder.textMessage(
        ALICE.name(), BOB.name(), "hi", 1L, ALICE.keys().signing(), BOB.keys().encryption().publicKey(), IDENTITY.encryption().publicKey());
  }

  private static String with(EncryptionEnvelope e, String messageHash, String encryptedMessageHash) {
    EnvelopeMetadata m = e.metadata();
    return new EncryptionEnvelope(
            e.message(),
            new EnvelopeMetadata(m.version(), m.encryptionScheme(), m.encryptedDeliveryInformation(), null, messageHash, encryptedMessageHash, m.signature(), null),
            null,
            null)
        .canonical();
  }

  private static SubmitRejectedException.Reason refusal(String envelopeJson) {
    return assertThrows(SubmitRejectedException.class, () -> SERVICE.open(envelopeJson, 100_000)).reason();
  }

  @Test
  void hashesMustBeZeroXAndSixtyFourLowerCaseHexDigits() {
    EncryptionEnvelope e = envelope();
    SERVICE.open(e.canonical(), 100_000); // as built: fine
    for (String bad : new String[] {"0x" + "ab".repeat(30_000), "0x" + "AB".repeat(32), "ab".repeat(32), "0x" + "ab".repeat(31), "0x" + "\u0663".repeat(64)}) {
      assertEquals(SubmitRejectedException.Reason.INVALID_SCHEMA, refusal(with(e, bad, null)), bad.substring(0, Math.min(20, bad.length())));
      assertEquals(SubmitRejectedException.Reason.INVALID_SCHEMA, refusal(with(e, null, bad)));
    }
  }

  @Test
  void theNpmLayoutsHashMustBeTheHashOfTheMessage() {
    EncryptionEnvelope e = envelope();
    String right = DeliveryService.encryptedMessageHash(e.message());
    assertEquals(right, Hashes.sha256Hex(Json.quote(e.message())));
    SERVICE.open(with(e, null, right), 100_000);
    assertEquals(SubmitRejectedException.Reason.MESSAGE_HASH_MISMATCH, refusal(with(e, null, Hashes.sha256Hex("another"))));
    // both layouts at once: the npm field is checked too
    assertEquals(
        SubmitRejectedException.Reason.MESSAGE_HASH_MISMATCH,
        refusal(with(e, e.metadata().messageHash(), Hashes.sha256Hex("another"))));
  }

  @Test
  void aNumberThatOverflowsIsMalformedJson() {
    for (String text : new String[] {"1e9999999999", "{\"a\":-1e9999999999}", "[1E+99999999999]"}) {
      assertThrows(MalformedJsonException.class, () -> Json.parse(text), text);
    }
    assertEquals(SubmitRejectedException.Reason.MALFORMED_JSON, refusal("{\"message\":1e9999999999}"));
  }

  @Test
  void hexIsAsciiOnly() {
    assertArrayEquals(new byte[] {0x3f, (byte) 0xAb}, Hex.decode("0x3fAB"));
    assertThrows(IllegalArgumentException.class, () -> Hex.decode("0x\u0663f"), "ARABIC-INDIC DIGIT THREE");
    assertThrows(IllegalArgumentException.class, () -> Hex.decode("\uff11\uff12"), "FULLWIDTH DIGITS");
  }
}
