package dev.dm3relay.protocol.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dm3relay.protocol.crypto.Ethereum;
import dev.dm3relay.protocol.crypto.Hashes;
import dev.dm3relay.protocol.crypto.Hex;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.model.SignedUserProfile;
import dev.dm3relay.protocol.model.UserProfile;
import dev.dm3relay.protocol.testing.Vectors;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class ProfileKeysTest {

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  @Test
  void defaultNonceIsSha256OfItsName() {
    assertEquals(ProfileKeys.DEFAULT_NONCE, Hashes.sha256Hex("dm3_default_nonce"));
    assertEquals(Vectors.at("/keys/nonce").asText(), ProfileKeys.DEFAULT_NONCE);
  }

  @TestFactory
  Stream<DynamicTest> derivesEveryVectorWalletsKeys() {
    return Stream.of("alice", "bob", "ds")
        .map(
            name ->
                DynamicTest.dynamicTest(
                    name,
                    () -> {
                      JsonNode w = Vectors.at("/keys/wallets/" + name);
                      byte[] wallet = Hex.decode(w.get("privateKey").asText());
                      assertEquals(w.get("address").asText(), Ethereum.addressOf(wallet));
                      String message = ProfileKeys.creationMessage(w.get("address").asText().toLowerCase(), ProfileKeys.DEFAULT_NONCE);
                      assertEquals(w.get("storageKeyCreationMessage").asText(), message);
                      assertEquals(w.get("storageKeyCreationMessageEip191Hash").asText(), Hex.prefixed(Ethereum.eip191Hash(message)));
                      assertEquals(w.get("storageKeyCreationSignature").asText(), Ethereum.personalSign(wallet, message));
                      ProfileKeys keys = ProfileKeys.forWallet(wallet, ProfileKeys.DEFAULT_NONCE);
                      assertEquals(w.get("storageKey").asText(), keys.storageKeyBase64());
                      assertEquals(w.at("/encryptionKeyPair/publicKey").asText(), b64(keys.encryption().publicKey()));
                      assertEquals(w.at("/encryptionKeyPair/privateKey").asText(), b64(keys.encryption().privateKey()));
                      assertEquals(w.at("/signingKeyPair/publicKey").asText(), b64(keys.signing().publicKey()));
                      assertEquals(w.at("/signingKeyPair/privateKey").asText(), b64(keys.signing().privateKey()));
                    }));
  }

  @Test
  void digestVectorsTv4AndTv7() {
    // TV4: storage key from a signature's hex text
    assertEquals(
        "hsFAngifN8jSBFkrVKL1NgWKLCbLYJHKLTdr6LPxlqQ=",
        b64(ProfileKeys.storageKey("0xb9b0a77f501c6db70c5e8f7d1e6be1642b8b7e897d681c69921569cb84b0a87d52cd22d501de45a643d4058bdba96d5614faf7dc4461a5931fc90ddecb2e84991b")));
    // TV7: wallet → profile keys, with DEFAULT_NONCE and with nonce "0"
    byte[] wallet = Hex.decode("0xac58f2f021d6f148fd621b355edbd0ebadcf9682019015ef1219cf9c0c2ddc8b");
    assertEquals("0x652dD52d9431844a0585C83A3cCEFac96843bf08", Ethereum.addressOf(wallet));
    String address = Ethereum.addressOf(wallet);
    assertEquals(
        "0x78c6a6b1689b8dc9121d0cbc326d108f478b6d1258f29f01230d60de82d512586765d1d10b4f995a0cd7c65332f112bc58aa1a69cb7bb88b6ff1308ed8afc3781b",
        Ethereum.personalSign(wallet, ProfileKeys.creationMessage(address, ProfileKeys.DEFAULT_NONCE)));
    ProfileKeys keys = ProfileKeys.forWallet(wallet, ProfileKeys.DEFAULT_NONCE);
    assertEquals("hHFeMBtp9mkqrPPSRVbgQU9KMj/K/1zvjjBJ7kcD25g=", keys.storageKeyBase64());
    assertEquals("Cz5WfEEhkmzP52L7OJzd4sf9xQUYc9nRAbnevjTbL28=", b64(keys.encryption().publicKey()));
    assertEquals("dradnyjzlC7T87nZ3HfJo+w2aQQVhxP0Sdk+eZttEmw=", b64(keys.encryption().privateKey()));
    assertEquals("vwAsCu4TAL3KeeCfkKsi+ACTRjfeHtbKJh4yUs9fL5A=", b64(keys.signing().publicKey()));
    assertEquals(
        "hHFeMBtp9mkqrPPSRVbgQU9KMj/K/1zvjjBJ7kcD25i/ACwK7hMAvcp54J+QqyL4AJNGN94e1somHjJSz18vkA==",
        b64(keys.signing().privateKey()));
    ProfileKeys zero = ProfileKeys.forWallet(wallet, "0");
    assertEquals("5Z3T5I5/TW7AyNBn5x5cNcf250u1J8jBTW7qWfmQRmc=", zero.storageKeyBase64());
    assertEquals("rxMiPdfRtVi3/1C6OBfhjQ3P5jmmNAfOodqItoggOhE=", b64(zero.encryption().publicKey()));
    assertEquals("3C6nzt4LiziHqZ5DU9O3K4jtgvcq2EqZPJ2zMADjy+E=", b64(zero.signing().publicKey()));
  }

  @TestFactory
  Stream<DynamicTest> checksEveryVectorProfileSignature() {
    return Vectors.list("/profiles/cases").stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.get("id").asText(),
                    () -> {
                      SignedUserProfile signed = SignedUserProfile.fromJson(c.get("signedProfile"));
                      String address = c.get("checkAgainstAddress").asText();
                      assertEquals(c.get("creationMessage").asText(), ProfileSignature.message(address, signed.profile()));
                      assertEquals(
                          c.get("expectedRecoveredAddress").asText(),
                          Ethereum.recoverPersonalSigner(c.get("creationMessage").asText(), signed.signature()));
                      assertEquals(c.get("expectedValid").asBoolean(), ProfileSignature.isSignedBy(signed, address));
                      // any address spelling is checked against the checksummed form
                      assertEquals(c.get("expectedValid").asBoolean(), ProfileSignature.isSignedBy(signed, address.toLowerCase()));
                    }));
  }

  @Test
  void digestVectorTv9AndTamperCases() {
    byte[] wallet = Hex.decode("0x1da6847600b0ee25e9ad9a52abbd786dd2502fa4005dd5af9310b7cc7a3b25db");
    assertEquals("0x71CB05EE1b1F506fF321Da3dac38f25c0c9ce6E1", Ethereum.addressOf(wallet));
    UserProfile p1 = new UserProfile("1", "2", List.of());
    SignedUserProfile s1 = ProfileSignature.sign(wallet, p1);
    assertEquals(
        "0x3bbd65661921bb1ad67dcfa4c8f042a166e6de3037d93df2e9c079b31bd7dae37280ab0f4498a883edcd0745ad8614b1609ad2c35b390fd93969cca9758dbc071b",
        s1.signature());
    UserProfile p2 =
        UserProfile.fromJson(
            Json.parse("{\"deliveryServices\":[\"\"],\"publicEncryptionKey\":\"Vrd/eTAk/jZb/w5L408yDjOO5upNFDGdt0lyWRjfBEk=\",\"publicSigningKey\":\"0ekgI3CBw2iXNXudRdBQHiOaMpG9bvq9Jse26dButug=\"}"),
            "");
    assertEquals(
        "0xac2830d4b546115b5f1623e3d843ce20cb70ac1e475d182f05deeee244601b823bec0455a9e42c2e0fcfb25f637962ac9437fab607d18e8eef30e125636ea6061b",
        ProfileSignature.sign(wallet, p2).signature());
    String address = "0x71CB05EE1b1F506fF321Da3dac38f25c0c9ce6E1";
    assertTrue(ProfileSignature.isSignedBy(s1, address));
    // a signature over "0x1234" instead of the profile text (the reference's negative test)
    assertFalse(ProfileSignature.isSignedBy(new SignedUserProfile(p1, Ethereum.personalSign(wallet, "0x1234")), address));
    // every change to the profile or the signature breaks it
    assertFalse(ProfileSignature.isSignedBy(new SignedUserProfile(new UserProfile("1", "3", List.of()), s1.signature()), address));
    assertFalse(ProfileSignature.isSignedBy(new SignedUserProfile(new UserProfile("1", "2", List.of("ds.eth")), s1.signature()), address));
    char[] sig = s1.signature().toCharArray();
    for (int i = 2; i < sig.length; i++) {
      char[] copy = sig.clone();
      copy[i] = copy[i] == '0' ? '1' : '0';
      assertFalse(ProfileSignature.isSignedBy(new SignedUserProfile(p1, new String(copy)), address), "signature char " + i);
    }
    for (String junk : new String[] {"", "0x", "0x12", "not hex", "0x" + "00".repeat(65)}) {
      assertFalse(ProfileSignature.isSignedBy(new SignedUserProfile(p1, junk), address), junk);
    }
    assertFalse(ProfileSignature.isSignedBy(s1, "alice.eth"));
  }
}
