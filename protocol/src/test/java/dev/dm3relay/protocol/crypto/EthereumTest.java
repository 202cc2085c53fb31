package dev.dm3relay.protocol.crypto;

import static dev.dm3relay.protocol.crypto.Vectors.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** EIP-55, EIP-191 and personal_sign recovery (§1.2, §3.6, TV9, TV13). */
class EthereumTest {

  private static final String ALICE = "0x99B492D1127fe1A6A5820832cA411b891b0BF724";

  @Test
  void hashMessageTv13() {
    assertEquals("0x4a5c5d454721bbbb25540c3317521e71c373ae36458f960d2ad46ef088110e95",
        Hex.prefixed(Ethereum.eip191Hash("test")));
    assertEquals("0xa1b38837dd52e70a250ac2bf3e19f1599833e9d30662bf69a1c12e5747ed9f65",
        Hashes.sha256Hex("dm3_default_nonce"));
  }

  @Test
  void hashMessageCountsUtf8BytesAndMatchesEveryPostmark() {
    // the postmark hashes stringify(envelope.message): the message text as a quoted JSON string
    assertEquals("0x367d9d9c36d2f5d7062e32a72b7d013ee43cb2079c28335dc9cef786a3d807b1", Hex.prefixed(Ethereum.eip191Hash(
        jsonString("{\"ciphertext\":\"AAAA\",\"ephemPublicKey\":\"BBBB\",\"nonce\":\"0x000000000000000000000000\"}"))));
    int checked = 0;
    for (JsonNode c : Vectors.envelopeCases()) {
      JsonNode postmark = c.path("expected").path("postmark");
      if (postmark.isMissingNode() || postmark.isNull()) {
        continue;
      }
      String message = c.path("expected").path("delivered").path("message").asText(null);
      if (message == null) {
        continue;
      }
      assertEquals(text(postmark, "messageHash"), Hex.prefixed(Ethereum.eip191Hash(jsonString(message))), text(c, "id"));
      checked++;
    }
    assertTrue(checked >= 6, "only " + checked + " postmarks");
  }

  /** JSON string literal of a text without control characters (all that envelope.message holds). */
  private static String jsonString(String text) {
    assertTrue(text.chars().noneMatch(ch -> ch < 0x20), "control characters need the full canonical escaper");
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Test
  void profileSignaturesRecoverTheExpectedSigner() {
    for (JsonNode c : Vectors.list(Vectors.ROOT.path("profiles").path("cases"))) {
      String id = text(c, "id");
      String message = text(c, "creationMessage");
      assertEquals(text(c, "creationMessageEip191Hash"), Hex.prefixed(Ethereum.eip191Hash(message)), id);
      String signer = Ethereum.recoverPersonalSigner(message, text(c.required("signedProfile"), "signature"));
      assertEquals(text(c, "expectedRecoveredAddress"), signer, id);
      assertEquals(c.required("expectedValid").asBoolean(),
          signer.equals(Ethereum.checksumAddress(text(c, "checkAgainstAddress"))), id);
    }
  }

  @Test
  void profileSignatureTv9() {
    byte[] key = Hex.decode("0x1da6847600b0ee25e9ad9a52abbd786dd2502fa4005dd5af9310b7cc7a3b25db");
    String address = Ethereum.addressOf(key);
    assertEquals("0x71CB05EE1b1F506fF321Da3dac38f25c0c9ce6E1", address);
    assertEquals("0x3bbd65661921bb1ad67dcfa4c8f042a166e6de3037d93df2e9c079b31bd7dae37280ab0f4498a883edcd0745ad8614b1609ad2c35b390fd93969cca9758dbc071b",
        Ethereum.personalSign(key, profileMessage(address, "{\"deliveryServices\":[],\"publicEncryptionKey\":\"1\",\"publicSigningKey\":\"2\"}")));
    String second = profileMessage(address, "{\"deliveryServices\":[\"\"],\"publicEncryptionKey\":\"Vrd/eTAk/jZb/w5L408yDjOO5upNFDGdt0lyWRjfBEk=\",\"publicSigningKey\":\"0ekgI3CBw2iXNXudRdBQHiOaMpG9bvq9Jse26dButug=\"}");
    String signature = "0xac2830d4b546115b5f1623e3d843ce20cb70ac1e475d182f05deeee244601b823bec0455a9e42c2e0fcfb25f637962ac9437fab607d18e8eef30e125636ea6061b";
    assertEquals(signature, Ethereum.personalSign(key, second));
    assertEquals(address, Ethereum.recoverPersonalSigner(second, signature));
    assertFalse(address.equals(Ethereum.recoverPersonalSigner("0x1234", signature)));
  }

  @Test
  void recoveryAcceptsVAsZeroOrOne() {
    JsonNode alice = Vectors.wallet("alice");
    String message = text(alice, "storageKeyCreationMessage");
    String signature = text(alice, "storageKeyCreationSignature");
    int v = Integer.parseInt(signature.substring(130), 16);
    String zeroBased = signature.substring(0, 130) + String.format("%02x", v - 27);
    assertEquals(ALICE, Ethereum.recoverPersonalSigner(message, zeroBased));
    assertEquals(ALICE, Ethereum.recoverPersonalSigner(message, signature.toUpperCase(Locale.ROOT).replace("0X", "0x")));
    String otherV = signature.substring(0, 130) + String.format("%02x", v == 27 ? 28 : 27);
    assertFalse(ALICE.equals(Ethereum.recoverPersonalSigner(message, otherV)));
  }

  @Test
  void malformedSignaturesThrow() {
    String good = text(Vectors.wallet("alice"), "storageKeyCreationSignature");
    String message = text(Vectors.wallet("alice"), "storageKeyCreationMessage");
    assertThrows(IllegalArgumentException.class, () -> Ethereum.recoverPersonalSigner(message, null));
    assertThrows(IllegalArgumentException.class, () -> Ethereum.recoverPersonalSigner(message, "0x1234"));
    assertThrows(IllegalArgumentException.class, () -> Ethereum.recoverPersonalSigner(message, good + "00"));
    assertThrows(IllegalArgumentException.class, () -> Ethereum.recoverPersonalSigner(message, good.substring(0, 130) + "02"));
    assertThrows(IllegalArgumentException.class, () -> Ethereum.recoverPersonalSigner(message, good.substring(0, 129) + "zz"));
    String zeroR = "0x" + "00".repeat(32) + good.substring(66);
    assertThrows(IllegalArgumentException.class, () -> Ethereum.recoverPersonalSigner(message, zeroR));
    // what ethers accepts beyond these (64-byte compact, v ≥ 29, s out of range): EthersSignatureTest
  }

  @Test
  void checksumAddresses() {
    assertEquals(ALICE, Ethereum.checksumAddress(ALICE.toLowerCase(Locale.ROOT)));
    assertEquals(ALICE, Ethereum.checksumAddress("0x" + ALICE.substring(2).toUpperCase(Locale.ROOT)));
    assertEquals(ALICE, Ethereum.checksumAddress(ALICE.substring(2)));
    assertEquals(ALICE, Ethereum.checksumAddress(ALICE));
    assertEquals("0x99C19AB10b9EC8aC6fcda9586E81f6B73a298870",
        Ethereum.checksumAddress("0x99c19ab10b9ec8ac6fcda9586e81f6b73a298870"));
    // EIP-55's own examples
    assertEquals("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        Ethereum.checksumAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"));
    assertEquals("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        Ethereum.checksumAddress("0xDBF03B407C01E7CD3CBEA99509D93F8DDDC8C6FB"));
    String wrongChecksum = "0x99b492D1127fe1A6A5820832cA411b891b0BF724";
    assertThrows(IllegalArgumentException.class, () -> Ethereum.checksumAddress(wrongChecksum));
    for (String bad : new String[] {"", "0x", "0x1234", ALICE + "00", "0x99B492D1127fe1A6A5820832cA411b891b0BF72g", "alice.eth", null}) {
      assertThrows(IllegalArgumentException.class, () -> Ethereum.checksumAddress(bad), String.valueOf(bad));
      assertFalse(Ethereum.isAddress(bad), String.valueOf(bad));
    }
    assertFalse(Ethereum.isAddress(wrongChecksum));
    assertTrue(Ethereum.isAddress(ALICE.toLowerCase(Locale.ROOT)));
  }

  @Test
  void privateKeysOutOfRangeAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Ethereum.addressOf(new byte[32]));
    assertThrows(IllegalArgumentException.class, () -> Ethereum.addressOf(new byte[31]));
    byte[] aboveN = new byte[32];
    java.util.Arrays.fill(aboveN, (byte) 0xff);
    assertThrows(IllegalArgumentException.class, () -> Ethereum.personalSign(aboveN, "x"));
  }

  private static String profileMessage(String address, String profileCanonical) {
    return "dm3.chat wants you register your dm3 profile with your Ethereum account:\n" + address
        + "\n\nThis is required only once!\n(There is no paid transaction initiated. The signature is used off-chain only.)"
        + "\n\nURI: https://dm3.chat\nVersion: 1\ndm3 Profile: " + profileCanonical;
  }
}
